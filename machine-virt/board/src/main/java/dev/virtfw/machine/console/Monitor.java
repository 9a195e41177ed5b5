package dev.virtfw.machine.console;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The few commands of QEMU's human monitor that make sense for this board, reached as on QEMU's
 * -nographic console with Ctrl-A c ({@link EscapeKeys}): {@code system_powerdown} presses the
 * board's power key (the PL061's GPIO 3, as QEMU's virt wires its gpio-keys when there is no
 * ACPI), {@code system_reset} resets the machine, {@code quit} (or {@code q}) ends it, {@code help}
 * lists them. The prompt is QEMU's {@code (qemu) }, so scripts that drive QEMU's monitor through
 * the console find it; an unknown command gets QEMU's {@code unknown command: '...'}. The line is
 * edited as typed (printable characters, backspace), and Enter runs it.
 */
public final class Monitor {
    /** What the monitor's commands ask of the machine; called on the console's reading thread. */
    public interface Actions {
        /** {@code quit}: end the machine (as Ctrl-A x, without its message). */
        void quit();

        /** {@code system_reset}: a system reset, as the guest's PSCI SYSTEM_RESET. */
        void reset();

        /** {@code system_powerdown}: press the power key. */
        void powerdown();
    }

    /** QEMU's monitor prompt. */
    public static final String PROMPT = "(qemu) ";
    static final String BANNER = "virt monitor - type 'help' for more information\r\n";
    private static final String[][] COMMANDS = {
            {"help|? [cmd]", "show the help"},
            {"q|quit", "quit the emulator"},
            {"system_powerdown", "send system power down event"},
            {"system_reset", "reset the system"},
    };

    private final PrintStream out;
    private final Actions actions;
    private final StringBuilder line = new StringBuilder();
    private boolean greeted;
    private boolean lastWasCr;

    public Monitor(PrintStream out, Actions actions) {
        this.out = out;
        this.actions = actions;
    }

    /** The console switched to the monitor: the banner the first time, then the prompt. */
    void enter() {
        if (!greeted) {
            out.print(BANNER);
            greeted = true;
        }
        out.print(PROMPT);
        out.flush();
    }

    /** One byte typed while the monitor has the console. */
    void feed(int b) {
        boolean cr = b == '\r';
        if (b == '\n' && lastWasCr) {
            lastWasCr = false;
            return;     // the second half of a "\r\n"
        }
        lastWasCr = cr;
        if (cr || b == '\n') {
            out.print("\r\n");
            run(line.toString().strip());
            line.setLength(0);
            out.print(PROMPT);
        } else if (b == 0x7F || b == '\b') {
            if (!line.isEmpty()) {
                line.setLength(line.length() - 1);
                out.print("\b \b");
            }
        } else if (b >= 0x20 && b < 0x7F) {
            line.append((char) b);
            out.print((char) b);
        }
        out.flush();
    }

    private void run(String command) {
        if (command.isEmpty()) {
            return;
        }
        String[] words = command.split("\\s+");
        switch (words[0]) {
            case "help", "?" -> help(words.length > 1 ? words[1] : null);
            case "q", "quit" -> actions.quit();
            case "system_powerdown" -> actions.powerdown();
            case "system_reset" -> actions.reset();
            default -> out.print("unknown command: '" + words[0] + "'\r\n");
        }
    }

    private void help(String which) {
        for (String[] c : COMMANDS) {
            if (which == null || java.util.Arrays.asList(c[0].split("[| ]")).contains(which)) {
                out.print(String.format(Locale.ROOT, "%-17s -- %s\r\n", c[0], c[1]));
            }
        }
    }
}
