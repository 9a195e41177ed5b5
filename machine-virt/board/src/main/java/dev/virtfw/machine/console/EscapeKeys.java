package dev.virtfw.machine.console;

import java.io.PrintStream;

/**
 * The console's escape keys, as QEMU's -nographic multiplexer has them (chardev/char-mux.c):
 * Ctrl-A starts a command, the next key chooses it. Ctrl-A x ends the machine, Ctrl-A h (or ?)
 * prints the list, Ctrl-A c switches between the guest's console and the {@link Monitor} (whose
 * typed lines the guest never sees), Ctrl-A Ctrl-A sends one Ctrl-A to the guest; any other key
 * after Ctrl-A is dropped with it, as QEMU drops the commands it does not know (this board has no
 * disk to save and no break to send, so s and b are among those).
 */
public final class EscapeKeys {
    /** Ctrl-A. */
    public static final int ESCAPE = 0x01;
    static final String HELP = "\n\r"
            + "C-a h    print this help\n\r"
            + "C-a x    exit emulator\n\r"
            + "C-a c    switch between console and monitor\n\r"
            + "C-a C-a  sends C-a\n\r";

    /** What Ctrl-A x prints, as QEMU's "QEMU: Terminated". */
    static final String TERMINATED = "virt: Terminated\n\r";

    private final PrintStream out;
    private final Runnable quit;
    private final Monitor monitor;
    private boolean escaped;
    private boolean inMonitor;

    /**
     * @param out  where the help and the last word go (the console's output, as QEMU writes it there)
     * @param quit what Ctrl-A x does
     */
    public EscapeKeys(PrintStream out, Runnable quit) {
        this(out, new Monitor.Actions() {
            @Override
            public void quit() {
                quit.run();
            }

            @Override
            public void reset() {
            }

            @Override
            public void powerdown() {
            }
        });
    }

    /**
     * @param out     where the help, the monitor and the last word go (the console's output)
     * @param actions what Ctrl-A x ({@link Monitor.Actions#quit}) and the monitor's commands do
     */
    public EscapeKeys(PrintStream out, Monitor.Actions actions) {
        this.out = out;
        this.quit = actions::quit;
        this.monitor = new Monitor(out, actions);
    }

    /** Takes one byte typed on the console; returns the byte the guest receives, or {@link ConsoleInput#NONE}. */
    public int feed(int b) {
        if (!escaped) {
            if (b == ESCAPE) {
                escaped = true;
                return ConsoleInput.NONE;
            }
            if (inMonitor) {
                monitor.feed(b);
                return ConsoleInput.NONE;
            }
            return b;
        }
        escaped = false;
        switch (b) {
            case ESCAPE -> {
                if (inMonitor) {
                    monitor.feed(b);
                    return ConsoleInput.NONE;
                }
                return ESCAPE;
            }
            case 'c' -> {
                inMonitor = !inMonitor;
                if (inMonitor) {
                    monitor.enter();
                }
            }
            case 'x' -> {
                out.print(TERMINATED);
                out.flush();
                quit.run();
            }
            case 'h', '?' -> {
                out.print(HELP);
                out.flush();
            }
            default -> { }
        }
        return ConsoleInput.NONE;
    }
}
