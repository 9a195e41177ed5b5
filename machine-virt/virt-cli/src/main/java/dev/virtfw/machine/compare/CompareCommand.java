package dev.virtfw.machine.compare;

import dev.virtfw.machine.cli.Cli;
import dev.virtfw.machine.cli.CliException;
import dev.virtfw.machine.cli.ExitCode;
import dev.virtfw.testdata.QemuException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code ./virt --compare-qemu [--unified] [--strict] [--timeout S] [--width N] QEMU-ARGS...}: runs
 * the same command line on {@code qemu-system-aarch64} and on this machine and shows the two
 * consoles side by side (or the remaining differences as a unified diff). Exit status 0 when they
 * are equal but for TIME lines and the {@link KnownDifference#QEMU_VIRT known differences}, 1 when
 * not (or when the two runs ended differently), 2 when the comparison could not run.
 */
public final class CompareCommand {
    /** The option that selects the comparison. */
    public static final String OPTION = "--compare-qemu";
    /** Exit status when the consoles differ (diff's convention). */
    public static final int DIFFERENT = 1;
    /** Width of the side-by-side view when neither --width nor COLUMNS says otherwise. */
    static final int DEFAULT_WIDTH = 160;
    private static final double DEFAULT_TIMEOUT = 30;
    private static final String HELP_COMMAND = "./virt --compare-qemu --help";
    private static final String DESCRIPTION = "Runs the same QEMU command line on qemu-system-aarch64 and on this"
            + " machine and compares the consoles. Added unless given: -M virt -cpu cortex-a57 -nographic -nic none."
            + " TIME lines are never compared. Exit status: 0 equal, 1 different, 2 the comparison could not run.";
    private static final String FOOTER = "QEMU-ARGS: the command line for both, e.g. -bios fw.bin -fw_cfg"
            + " name=opt/x,file=f. The options above come first: everything from the first other argument on is"
            + " the command line.";

    private static final Options OPTIONS = new Options()
            .addOption(Cli.flag(null, OPTION.substring(2), "Compare with QEMU (this command)."))
            .addOption(Cli.flag(null, "unified", "Print only the unexplained differences, as a unified diff."))
            .addOption(Cli.flag(null, "strict", "Apply no known difference: only TIME lines are left out."))
            .addOption(Cli.opt(null, "timeout", "SECONDS",
                    "Stop each run after this many seconds (default " + (int) DEFAULT_TIMEOUT + ")."))
            .addOption(Cli.opt(null, "width", "COLUMNS", "Width of the side-by-side view (default: $COLUMNS, else 160)."))
            .addOption(Cli.flag(null, "help", "Show this help and exit."));

    private final PrintWriter out;
    private final boolean unified;
    private final boolean strict;
    private final double timeout;
    private final Integer width;
    private final List<String> args;

    private CompareCommand(PrintWriter out, CommandLine line) {
        this.out = out;
        this.unified = line.hasOption("unified");
        this.strict = line.hasOption("strict");
        String timeoutText = Cli.last(line, "timeout");
        this.timeout = timeoutText == null ? DEFAULT_TIMEOUT : Cli.number("--timeout", timeoutText, Double::parseDouble);
        String widthText = Cli.last(line, "width");
        this.width = widthText == null ? null : Cli.number("--width", widthText, Integer::valueOf);
        this.args = List.copyOf(line.getArgList());
    }

    /** Whether {@code args} ask for the comparison: a first argument {@value #OPTION}. */
    public static boolean selects(String[] args) {
        return args.length > 0 && args[0].equals(OPTION);
    }

    /** Runs the comparison; the view goes to {@code out}, a failure is one line on {@code err}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        int status;
        try {
            // QEMU's single-dash options are the command line to compare, not ours: stop at the first.
            CommandLine line = Cli.parse(OPTIONS, args, true);
            if (line.hasOption("help")) {
                Cli.printHelp(out, "virt --compare-qemu [options] QEMU-ARGS...", DESCRIPTION, OPTIONS, Cli::gnuNames,
                        FOOTER);
                status = ExitCode.OK.status();
            } else {
                status = new CompareCommand(out, line).call();
            }
        } catch (ParseException e) {
            status = Cli.failParse(e, err, HELP_COMMAND);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = Cli.fail(new CliException(ExitCode.ERROR, "interrupted"), err, false);
        } catch (RuntimeException e) {
            status = Cli.fail(e, err, false);
        }
        out.flush();
        err.flush();
        return status;
    }

    private int call() throws InterruptedException {
        if (args.isEmpty()) {
            throw new CliException(ExitCode.INVALID_INPUT, OPTION + ": give the command line to compare, e.g. -bios FILE");
        }
        if (!(timeout > 0 && timeout <= 86_400)) {
            throw new CliException(ExitCode.INVALID_INPUT, "--timeout " + timeout + ": must be a positive number of seconds up to a day");
        }
        int columns = width != null ? width : terminalWidth();
        if (columns < 40) {
            throw new CliException(ExitCode.INVALID_INPUT, "--width " + columns + ": must be at least 40");
        }
        SideBySideRun.Result run;
        try {
            run = SideBySideRun.run(args, Duration.ofNanos((long) (timeout * 1e9)));
        } catch (QemuException e) {
            throw new CliException(ExitCode.INVALID_INPUT, e.getMessage());
        }
        List<KnownDifference> rules = strict ? List.of(KnownDifference.TIMINGS) : KnownDifference.QEMU_VIRT;
        ConsoleComparison c = ConsoleComparison.of(run.qemu().console(), run.ours().console(), rules);

        String qemuTitle = "QEMU: qemu-system-aarch64";
        String ourTitle = "this machine: ./virt";
        out.println("command line: " + String.join(" ", run.args()));
        out.println(String.format(Locale.ROOT, "%-14s %s", "QEMU:", run.qemu().describe()));
        out.println(String.format(Locale.ROOT, "%-14s %s", "this machine:", run.ours().describe()));
        firstLines("QEMU said", run.qemu().errors());
        firstLines("./virt said", run.ours().errors());
        out.println();
        if (unified) {
            out.print(c.equal() ? "(no unexplained differences)" + System.lineSeparator() : c.unified(3, qemuTitle, ourTitle));
        } else {
            out.print(c.sideBySide(columns, qemuTitle, ourTitle));
            out.println();
            out.println("marks: ' ' same, '~' same but for a known difference, '-' a line only QEMU prints (known),");
            out.println("       '|' different, '<' only QEMU, '>' only this machine");
        }
        out.println();
        Map<String, Integer> applied = c.applied();
        for (KnownDifference r : rules) {
            int n = applied.getOrDefault(r.name(), 0);
            if (n > 0) {
                out.println(String.format(Locale.ROOT, "known difference %s, applied to %d line%s of the two consoles: %s",
                        r.name(), n, n == 1 ? "" : "s", r.reason()));
            }
        }
        List<String> why = new ArrayList<>();
        int differing = c.differences().size();
        if (differing > 0) {
            why.add(differing + (differing == 1 ? " row differs" : " rows differ"));
        }
        if (!run.sameEnding()) {
            why.add("the runs ended differently");
        }
        out.println(why.isEmpty() ? "result: EQUAL" : "result: DIFFERENT: " + String.join("; ", why));
        return why.isEmpty() ? ExitCode.OK.status() : DIFFERENT;
    }

    private void firstLines(String who, String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        for (int i = 0; i < Math.min(3, lines.size()); i++) {
            out.println(String.format(Locale.ROOT, "%-14s %s", i == 0 ? who + ":" : "", lines.get(i)));
        }
        if (lines.size() > 3) {
            out.println(String.format(Locale.ROOT, "%-14s (%d more lines)", "", lines.size() - 3));
        }
    }

    private static int terminalWidth() {
        try {
            int c = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", ""));
            return c >= 40 ? c : DEFAULT_WIDTH;
        } catch (NumberFormatException e) {
            return DEFAULT_WIDTH;
        }
    }
}
