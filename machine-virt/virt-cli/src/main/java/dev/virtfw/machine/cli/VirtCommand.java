package dev.virtfw.machine.cli;

import static dev.virtfw.machine.cli.Cli.flag;
import static dev.virtfw.machine.cli.Cli.opt;

import dev.virtfw.machine.ConfigException;
import dev.virtfw.machine.FlashDrive;
import dev.virtfw.machine.FwCfgEntry;
import dev.virtfw.machine.Limits;
import dev.virtfw.machine.MachineConfig;
import dev.virtfw.machine.RunResult;
import dev.virtfw.machine.VirtMachine;
import dev.virtfw.machine.bench.BenchCommand;
import dev.virtfw.machine.bus.DeviceSpec;
import dev.virtfw.machine.console.Console;
import dev.virtfw.machine.flash.FileChannelOpener;
import dev.virtfw.machine.unicorn.CpuModel;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code ./virt}: QEMU's command line for the subset this machine supports, so the same line can be
 * given to {@code qemu-system-aarch64} and here. Options keep QEMU's single-dash spellings; as in
 * QEMU, an option given twice takes its last value, and the repeatable ones (-fw_cfg, -drive,
 * --trace, --device) add up.
 *
 * <p>Parsed with Apache Commons CLI. It was picocli: its model building cost ~100 ms of every start
 * (its Java 5 class files cannot go into a CDS archive or an AOT cache, and it reflects over the
 * annotations), measured against Commons CLI on the same options: 0.20-0.24 s vs 0.09-0.13 s for a
 * bare parse in a fresh JVM, on the path firmware developers run again and again.
 */
public final class VirtCommand {
    static final String VERSION = "virt 0.1 (QEMU -M virt on Unicorn)";
    /** Set by the ./virt launcher to the libunicorn2t64 version it fetched (scripts/lib.sh). */
    static final String UNICORN_VERSION_PROPERTY = "virtfw.unicorn.version";
    private static final String DESCRIPTION =
            "Runs AArch64 firmware or a Linux kernel on QEMU's ARM virt board, emulated with Unicorn.";
    private static final String FOOTER = "Also: ./virt (no arguments) or ./virt --demo [--demo-kernel-size SIZE]"
            + " [--demo-initrd-size SIZE] runs the built-in fw_cfg demo (legacy vs DMA boot timings);"
            + " ./virt --compare-qemu [--unified] [--strict] QEMU-ARGS... runs the same command line on"
            + " qemu-system-aarch64 and here and compares the consoles.";

