package dev.virtfw.machine.cli;

import dev.virtfw.machine.ConfigException;
import dev.virtfw.machine.FlashDrive;
import dev.virtfw.machine.FwCfgEntry;
import dev.virtfw.machine.Limits;
import dev.virtfw.machine.MachineConfig;
import dev.virtfw.machine.MachineException;
import dev.virtfw.machine.MachineFailureException;
import dev.virtfw.machine.RunResult;
import dev.virtfw.machine.VirtMachine;
import dev.virtfw.machine.bench.BenchCommand;
import dev.virtfw.machine.bus.DeviceSpec;
import dev.virtfw.machine.console.Console;
import dev.virtfw.machine.unicorn.CpuModel;
import dev.virtfw.machine.unicorn.UnicornException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./virt}: QEMU's command line for the subset this machine supports, so the same line can be
 * given to {@code qemu-system-aarch64} and here. Options keep QEMU's single-dash spellings.
 */
@Command(name = "virt", mixinStandardHelpOptions = true, version = "virt 0.1 (QEMU -M virt on Unicorn)",
        description = "Runs AArch64 firmware or a Linux kernel on QEMU's ARM virt board, emulated with Unicorn.",
        footer = {"", "Also: ./virt (no arguments) or ./virt --demo [--demo-kernel-size SIZE] [--demo-initrd-size SIZE]",
                "runs the built-in fw_cfg demo (legacy vs DMA boot timings); ./virt --compare-qemu [--unified] [--strict]",
                "QEMU-ARGS... runs the same command line on qemu-system-aarch64 and here and compares the consoles."},
        sortOptions = false)
public final class VirtCommand implements Callable<Integer> {
    @Option(names = {"-M", "-machine"}, paramLabel = "virt[,dumpdtb=FILE]", description = "The board: only virt.")
    String machine;

    @Option(names = "-cpu", paramLabel = "CPU", description = "cortex-a57 (default), cortex-a53, cortex-a72 or max.")
    String cpu;

    @Option(names = "-m", paramLabel = "SIZE", description = "RAM size: MiB, or with a K/M/G/T suffix (default 128M).")
    String memory;

    @Option(names = "-bios", paramLabel = "FILE", description = "Firmware for flash bank 0; the device tree is at the start of RAM.")
    Path bios;

    @Option(names = "-kernel", paramLabel = "FILE", description = "An arm64 Linux Image (booted directly without -bios; offered in fw_cfg with it).")
    Path kernel;

    @Option(names = "-initrd", paramLabel = "FILE", description = "Initial RAM disk.")
    Path initrd;

    @Option(names = "-append", paramLabel = "CMDLINE", description = "Kernel command line.")
    String append;

    @Option(names = "-dtb", paramLabel = "FILE", description = "Use this device tree instead of the generated one.")
    Path dtb;

    @Option(names = "-fw_cfg", paramLabel = "[name=]NAME,file=PATH|string=STR", description = "Add a named fw_cfg file.")
    List<String> fwCfg = new ArrayList<>();

    @Option(names = "-drive", paramLabel = "if=pflash,format=raw,file=PATH[,readonly=on][,index=N]",
            description = "A 64 MiB raw image for a flash bank: the first backs bank 0, the next bank 1.")
    List<String> drives = new ArrayList<>();

    @Option(names = "-nographic", description = "No display; the serial port is on standard input and output.")
    boolean nographic;

    @Option(names = "-serial", paramLabel = "stdio", description = "Serial port: only stdio.")
    String serial;

    @Option(names = "-no-reboot", description = "Exit when the guest resets instead of restarting it.")
    boolean noReboot;

    @Option(names = "-nic", paramLabel = "none", description = "Network: only none (there is none).")
    String nic;

    @Option(names = "-display", paramLabel = "none", description = "Display: only none.")
    String display;

