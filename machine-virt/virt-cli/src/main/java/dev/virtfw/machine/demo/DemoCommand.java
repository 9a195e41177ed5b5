package dev.virtfw.machine.demo;

import dev.virtfw.machine.MachineException;
import dev.virtfw.machine.cli.CliException;
import dev.virtfw.machine.cli.ExitCode;
import dev.virtfw.machine.cli.Sizes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./virt} with no arguments, or {@code ./virt --demo [--demo-kernel-size SIZE]
 * [--demo-initrd-size SIZE]}: runs {@link FwCfgDemo} and prints {@link DemoTable}. Exit status 0
 * when both boots checked out, 1 when a boot went wrong, 2 for bad options.
 */
@Command(name = "virt --demo", sortOptions = false,
        description = {"The built-in demo (also what ./virt runs with no arguments): the boot loader firmware loads a",
                "generated kernel and initrd through fw_cfg, once with the legacy interface and once with DMA,",
                "and the timings are printed side by side."})
public final class DemoCommand implements Callable<Integer> {
    /** The option that selects the demo; {@code --demo-*} options select it as well. */
    public static final String OPTION = "--demo";

    @Option(names = OPTION, description = "Run the demo.")
    boolean demo;

    @Option(names = "--demo-kernel-size", paramLabel = "SIZE",
            description = "Size of the generated kernel: MiB, or with a K/M/G suffix (default 64M).")
    String kernelSize;

    @Option(names = "--demo-initrd-size", paramLabel = "SIZE",
            description = "Size of the generated initrd: MiB, or with a K/M/G suffix (default 16M).")
    String initrdSize;

    @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private final PrintWriter out;

    private DemoCommand(PrintWriter out) {
        this.out = out;
    }

    /** Whether {@code args} ask for the demo: none at all, or a first argument {@code --demo...}. */
    public static boolean selects(String[] args) {
        return args.length == 0 || args[0].startsWith(OPTION);
    }

    /** Runs the demo with {@code args}; the table goes to {@code out}, a failure is one line on {@code err}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new DemoCommand(out));
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("virt: error: " + ex.getMessage().lines().findFirst().orElse("invalid arguments")
                    + " (see ./virt --demo --help)");
            return ExitCode.INVALID_INPUT.status();
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            ExitCode code = switch (ex) {
                case CliException c -> c.exitCode();
                case MachineException m -> ExitCode.ERROR;
                default -> ExitCode.INTERNAL;
            };
            String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            err.println("virt: error: " + message.lines().findFirst().orElse(ex.toString()));
            return code.status();
        });
        if (args.length == 0) {
            out.println("virt: no arguments, so here is the built-in demo (./virt --help lists the options;"
                    + " ./virt --demo --help the demo's)");
        }
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override
    public Integer call() {
        FwCfgDemo.Options options;
        try {
            options = new FwCfgDemo.Options(
                    kernelSize == null ? FwCfgDemo.DEFAULT_KERNEL_SIZE : Sizes.parseMegabytesDefault("--demo-kernel-size", kernelSize),
                    initrdSize == null ? FwCfgDemo.DEFAULT_INITRD_SIZE : Sizes.parseMegabytesDefault("--demo-initrd-size", initrdSize));
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
}