    /** The options in help order: short (single-dash) name or null, long name or null, value label, text. */
    private static final Options OPTIONS = new Options()
            .addOption(opt("M", "machine", "virt[,prop=value...]", "The board: virt (or virt-7.2); properties dumpdtb=FILE,"
                    + " highmem=on|off, acpi=off, gic-version=2|3|max, its=on|off. Given again, the properties merge."))
            .addOption(opt("cpu", null, "CPU", "cortex-a57 (default), cortex-a53, cortex-a72 or max."))
            .addOption(opt("m", null, "SIZE", "RAM size: MiB, or with a K/M/G/T suffix (default 128M)."))
            .addOption(opt("smp", null, "[cpus=]1", "CPUs: only 1 (one CPU is emulated)."))
            .addOption(opt("bios", null, "FILE", "Firmware for flash bank 0; the device tree is at the start of RAM."))
            .addOption(opt("kernel", null, "FILE",
                    "An arm64 Linux Image (booted directly without -bios; offered in fw_cfg with it)."))
            .addOption(opt("initrd", null, "FILE", "Initial RAM disk."))
            .addOption(opt("append", null, "CMDLINE", "Kernel command line."))
            .addOption(opt("dtb", null, "FILE", "Use this device tree instead of the generated one."))
            .addOption(opt("fw_cfg", null, "[name=]NAME,file=PATH|string=STR", "Add a named fw_cfg file."))
            .addOption(opt("drive", null, "if=pflash,format=raw,file=PATH[,readonly=on][,index=N]",
                    "A 64 MiB raw image for a flash bank: the first backs bank 0, the next bank 1."))
            .addOption(flag("nographic", null, "No display; the serial port is on standard input and output."))
            .addOption(opt("serial", null, "stdio", "Serial port: only stdio."))
            .addOption(flag(null, "no-reboot", "Exit when the guest resets instead of restarting it."))
            .addOption(opt("nic", null, "none", "Network: only none (there is none)."))
            .addOption(opt("display", null, "none", "Display: only none."))
            .addOption(opt(null, "trace", "DEVICE|EVENT", "Trace register accesses of a device (fw_cfg, pl011, pl031, pl061,"
                    + " virtio-mmio, pcie-ecam, gicv2m, ...), or with unassigned each address the guest touched where"
                    + " nothing is mapped, or QEMU's trace event fw_cfg_select in QEMU's format (to standard error)."))
            .addOption(opt("D", null, "FILE", "Write the traces (and the end-of-run summary of unassigned accesses)"
                    + " to FILE instead of standard error, as QEMU's -D does."))
            .addOption(opt("msg", null, "timestamp=on|off", "With timestamp=on, each trace line starts as QEMU's do:"
                    + " <id>@<seconds>.<microseconds>: (wall clock)."))
            .addOption(opt(null, "config", "FILE", "Read settings from a JSON file (options override it)."))
            .addOption(opt(null, "device", "TYPE,base=ADDR[,key=value...]", "Add a device by its provider's type."))
            .addOption(opt(null, "max-instructions", "N", "Stop the guest after N instructions per boot."))
            .addOption(opt(null, "time-limit", "SECONDS", "Stop the guest after this much wall time."))
            .addOption(Option.builder().longOpt("bench").hasArg().optionalArg(true).argName("[MODE][,runs=N][,out=DIR]")
                    .desc("Benchmark fw_cfg against qemu-system-aarch64 (MODE: tiny, quick (default), full, linux: Debian's kernel booting, uboot: U-Boot's qfw load, or uefi: EDK2's kernel and initrd load);"
                            + " prints the table and writes bench.csv, bench.png, bench.txt (default folder bench-results).")
                    .get())
            .addOption(flag(null, "verbose", "On an error, also print its stack trace (for a bug report)."))
            .addOption(flag("h", "help", "Show this help message and exit."))
            .addOption(flag("V", "version", "Print version information and exit."));

    private final CommandLine line;
    private final Console console;
    private final PrintWriter out;
    private final PrintWriter err;
    private final FileChannelOpener flashFiles;

    private VirtCommand(CommandLine line, Console console, PrintWriter out, PrintWriter err, FileChannelOpener flashFiles) {
        this.line = line;
        this.console = console;
        this.out = out;
        this.err = err;
        this.flashFiles = flashFiles;
    }

    /**
     * Runs {@code args}; returns the exit status. Output and errors go to the given writers, the
     * guest's console to {@code console}. A parse error or any failure prints one line.
     */
    public static int run(String[] args, Console console, PrintWriter out, PrintWriter err) {
        return run(args, console, out, err, FileChannelOpener.DEFAULT);
    }

    /**
     * As {@link #run(String[], Console, PrintWriter, PrintWriter)}, with the {@code -drive} images
     * opened through {@code flashFiles} (how a test gives the run a file system that fails).
     */
    public static int run(String[] args, Console console, PrintWriter out, PrintWriter err,
                          FileChannelOpener flashFiles) {
        int status;
        try {
            status = execute(args, console, out, err, flashFiles);
        } catch (ParseException e) {
            status = Cli.failParse(e, err, "--help");
        } catch (RuntimeException e) {
            status = Cli.fail(e, err, verbose(args));
        }
        out.flush();
        err.flush();
        return status;
    }

    /**
     * Whether {@code --verbose} was given: looked for in the raw arguments, so that it also applies
     * to a failure of the parse itself.
     */
    static boolean verbose(String[] args) {
        return Arrays.asList(args).contains("--verbose");
    }