    @Option(names = "--trace", paramLabel = "DEVICE", description = "Trace register accesses of a device (fw_cfg, pl011).")
    List<String> trace = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "Read settings from a JSON file (options override it).")
    Path config;

    @Option(names = "--device", paramLabel = "TYPE,base=ADDR[,key=value...]", description = "Add a device by its provider's type.")
    List<String> devices = new ArrayList<>();

    @Option(names = "--max-instructions", paramLabel = "N", description = "Stop the guest after N instructions per boot.")
    Long maxInstructions;

    @Option(names = "--time-limit", paramLabel = "SECONDS", description = "Stop the guest after this much wall time.")
    Double timeLimit;

    @Option(names = "--bench", arity = "0..1", fallbackValue = "quick", paramLabel = "[MODE][,runs=N][,out=DIR]",
            description = "Benchmark fw_cfg against qemu-system-aarch64 (MODE: tiny, quick (default) or full);"
                    + " prints the table and writes bench.csv, bench.png, bench.txt (default folder bench-results).")
    String bench;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    private final Console console;
    private final PrintWriter err;
    private boolean noArguments;

    VirtCommand(Console console, PrintWriter err) {
        this.console = console;
        this.err = err;
    }

    /**
     * The configured command line: output and errors go to the given writers, the guest's console
     * to {@code console}. Parse errors and {@link CliException}s print one line and map to exit codes.
     */
    public static CommandLine commandLine(Console console, PrintWriter out, PrintWriter err) {
        VirtCommand command = new VirtCommand(console, err);
        CommandLine cl = new CommandLine(command);
        cl.setOut(out);
        cl.setErr(err);
        cl.setPosixClusteredShortOptionsAllowed(false);
        cl.setParameterExceptionHandler((ex, args) -> {
            err.println("virt: error: " + ex.getMessage().lines().findFirst().orElse("invalid arguments")
                    + " (see --help)");
            err.flush();
            return ExitCode.INVALID_INPUT.status();
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            ExitCode code = switch (ex) {
                case CliException c -> c.exitCode();
                case ConfigException c -> ExitCode.INVALID_INPUT;
                case UnicornException u -> ExitCode.ERROR;
                case MachineFailureException f -> ExitCode.INTERNAL;
                case MachineException m -> ExitCode.ERROR;
                default -> ExitCode.INTERNAL;
            };
            String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            err.println("virt: error: " + message.lines().findFirst().orElse(ex.toString()));
            err.flush();
            return code.status();
        });
        return cl;
    }

    /** Runs {@code args}; returns the exit status. */
    public static int run(String[] args, Console console, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(console, out, err);
        ((VirtCommand) cl.getCommand()).noArguments = args.length == 0;
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override
    public Integer call() {
        if (bench != null) {
            return BenchCommand.run(bench, commandSpec.commandLine().getOut(), err);
        }
        if (noArguments) {
            // ./virt without arguments runs the demo (Main dispatches it before this command).
            throw new CliException(ExitCode.INVALID_INPUT, "no arguments: give -bios FILE or -kernel FILE (see --help)");
        }
        MachineConfig.Builder b = MachineConfig.builder().console(console);
        if (config != null) {
            applyConfigFile(b, config);
        }
        applyOptions(b);
        RunResult result = VirtMachine.run(b.build());
        if (result.reason() == RunResult.Reason.DTB_DUMPED) {
            err.println("virt: " + result.message());
        } else if (result.exitStatus() != 0) {
            err.println("virt: " + result.message());
        }
        return result.exitStatus();
    }

    private void applyOptions(MachineConfig.Builder b) {
        if (machine != null) {
            applyMachine(b, machine);
        }
        if (cpu != null) {
            b.cpu(cpuModel("-cpu", cpu));
        }
        if (memory != null) {
            b.ramSize(Sizes.parseMegabytesDefault("-m", memory));
        }
        if (bios != null) {
            b.bios(bios);
        }
        if (kernel != null) {
            b.kernel(kernel);
        }
        if (initrd != null) {
            b.initrd(initrd);
        }
        if (append != null) {
            b.append(append);
        }
        if (dtb != null) {
            b.dtb(dtb);
        }
        for (String f : fwCfg) {
            b.fwCfg(fwCfgEntry(f));
        }
        for (String d : devices) {
            b.device(DeviceSpec.parse(d));
        }
        try {
            FlashDrive.fromOptions(drives).forEach(b::flashDrive);
        } catch (ConfigException e) {
            throw new CliException(ExitCode.INVALID_INPUT, e.getMessage());
        }
        if (nographic) {
            b.nographic(true);
        }
        if (noReboot) {
            b.noReboot(true);
        }
        only("-serial", serial, "stdio", "mon:stdio");
        only("-nic", nic, "none");
        only("-display", display, "none");
        trace.forEach(t -> b.trace(traceName(t)));
        if (maxInstructions != null || timeLimit != null) {
            b.limits(limits(maxInstructions, timeLimit, "--max-instructions", "--time-limit"));
        }
    }

    private static void applyMachine(MachineConfig.Builder b, String spec) {
        String[] parts = spec.split(",", -1);
        String type = parts[0].startsWith("type=") ? parts[0].substring("type=".length()) : parts[0];
        if (!type.equals("virt")) {
            throw new CliException(ExitCode.INVALID_INPUT, "-M " + spec + ": only the virt machine is supported");
        }
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].startsWith("dumpdtb=") && parts[i].length() > "dumpdtb=".length()) {
                b.dumpDtb(Path.of(parts[i].substring("dumpdtb=".length())));
            } else {
                throw new CliException(ExitCode.INVALID_INPUT, "-M " + spec + ": unsupported machine option '"
                        + parts[i] + "' (only dumpdtb=FILE)");
            }
        }
    }

    private static CpuModel cpuModel(String option, String name) {
        return CpuModel.byName(name).orElseThrow(() -> new CliException(ExitCode.INVALID_INPUT, option + " " + name
                + ": unknown CPU (known: " + Arrays.stream(CpuModel.values()).map(CpuModel::qemuName)
                .collect(Collectors.joining(", ")) + ")"));
    }

    private static FwCfgEntry fwCfgEntry(String text) {
        try {
            return FwCfgEntry.parse(text);
        } catch (ConfigException e) {
            throw new CliException(ExitCode.INVALID_INPUT, e.getMessage());
        }
    }

    /** QEMU's --trace takes event patterns ("fw_cfg*"); here a device name, with an optional '*'. */
    private static String traceName(String pattern) {
        return pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1).replaceAll("_$", "") : pattern;
    }

    private static void only(String option, String value, String... allowed) {
        if (value != null && !Arrays.asList(allowed).contains(value)) {
            throw new CliException(ExitCode.INVALID_INPUT, option + " " + value + ": only " + String.join(" or ", allowed)
                    + " is supported");
        }
    }

    private static Limits limits(Long instructions, Double seconds, String instructionsName, String secondsName) {
        if (instructions != null && instructions < 0) {
            throw new CliException(ExitCode.INVALID_INPUT, instructionsName + " " + instructions + ": must not be negative");
        }
        if (seconds != null && !(seconds > 0 && seconds < 1e9)) {
            throw new CliException(ExitCode.INVALID_INPUT, secondsName + " " + seconds + ": must be a positive number of seconds");
        }
        return new Limits(instructions == null ? 0 : instructions,
                seconds == null ? null : Duration.ofNanos((long) (seconds * 1e9)));
    }

    private static void applyConfigFile(MachineConfig.Builder b, Path file) {
        ConfigFile c = ConfigFile.read(file);
        Path dir = file.toAbsolutePath().getParent();
        String where = "--config " + file + ": ";
        if (c.cpu() != null) {
            b.cpu(cpuModel(where + "cpu", c.cpu()));
        }
        if (c.memory() != null) {
            b.ramSize(Sizes.parseMegabytesDefault(where + "memory", String.valueOf(c.memory())));
        }
        if (c.bios() != null) {
            b.bios(dir.resolve(c.bios()));
        }
        if (c.kernel() != null) {
            b.kernel(dir.resolve(c.kernel()));
        }
        if (c.initrd() != null) {
            b.initrd(dir.resolve(c.initrd()));
        }
        if (c.append() != null) {
            b.append(c.append());
        }
        if (c.dtb() != null) {
            b.dtb(dir.resolve(c.dtb()));
        }
        if (c.fwCfg() != null) {
            for (ConfigFile.FwCfg f : c.fwCfg()) {
                if (f == null || f.name() == null || f.name().isEmpty() || (f.file() == null) == (f.string() == null)) {
                    throw new CliException(ExitCode.INVALID_INPUT,
                            where + "each fwCfg entry needs a name and exactly one of file and string");
                }
                b.fwCfg(f.file() != null ? FwCfgEntry.ofFile(f.name(), dir.resolve(f.file()))
                        : FwCfgEntry.ofString(f.name(), f.string()));
            }
        }
        if (c.devices() != null) {
            c.devices().forEach(d -> b.device(DeviceSpec.parse(String.valueOf(d))));
        }
        if (Boolean.TRUE.equals(c.noReboot())) {
            b.noReboot(true);
        }
        if (Boolean.TRUE.equals(c.nographic())) {
            b.nographic(true);
        }
        if (c.limits() != null) {
            b.limits(limits(c.limits().instructions(), c.limits().seconds(), where + "limits.instructions",
                    where + "limits.seconds"));
        }
        if (c.trace() != null) {
            c.trace().forEach(t -> b.trace(traceName(t)));
        }
    }
}
