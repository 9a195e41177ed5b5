package dev.virtfw.machine.compare;

import dev.virtfw.machine.cli.VirtCommand;
import dev.virtfw.machine.console.Console;
import dev.virtfw.machine.console.ConsoleInput;
import dev.virtfw.testdata.QemuException;
import dev.virtfw.testdata.QemuRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs one QEMU-style command line twice, on {@code qemu-system-aarch64} and on this machine (in
 * this process, through {@link VirtCommand}, exactly as {@code ./virt} would parse it), each with
 * no console input and the same time bound, and collects both consoles.
 */
public final class SideBySideRun {
    /** How a run ended. */
    public enum Ending {
        /** Exit status 0: the guest powered off (or reset with -no-reboot). */
        CLEAN,
        /** The time bound stopped it. */
        TIMED_OUT,
        /** Anything else: an error status. */
        FAILED
    }

    /**
     * One side's run.
     *
     * @param console the guest's console lines
     * @param errors  what the emulator printed on its error stream
     * @param ending  how it ended
     * @param status  its exit status (-1 when QEMU was killed at the time bound)
     * @param elapsed wall time
     */
    public record Side(List<String> console, String errors, Ending ending, int status, Duration elapsed) {
        public Side {
            console = List.copyOf(console);
        }

        /** "exit 0 after 0.61 s", "stopped at the time bound after 30.0 s", ... */
        public String describe() {
            String how = switch (ending) {
                case CLEAN -> "exit 0";
                case TIMED_OUT -> "stopped at the time bound";
                case FAILED -> "exit " + status;
            };
            return String.format(Locale.ROOT, "%s after %.2f s", how, elapsed.toNanos() / 1e9);
        }
    }

    /** Both runs of {@code args}. */
    public record Result(List<String> args, Side qemu, Side ours) {
        public Result {
            args = List.copyOf(args);
        }

        /** Whether both ended the same way (both cleanly, both at the time bound, or both with an error). */
        public boolean sameEnding() {
            return qemu.ending() == ours.ending();
        }
    }

    private SideBySideRun() {
    }

    /**
     * {@code userArgs} with the board options of {@link QemuRunner#virtArgs} in front
     * ({@code -M virt -cpu cortex-a57 -nographic -nic none}), each left out when the user gave that
     * option ({@code -M}/{@code -machine}, {@code -cpu}, {@code -nic}; {@code -nographic} also when
     * {@code -serial} or {@code -display} is given), and {@code -M acpi=off} at the end: this board
     * never builds ACPI tables and always is QEMU's {@code acpi=off} board, so QEMU is run as that
     * board (with its default {@code acpi=auto} and firmware, QEMU would swap the PL061 for an ACPI
     * event device and add ACPI files, differences that say nothing about either machine).
     */
    public static List<String> commandLine(List<String> userArgs) {
        List<String> args = new ArrayList<>();
        if (!userArgs.contains("-M") && !userArgs.contains("-machine")) {
            args.addAll(List.of("-M", "virt"));
        }
        if (!userArgs.contains("-cpu")) {
            args.addAll(List.of("-cpu", "cortex-a57"));
        }
        if (!userArgs.contains("-nographic") && !userArgs.contains("-serial") && !userArgs.contains("-display")) {
            args.add("-nographic");
        }
        if (!userArgs.contains("-nic")) {
            args.addAll(List.of("-nic", "none"));
        }
        args.addAll(userArgs);
        args.addAll(List.of("-M", "acpi=off"));
        return args;
    }

    /**
     * Runs {@link #commandLine(List) commandLine(userArgs)} on QEMU, then on this machine.
     *
     * @throws QemuException when QEMU cannot be found or started
     */
    public static Result run(List<String> userArgs, Duration timeout) throws QemuException, InterruptedException {
        List<String> args = commandLine(userArgs);
        QemuRunner.Result q = QemuRunner.run(args, timeout);
        Side qemu = new Side(q.lines(), q.errors(), q.timedOut() ? Ending.TIMED_OUT
                : q.exitCode() == 0 ? Ending.CLEAN : Ending.FAILED, q.exitCode(), q.elapsed());
        return new Result(args, qemu, runHere(args, timeout));
    }

    /** Runs {@code args} on this machine with the time bound as {@code --time-limit}. */
    static Side runHere(List<String> args, Duration timeout) {
        List<String> ours = new ArrayList<>(args);
        ours.addAll(List.of("--time-limit", String.format(Locale.ROOT, "%.3f", timeout.toNanos() / 1e9)));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int status = VirtCommand.run(ours.toArray(String[]::new),
                new Console(ConsoleInput.none(), console::write), new PrintWriter(out), new PrintWriter(err));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        String errors = out.toString() + err.toString();
        Ending ending = status == 0 ? Ending.CLEAN
                : errors.contains(TIME_LIMIT_MESSAGE) ? Ending.TIMED_OUT : Ending.FAILED;
        return new Side(console.toString(StandardCharsets.ISO_8859_1).lines().toList(), errors, ending, status, elapsed);
    }

    /** What ./virt prints when --time-limit stops the guest. */
    static final String TIME_LIMIT_MESSAGE = "time limit of";
}