    private static int execute(String[] args, Console console, PrintWriter out, PrintWriter err,
                               FileChannelOpener flashFiles) throws ParseException {
        CommandLine line = Cli.parse(OPTIONS, args, false);
        if (!line.getArgList().isEmpty()) {
            throw new CliException(ExitCode.INVALID_INPUT, "unexpected argument '" + line.getArgList().getFirst()
                    + "' (options take one value each; see --help)");
        }
        if (line.hasOption("help")) {
            printHelp(out);
            return ExitCode.OK.status();
        }
        if (line.hasOption("version")) {
            out.println(VERSION);
            String unicorn = System.getProperty(UNICORN_VERSION_PROPERTY, "").strip();
            if (!unicorn.isEmpty()) {
                out.println("Unicorn: Debian's libunicorn2t64 " + unicorn + " (the version the launcher pins)");
            }
            return ExitCode.OK.status();
        }
        if (line.hasOption("bench")) {
            return BenchCommand.run(line.getOptionValue("bench", "quick"), out, err);
        }
        if (args.length == 0) {
            // ./virt without arguments runs the demo (Main dispatches it before this command).
            throw new CliException(ExitCode.INVALID_INPUT, "no arguments: give -bios FILE or -kernel FILE (see --help)");
        }
        return new VirtCommand(line, console, out, err, flashFiles).call();
    }

    /**
     * The help text: usage, the options in the order above with QEMU's spellings (one dash, also for
     * -machine and -no-reboot, which the parser accepts too); laid out by {@link Cli#printHelp}, which
     * says why not by Commons CLI's formatter.
     */
    static void printHelp(PrintWriter out) {
        Cli.printHelp(out, "virt [options]", DESCRIPTION, OPTIONS, VirtCommand::names, FOOTER);
    }

    private static String names(Option o) {
        boolean qemu = o.getLongOpt() != null && (o.getLongOpt().equals("machine") || o.getLongOpt().equals("no-reboot"));
        return qemu ? Cli.gnuNames(o).replace("--", "-") : Cli.gnuNames(o);
    }

    private int call() {
        MachineConfig.Builder b = MachineConfig.builder().console(console);
        String config = last("config");
        if (config != null) {
            applyConfigFile(b, path("--config", config));
        }
        applyOptions(b);
        String logFile = last("D");
        PrintStream log = logFile == null ? null : openLog(logFile);
        if (log != null) {
            b.traceOut(log);
        }
        RunResult result;
        try {
            result = VirtMachine.run(b.build());
        } finally {
            if (log != null) {
                log.close();
            }
        }
        if (result.reason() == RunResult.Reason.DTB_DUMPED) {
            err.println("virt: " + result.message());
        } else if (result.exitStatus() != 0) {
            err.println("virt: " + result.message());
        }
        return result.exitStatus();
    }

