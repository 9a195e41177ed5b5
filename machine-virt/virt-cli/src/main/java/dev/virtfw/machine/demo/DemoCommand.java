package dev.virtfw.machine.demo;

import dev.virtfw.machine.cli.Cli;
import dev.virtfw.machine.cli.CliException;
import dev.virtfw.machine.cli.ExitCode;
import dev.virtfw.machine.cli.Sizes;
import java.io.PrintWriter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code ./virt} with no arguments, or {@code ./virt --demo [--demo-kernel-size SIZE]
 * [--demo-initrd-size SIZE]}: runs {@link FwCfgDemo} and prints {@link DemoTable}. Exit status 0
 * when both boots checked out, 1 when a boot went wrong, 2 for bad options.
 */
public final class DemoCommand {
    /** The option that selects the demo; {@code --demo-*} options select it as well. */
    public static final String OPTION = "--demo";
    private static final String HELP_COMMAND = "./virt --demo --help";
    private static final String DESCRIPTION = "The built-in demo (also what ./virt runs with no arguments): the boot"
            + " loader firmware loads a generated kernel and initrd through fw_cfg, once with the legacy interface"
            + " and once with DMA, and the timings are printed side by side.";

    private static final Options OPTIONS = new Options()
            .addOption(Cli.flag(null, OPTION.substring(2), "Run the demo."))
            .addOption(Cli.opt(null, "demo-kernel-size", "SIZE",
                    "Size of the generated kernel: MiB, or with a K/M/G suffix (default 64M)."))
            .addOption(Cli.opt(null, "demo-initrd-size", "SIZE",
                    "Size of the generated initrd: MiB, or with a K/M/G suffix (default 16M)."))
            .addOption(Cli.flag(null, "help", "Show this help and exit."));

    private DemoCommand() {}

    /** Whether {@code args} ask for the demo: none at all, or a first argument {@code --demo...}. */
    public static boolean selects(String[] args) {
        return args.length == 0 || args[0].startsWith(OPTION);
    }

    /** Runs the demo with {@code args}; the table goes to {@code out}, a failure is one line on {@code err}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length == 0) {
            out.println("virt: no arguments, so here is the built-in demo (./virt --help lists the options;"
                    + " " + HELP_COMMAND + " the demo's)");
        }
        int status;
        try {
            status = execute(Cli.parse(OPTIONS, args, false), out);
        } catch (ParseException e) {
            status = Cli.failParse(e, err, HELP_COMMAND);
        } catch (RuntimeException e) {
            status = Cli.fail(e, err, false);
        }
        out.flush();
        err.flush();
        return status;
    }

    private static int execute(CommandLine line, PrintWriter out) {
        if (!line.getArgList().isEmpty()) {
            throw new CliException(ExitCode.INVALID_INPUT, "unexpected argument '" + line.getArgList().getFirst()
                    + "' (see " + HELP_COMMAND + ")");
        }
        if (line.hasOption("help")) {
            Cli.printHelp(out, "virt --demo [options]", DESCRIPTION, OPTIONS, Cli::gnuNames, null);
            return ExitCode.OK.status();
        }
        FwCfgDemo.Options options;
        try {
            options = new FwCfgDemo.Options(
                    size(line, "demo-kernel-size", FwCfgDemo.DEFAULT_KERNEL_SIZE),
                    size(line, "demo-initrd-size", FwCfgDemo.DEFAULT_INITRD_SIZE));
        } catch (DemoException e) {
            throw new CliException(ExitCode.INVALID_INPUT, e.getMessage());
        }
        FwCfgDemo.Report report = FwCfgDemo.run(options, step -> {
            out.println("... " + step);
            out.flush();
        });
        out.println();
        out.print(DemoTable.format(report));
        out.flush();
        return report.problems().isEmpty() ? ExitCode.OK.status() : ExitCode.ERROR.status();
    }

    private static long size(CommandLine line, String option, long defaultSize) {
        String value = Cli.last(line, option);
        return value == null ? defaultSize : Sizes.parseMegabytesDefault("--" + option, value);
    }
}