    /** QEMU's -D: the log file, created or truncated, one flush per line (QEMU's is line-buffered). */
    private static PrintStream openLog(String name) {
        Path file = path("-D", name);
        try {
            return new PrintStream(new BufferedOutputStream(Files.newOutputStream(file)), true, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.INVALID_INPUT, "-D " + name + ": cannot write the log file (no such directory)");
        } catch (AccessDeniedException e) {
            throw new CliException(ExitCode.INVALID_INPUT, "-D " + name + ": cannot write the log file (permission denied)");
        } catch (IOException | SecurityException e) {
            throw new CliException(ExitCode.INVALID_INPUT, "-D " + name + ": cannot write the log file ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /** The option's last value, as QEMU takes it, or null. */
    private String last(String name) {
        return Cli.last(line, name);
    }

    /** Every value of a repeatable option, in order. */
    private List<String> all(String name) {
        String[] values = line.getOptionValues(name);
        return values == null ? List.of() : List.of(values);
    }

    private static Path path(String option, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new CliException(ExitCode.INVALID_INPUT, option + " " + value + ": not a file name (" + e.getReason() + ")");
        }
    }


    private void applyOptions(MachineConfig.Builder b) {
        MachineOptions.apply(all("machine"), b);
        String cpu = last("cpu");
        if (cpu != null) {
            b.cpu(cpuModel("-cpu", cpu));
        }
        String smp = last("smp");
        if (smp != null) {
            oneCpu(smp);
        }
        String memory = last("m");
        if (memory != null) {
            b.ramSize(Sizes.parseMegabytesDefault("-m", memory));
        }
        String bios = last("bios");
        if (bios != null) {
            b.bios(path("-bios", bios));
        }
        String kernel = last("kernel");
        if (kernel != null) {
            b.kernel(path("-kernel", kernel));
        }
        String initrd = last("initrd");
        if (initrd != null) {
            b.initrd(path("-initrd", initrd));
        }
        String append = last("append");
        if (append != null) {
            b.append(append);
        }
        String dtb = last("dtb");
        if (dtb != null) {
            b.dtb(path("-dtb", dtb));
        }
        for (String f : all("fw_cfg")) {
            b.fwCfg(fwCfgEntry(f));
        }
        for (String d : all("device")) {
            b.device(DeviceSpec.parse(d));
        }
        try {
            FlashDrive.fromOptions(all("drive")).forEach(d -> b.flashDrive(d.withFiles(flashFiles)));
        } catch (ConfigException e) {
            throw new CliException(ExitCode.INVALID_INPUT, e.getMessage());
        }
        if (line.hasOption("nographic")) {
            b.nographic(true);
        }
        if (line.hasOption("no-reboot")) {
            b.noReboot(true);
        }
        only("-serial", last("serial"), "stdio", "mon:stdio");
        only("-nic", last("nic"), "none");
        only("-display", last("display"), "none");
        all("trace").forEach(t -> b.trace(traceName(t)));
        String msg = last("msg");
        if (msg != null) {
            b.traceTimestamps(timestamps(msg));
        }
        String instructions = last("max-instructions");
        String seconds = last("time-limit");
        if (instructions != null || seconds != null) {
            b.limits(limits(instructions == null ? null : Cli.number("--max-instructions", instructions, Long::valueOf),
                    seconds == null ? null : Cli.number("--time-limit", seconds, Double::valueOf),
                    "--max-instructions", "--time-limit"));
        }
    }

    /**
     * Accepts an {@code -smp} that asks for one CPU, as QEMU spells it ({@code 1}, {@code cpus=1},
     * with {@code sockets}, {@code cores}, {@code threads}, {@code maxcpus} of 1), and refuses any
     * other in one line: the board has a single CPU.
     */
    static void oneCpu(String spec) {
        String[] parts = spec.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            String key = eq < 0 ? (i == 0 ? "cpus" : p) : p.substring(0, eq);
            String value = eq < 0 ? (i == 0 ? p : "") : p.substring(eq + 1);
            if (!List.of("cpus", "maxcpus", "sockets", "dies", "clusters", "cores", "threads").contains(key)) {
                throw new CliException(ExitCode.INVALID_INPUT, "-smp " + spec + ": unknown property '" + key + "'");
            }
            if (!value.equals("1")) {
                throw new CliException(ExitCode.INVALID_INPUT, "-smp " + spec
                        + ": only one CPU is emulated (" + key + "=" + value + " asks for more)");
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

    /**
     * QEMU's -trace takes {@code [enable=]PATTERN[,events=FILE][,file=FILE]}; here a device name
     * (a pattern such as "fw_cfg*" names the device's register accesses) or an event's exact name.
     */
    static String traceName(String spec) {
        String pattern = null;
        for (String part : spec.split(",", -1)) {
            if (part.startsWith("enable=")) {
                pattern = part.substring("enable=".length());
            } else if (part.startsWith("events=") || part.startsWith("file=")) {
                throw new CliException(ExitCode.INVALID_INPUT, "-trace " + spec + ": " + part.substring(0, part.indexOf('='))
                        + "= is not supported (give the event or device name; -D FILE sends the traces to a file)");
            } else if (part.contains("=")) {
                throw new CliException(ExitCode.INVALID_INPUT, "-trace " + spec + ": Invalid parameter '"
                        + part.substring(0, part.indexOf('=')) + "'");
            } else {
                pattern = part;
            }
        }
        if (pattern == null || pattern.isEmpty()) {
            throw new CliException(ExitCode.INVALID_INPUT, "-trace " + spec + ": give a device or event name");
        }
        return pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1).replaceAll("_$", "") : pattern;
    }

    /** QEMU's {@code -msg timestamp=on|off} (its other property, guest-name, names nothing here). */
    static boolean timestamps(String spec) {
        boolean on = false;
        for (String part : spec.split(",", -1)) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "on" : part.substring(eq + 1);
            if (!key.equals("timestamp")) {
                throw new CliException(ExitCode.INVALID_INPUT, "-msg " + spec + ": Invalid parameter '" + key + "'");
            }
            if (!value.equals("on") && !value.equals("off")) {
                throw new CliException(ExitCode.INVALID_INPUT, "-msg " + spec + ": Parameter 'timestamp' expects 'on' or 'off'");
            }
            on = value.equals("on");
        }
        return on;
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
