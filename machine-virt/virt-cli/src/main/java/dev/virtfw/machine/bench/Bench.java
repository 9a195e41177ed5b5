package dev.virtfw.machine.bench;

import dev.virtfw.fwcfg.FwCfgSpec;
import dev.virtfw.testdata.Firmware;
import dev.virtfw.testdata.FwCfgSysfsReport;
import dev.virtfw.testdata.LinuxAssets;
import dev.virtfw.testdata.LinuxGuest;
import dev.virtfw.testdata.QemuRunner;
import dev.virtfw.testdata.GeneratedFile;
import dev.virtfw.testdata.TestData;
import dev.virtfw.testdata.TestInitrd;
import dev.virtfw.testdata.TestKernel;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The fw_cfg benchmark: our machine and QEMU run the same firmware with the same command line,
 * round after round, the two sides back to back and in alternating order (this machine's speed
 * drifts by up to 1.8x for tens of seconds, so only a comparison inside one round is fair).
 *
 * <p>Each round runs, on both sides: {@code bench.bin} (guest-timed DMA, legacy and single-access
 * figures), the boot loader entering a test kernel by DMA and by legacy reads (parent-timed start-up,
 * guest-timed kernel setup, the child's resident memory), and the host's own copy bandwidth.
 * Every figure is the median over the rounds with its spread; ratios are medians of per-round ratios.
 */
public final class Bench {
    static final String ITEM_PREFIX = "opt/virtfw/bench/";
    static final String PLAN_FILE = "opt/virtfw/bench-plan";
    static final String LEGACY_SWITCH = "opt/virtfw/legacy";
    /**
     * The guest's first console lines: start-up is timed to their arrival, not to the first byte on
     * stdout, which a JVM or QEMU message could be.
     */
    static final String BENCH_FIRST_LINE = "virtfw bench";
    static final String BOOTLOADER_FIRST_LINE = "TIME bootloader-entry ";
    /** Batches of single accesses per width. */
    static final int MMIO_BATCHES = 3;
    /** The sizes of the single-transfer READ rows, and of the SKIP row. */
    static final List<Long> CHUNKS = List.of(1L, 4096L, 65536L);
    static final long SKIP_CHUNK = 4096;
    /** Transfers per batch of the single-transfer rows (fewer when the item is smaller). */
    static final long CHUNK_TRANSFERS = 4096;

    static long chunkTransfers(long itemSize, long chunk) {
        return Math.max(1, Math.min(CHUNK_TRANSFERS, itemSize / chunk));
    }
    /** The item of the start-up run: small, so that reading it is no part of a start. */
    static final long START_ITEM_SIZE = 4096;
    /** What scripts/lib.sh's launch_java prints when it rebuilds before starting. */
    static final String LAUNCHER_BUILDING = "building machine-virt";
    static final ValueLayout.OfLong LE_U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final double MIB = 1 << 20;
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    /** The DMA announcement's x86 Linux figures (QEMU 2.9 era): legacy vs DMA, in seconds. */
    static final double ANNOUNCED_SETUP_LEGACY = 0.586;
    static final double ANNOUNCED_SETUP_DMA = 0.002;
    static final double ANNOUNCED_TOTAL_LEGACY = 0.726;
    static final double ANNOUNCED_TOTAL_DMA = 0.121;
    /** The memory goal's allowance over touched guest RAM and mapped files. */
    static final long MEMORY_ALLOWANCE = 150L << 20;

    private final BenchSpec spec;
    private final Emulator ours;
    private final Emulator qemu;
    private final PrintWriter log;
    private final Path work;
    /** metric key -> one value per round, per side ("ours", "QEMU", "host"). */
    private final Map<String, Map<String, List<Double>>> samples = new HashMap<>();
    private final Map<String, long[]> expectedSamples = new HashMap<>();
    private List<String> benchArgs;
    private List<String> benchRamArgs;
    private List<String> startArgs;
    private List<String> bootDmaArgs;
    private List<String> bootLegacyArgs;
    private GeneratedFile initrd;
    private long touchedBootRam;
    private List<String> linuxArgs;
    private List<String> linuxUBootArgs;
    private List<String> linuxUefiArgs;
    /** The kernel's line when it starts the initramfs (after its timestamp). */
    static final String LINUX_INIT = "Run /init as init process";

    private Bench(BenchSpec spec, Emulator ours, Emulator qemu, PrintWriter log, Path work) {
        this.spec = spec;
        this.ours = ours;
        this.qemu = qemu;
        this.log = log;
        this.work = work;
    }

    /** What {@link #run} produced: the table and the files written. */
    public record Outcome(BenchTable table, Path csv, Path png, Path text) {}

    /**
     * Runs the benchmark, writes {@code bench.csv}, {@code bench.png} and {@code bench.txt} into the
     * spec's folder and returns the table. Progress goes to {@code log}.
     *
     * @throws BenchException when a side fails, times out or loads wrong bytes
     */
    public static Outcome run(BenchSpec spec, Emulator ours, Emulator qemu, PrintWriter log) {
        Path work;
        try {
            work = Files.createTempDirectory("virtfw-bench");
        } catch (IOException e) {
            throw new BenchException("cannot create a work folder: " + e.getMessage(), e);
        }
        try {
            Bench b = new Bench(spec, ours, qemu, log, work);
            BenchTable table;
            if (spec.mode() == BenchSpec.Mode.LINUX) {
                b.prepareLinux();
                for (int round = 0; round < spec.runs(); round++) {
                    b.linuxRound(round);
                }
                table = b.linuxTable();
            } else if (spec.mode() == BenchSpec.Mode.UBOOT) {
                b.prepareUBoot();
                for (int round = 0; round < spec.runs(); round++) {
                    b.ubootRound(round);
                }
                table = b.ubootTable();
            } else if (spec.mode() == BenchSpec.Mode.UEFI) {
                b.prepareUefi();
                for (int round = 0; round < spec.runs(); round++) {
                    b.uefiRound(round);
                }
                table = b.uefiTable();
            } else {
                b.prepare();
                b.warmUp();
                for (int round = 0; round < spec.runs(); round++) {
                    b.round(round);
                }
                table = b.table();
            }
            return write(spec, table);
        } catch (IOException e) {
            throw new BenchException("benchmark I/O failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("benchmark interrupted", e);
        } finally {
            deleteTree(work);
        }
    }

    private static Outcome write(BenchSpec spec, BenchTable table) throws IOException {
        Files.createDirectories(spec.out());
        Path csv = spec.out().resolve("bench.csv");
        Path png = spec.out().resolve("bench.png");
        Path txt = spec.out().resolve("bench.txt");
        Files.writeString(csv, table.csv());
        Files.writeString(txt, table.text());
        BenchChart.write(table, "fw_cfg on virt: ours vs QEMU 7.2 TCG (median of " + spec.runs() + " round"
                + (spec.runs() == 1 ? "" : "s") + ", " + spec.mode().name().toLowerCase(Locale.ROOT) + ")", png);
        return new Outcome(table, csv, png, txt);
    }

    // ---- preparation ----

    private void prepare() throws IOException {
        log.println("bench: preparing items in " + work);
        log.flush();
        Path benchBios = TestData.extract(Firmware.BENCH, work);
        Path bootBios = TestData.extract(Firmware.BOOTLOADER, work);
        List<String> fwCfg = new ArrayList<>();
        long seed = 1;
        for (long size : spec.itemSizes()) {
            String name = ITEM_PREFIX + BenchSpec.sizeName(size);
            GeneratedFile f = TestInitrd.write(work.resolve("item-" + BenchSpec.sizeName(size)), size, seed++);
            expectedSamples.put(name, firstAndLast(f.path(), size));
            fwCfg.addAll(List.of("-fw_cfg", "name=" + name + ",file=" + f.path()));
        }
        Path plan = work.resolve("plan.txt");
        Files.writeString(plan, plan(spec));
        benchArgs = new ArrayList<>(common(spec.benchRamMiB()));
        benchArgs.addAll(List.of("-bios", benchBios.toString(), "-fw_cfg", "name=" + PLAN_FILE + ",file=" + plan));
        benchArgs.addAll(fwCfg);
        // The same DMA steps by the firmware relocated into RAM: code in RAM, as U-Boot and UEFI run.
        Path ramBios = TestData.extract(Firmware.BENCH_RAM, work);
        Path ramPlan = work.resolve("plan-ram.txt");
        Files.writeString(ramPlan, ramPlan(spec));
        benchRamArgs = new ArrayList<>(common(spec.benchRamMiB()));
        benchRamArgs.addAll(List.of("-bios", ramBios.toString(), "-fw_cfg", "name=" + PLAN_FILE + ",file=" + ramPlan));
        benchRamArgs.addAll(fwCfg);

        GeneratedFile small = TestInitrd.write(work.resolve("item-start"), START_ITEM_SIZE, 99);
        Path startPlan = work.resolve("start-plan.txt");
        Files.writeString(startPlan, "mmio1 " + ITEM_PREFIX + "start 1\n");
        startArgs = new ArrayList<>(common(spec.bootRamMiB()));
        startArgs.addAll(List.of("-bios", benchBios.toString(), "-fw_cfg", "name=" + PLAN_FILE + ",file=" + startPlan,
                "-fw_cfg", "name=" + ITEM_PREFIX + "start,file=" + small.path()));

        TestKernel.Image kernel = TestKernel.write(work.resolve("Image"), spec.kernelSize(), 11);
        initrd = TestInitrd.write(work.resolve("initrd"), spec.initrdSize(), 12);
        bootDmaArgs = new ArrayList<>(common(spec.bootRamMiB()));
        bootDmaArgs.addAll(List.of("-bios", bootBios.toString(), "-kernel", kernel.path().toString(),
                "-initrd", initrd.path().toString(), "-append", "console=ttyAMA0 virtfw.bench"));
        bootLegacyArgs = new ArrayList<>(bootDmaArgs);
        bootLegacyArgs.addAll(List.of("-fw_cfg", "name=" + LEGACY_SWITCH + ",string=1"));
        // What the boot touches in guest RAM, in the 2 MiB pages the machine maps: the device tree's
        // page, the firmware's data, the kernel, the initrd and the edited device tree.
        touchedBootRam = 2 * (2L << 20) + roundUp(spec.kernelSize(), 2L << 20) + roundUp(spec.initrdSize(), 2L << 20)
                + (2L << 20);
    }

    /** The Linux guest of the tests: Debian's kernel, the initramfs that reads fw_cfg through sysfs. */
    private void prepareLinux() throws IOException {
        log.println("bench: preparing the Linux guest in " + work);
        log.flush();
        LinuxGuest.Boot boot = LinuxGuest.prepare(LinuxAssets.fromSystemProperties(), work);
        linuxArgs = new ArrayList<>(QemuRunner.virtArgs());     // the tests' board options
        linuxArgs.addAll(boot.arguments());    // -m 512 -no-reboot, the kernel, initrd, command line, items
        linuxUBootArgs = new ArrayList<>(linuxArgs);
        Path uboot = QemuRunner.findUBoot().orElseThrow(() -> new BenchException(
                "--bench linux: Debian's U-Boot for qemu_arm64 not found (package " + QemuRunner.UBOOT_PACKAGE + ")"));
        linuxUBootArgs.addAll(List.of("-bios", uboot.toString()));
        Path uefi = QemuRunner.findUefi().orElseThrow(() -> new BenchException(
                "--bench linux: EDK2's QEMU_EFI.fd not found (package " + QemuRunner.UEFI_PACKAGE + ")"));
        // acpi=off: this board builds no ACPI tables, so QEMU's EDK2 must hand Linux the device tree too
        linuxUefiArgs = new ArrayList<>(linuxArgs);
        linuxUefiArgs.set(linuxUefiArgs.indexOf("virt"), "virt,acpi=off");
        linuxUefiArgs.addAll(List.of("-bios", uefi.toString()));
    }

    private void linuxRound(int round) throws IOException, InterruptedException {
        List<Emulator> order = roundOrder(round);
        for (Emulator e : order) {
            linuxRun(e, "linux-direct", linuxArgs);
        }
        for (Emulator e : order) {
            linuxRun(e, "linux-uboot", linuxUBootArgs);
        }
        for (Emulator e : order) {
            linuxRun(e, "linux-uefi", linuxUefiArgs);
        }
    }

    /** One boot to the initramfs's report and power-off: spawn to /init, to the report's end, to exit. */
    private void linuxRun(Emulator e, String kind, List<String> args) throws IOException, InterruptedException {
        ProcessRun.Result r = spawn(e, args, List.of(LINUX_INIT, LinuxGuest.END_PREFIX), LINUX_INIT,
                (long) spec.bootRamMiB() << 20);
        FwCfgSysfsReport report;
        try {
            report = FwCfgSysfsReport.parse(String.join("\n", r.lines()));
        } catch (IllegalArgumentException ex) {
            throw new BenchException(e.name() + " " + kind + ": no complete fw_cfg report (" + ex.getMessage() + "): "
                    + lastLine(r));
        }
        if (r.exitCode() != 0 || !report.errors().isEmpty() || r.mark(LINUX_INIT).isEmpty()) {
            throw new BenchException(e.name() + " " + kind + " did not boot cleanly (status " + r.exitCode() + "): "
                    + (report.errors().isEmpty() ? lastLine(r) : report.errors().getFirst()));
        }
        record(kind + ":init", e.name(), r.mark(LINUX_INIT).orElseThrow() / 1e9);
        record(kind + ":report", e.name(), r.mark(LinuxGuest.END_PREFIX).orElseThrow() / 1e9);
        record(kind + ":exit", e.name(), r.elapsedNanos() / 1e9);
        if (r.memory() != ProcessRun.Memory.NONE) {
            record(kind + ":hwm", e.name(), r.memory().hwm() / MIB);
            record(kind + ":files", e.name(), r.memory().rssFile() / MIB);
        }
        if (r.guestRamResident() > 0) {
            record(kind + ":guest-ram", e.name(), r.guestRamResident() / MIB);
        }
    }

    BenchTable linuxTable() {
        List<Row> rows = new ArrayList<>();
        for (String kind : List.of("linux-direct", "linux-uboot", "linux-uefi")) {
            String section = switch (kind) {
                case "linux-direct" -> "Linux, direct -kernel boot (parent-timed from spawn)";
                case "linux-uboot" -> "Linux through U-Boot (its autoboot loads kernel, initrd and command line by fw_cfg DMA)";
                default -> "Linux through UEFI (EDK2's kernel loader takes all three from fw_cfg by DMA)";
            };
            rows.add(compare(section, "spawn to Run /init", kind + ":init", "s", 1, false,
                    "the kernel's 'Run /init as init process'"));
            rows.add(compare(section, "spawn to the fw_cfg report's end", kind + ":report", "s", 1, false,
                    "qemu_fw_cfg.ko loaded, every sysfs item read (1-byte legacy reads: Linux 6.1's driver)"));
            rows.add(compare(section, "spawn to exit (poweroff -f)", kind + ":exit", "s", 1, false, ""));
            rows.add(compare(section, "VmHWM at /init", kind + ":hwm", "MiB", 1, false, "-m " + spec.bootRamMiB()));
            rows.add(compare(section, "guest RAM resident at /init", kind + ":guest-ram", "MiB", 1, false,
                    "the Rss of the RAM mapping (the anonymous one of -m's size) in /proc/<pid>/smaps"));
            rows.add(compare(section, "RssFile at /init (mapped files)", kind + ":files", "MiB", 1, false, ""));
        }
        List<String> notes = new ArrayList<>();
        notes.add("Debian 12's arm64 kernel (unmodified, KASLR on) and the busybox initramfs of the tests (-cpu"
                + " cortex-a57 -m " + spec.bootRamMiB() + "); through UEFI both run -M virt,acpi=off.");
        notes.add("Each figure: median [min-max] of " + spec.runs() + " round(s); ours/QEMU is the median of per-round"
                + " ratios, the two sides run back to back in alternating order.");
        notes.add("Goals:");
        for (Row r : rows) {
            if (r.metric().equals("spawn to Run /init") && r.ratio() != null) {
                notes.add(String.format(Locale.ROOT, "  [%s] %s, %s: ours/QEMU %.2f (want <= 3)",
                        r.ratio().median() <= 3 ? "met" : "NOT met", r.section().split(" \\(")[0],
                        r.metric(), r.ratio().median()));
            }
        }
        for (String kind : List.of("linux-direct", "linux-uboot", "linux-uefi")) {
            List<Double> hwm = values(kind + ":hwm", "ours");
            List<Double> limit = paired(values(kind + ":guest-ram", "ours"), values(kind + ":files", "ours"),
                    (ram, files) -> ram + files + 150);
            if (!hwm.isEmpty() && !limit.isEmpty()) {
                double margin = Double.MAX_VALUE;
                for (int i = 0; i < Math.min(hwm.size(), limit.size()); i++) {
                    margin = Math.min(margin, limit.get(i) - hwm.get(i));
                }
                notes.add(String.format(Locale.ROOT, "  [%s] %s: VmHWM at /init <= guest RAM resident + mapped files"
                        + " + 150 MiB in every round (smallest margin %.0f MiB)", margin >= 0 ? "met" : "NOT met",
                        kind, margin));
            }
        }
        return new BenchTable(rows, notes);
    }

    // ---- U-Boot's qfw load ----

    private List<String> ubootArgs;
    private static final String UBOOT_PROMPT = "\n=> ";
    private static final String QFW_LOAD = "qfw load ${kernel_addr_r} ${ramdisk_addr_r}";
    private static final Duration UBOOT_STEP = Duration.ofSeconds(120);

    /** Debian's U-Boot with the firmware modes' kernel and initrd, on the same board as QEMU's. */
    private void prepareUBoot() throws IOException {
        Path uboot = QemuRunner.findUBoot().orElseThrow(() -> new BenchException(
                "--bench uboot: Debian's U-Boot for qemu_arm64 not found (package " + QemuRunner.UBOOT_PACKAGE + ")"));
        ubootArgs = firmwareLoadArgs(uboot);
    }

    /**
     * The firmware modes' command line: {@code firmware} as -bios on QEMU's acpi=off board with a
     * kernel and an initrd of the spec's sizes (random bytes) and the select trace with timestamps.
     */
    private List<String> firmwareLoadArgs(Path firmware) throws IOException {
        Path kernel = randomFile(work.resolve("kernel.bin"), spec.kernelSize(), 1);
        Path initrd = randomFile(work.resolve("initrd.bin"), spec.initrdSize(), 2);
        List<String> args = new ArrayList<>(QemuRunner.virtArgs());
        args.set(args.indexOf("virt"), "virt,acpi=off");
        args.addAll(List.of("-m", Integer.toString(spec.bootRamMiB()), "-bios", firmware.toString(),
                "-kernel", kernel.toString(), "-initrd", initrd.toString(),
                "-trace", "fw_cfg_select", "-msg", "timestamp=on"));
        return args;
    }

    private static Path randomFile(Path file, long size, long seed) throws IOException {
        java.util.random.RandomGenerator rng = new java.util.SplittableRandom(seed);
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += chunk.length) {
                rng.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, size - done));
            }
        }
        return file;
    }

    private void ubootRound(int round) throws IOException, InterruptedException {
        List<Emulator> order = roundOrder(round);
        for (Emulator e : order) {
            ubootRun(e);
        }
    }

    /**
     * One U-Boot session: stop autoboot, then {@code qfw load} once and {@link BenchSpec#UBOOT_REPEATS}
     * more times, each timed from the Enter that ends the typed command to the next prompt (the
     * echo of the typed text is not timed), then {@code poweroff}.
     */
    private void ubootRun(Emulator e) throws IOException, InterruptedException {
        String sizes = String.format(Locale.ROOT, "size %x initrd ", spec.kernelSize());
        String initrdSize = String.format(Locale.ROOT, " size %x", spec.initrdSize());
        double megabytes = (spec.kernelSize() + spec.initrdSize()) / (double) MIB;
        try (ConsoleScript c = ConsoleScript.start(e.name(), e.with(ubootArgs))) {
            c.await("Hit any key to stop autoboot", UBOOT_STEP);
            c.send("\n");
            c.await(UBOOT_PROMPT, UBOOT_STEP);
            double best = Double.MAX_VALUE;
            double bestDma = Double.MAX_VALUE;
            for (int i = 0; i <= BenchSpec.UBOOT_REPEATS; i++) {
                ConsoleScript.Timed t = c.timeCommand(QFW_LOAD, UBOOT_PROMPT, UBOOT_STEP);
                if (!t.output().contains(sizes) || !t.output().contains(initrdSize)) {
                    throw new BenchException(e.name() + ": qfw load did not load the kernel and initrd: "
                            + t.output().strip());
                }
                double ms = t.nanos() / 1e6;
                // The kernel's DMA in the machine's own trace clock: from its SELECT to the
                // initrd size's (U-Boot's qfw reads each item by one DMA with SELECT).
                long[] at = selectTimes(t.output(), FwCfgSpec.FW_CFG_KERNEL_DATA, FwCfgSpec.FW_CFG_INITRD_SIZE);
                if (at == null) {
                    throw new BenchException(e.name() + ": no select trace of the kernel's data and the initrd's size"
                            + " in qfw load's output");
                }
                double dmaMs = (at[1] - at[0]) / 1e3;
                if (i == 0) {
                    record("uboot:first", e.name(), ms);
                    record("uboot:first:rate", e.name(), megabytes / (ms / 1e3));
                    record("uboot:first:dma", e.name(), dmaMs);
                } else {
                    best = Math.min(best, ms);
                    bestDma = Math.min(bestDma, dmaMs);
                }
            }
            record("uboot:best", e.name(), best);
            record("uboot:best:rate", e.name(), megabytes / (best / 1e3));
            record("uboot:best:dma", e.name(), bestDma);
            record("uboot:best:dma:rate", e.name(), spec.kernelSize() / (double) MIB / (bestDma / 1e3));
            c.send("poweroff\n");
            c.awaitExit(UBOOT_STEP);
        }
    }

    BenchTable ubootTable() {
        String section = "U-Boot qfw load (host-timed from the command's Enter to the next prompt)";
        String what = BenchSpec.sizeName(spec.kernelSize()) + " kernel + " + BenchSpec.sizeName(spec.initrdSize())
                + " initrd";
        List<Row> rows = new ArrayList<>();
        rows.add(compare(section, "first qfw load, " + what, "uboot:first", "ms", 1, false,
                "into RAM U-Boot has not touched: the host's first touch of those pages included"));
        rows.add(compare(section, "best of " + BenchSpec.UBOOT_REPEATS + " more qfw loads, " + what, "uboot:best",
                "ms", 1, false, "into the same RAM"));
        rows.add(compare(section, "first qfw load throughput", "uboot:first:rate", "MiB/s", 1, true, ""));
        rows.add(compare(section, "best qfw load throughput", "uboot:best:rate", "MiB/s", 1, true, ""));
        String dmaSection = "U-Boot qfw load's kernel DMA (trace-timed: its SELECT to the next item's)";
        rows.add(compare(dmaSection, "first load's kernel DMA, " + BenchSpec.sizeName(spec.kernelSize()), "uboot:first:dma",
                "ms", 1, false, "the host's first touch of U-Boot's kernel_addr_r included"));
        rows.add(compare(dmaSection, "best repeat's kernel DMA", "uboot:best:dma", "ms", 1, false, ""));
        rows.add(compare(dmaSection, "best kernel DMA throughput", "uboot:best:dma:rate", "MiB/s", 1, true,
                "the device's share of the command"));
        List<String> notes = new ArrayList<>();
        notes.add("Debian's U-Boot 2023.01 for qemu_arm64, -M virt,acpi=off -cpu cortex-a57 -m " + spec.bootRamMiB()
                + " -trace fw_cfg_select -msg timestamp=on on both; its qfw load reads KERNEL and INITRD through fw_cfg DMA.");
        return firmwareTable(rows, notes);
    }

    /**
     * The firmware modes' table: their rows, their notes, then how the rounds were run and a goal
     * line (ours/QEMU >= 1) for each throughput row.
     */
    private BenchTable firmwareTable(List<Row> rows, List<String> notes) {
        notes.add("Each figure: median [min-max] of " + spec.runs() + " round(s); ours/QEMU is the median of per-round"
                + " ratios, the two sides run back to back in alternating order.");
        notes.add("Goals:");
        for (Row r : rows) {
            if (r.unit().equals("MiB/s") && r.ratio() != null) {
                notes.add(String.format(Locale.ROOT, "  [%s] %s: ours/QEMU %.2f (want >= 1.0)",
                        r.ratio().median() >= 1 ? "met" : "NOT met", r.metric(), r.ratio().median()));
            }
        }
        return new BenchTable(rows, notes);
    }

    // ---- EDK2's kernel and initrd load ----

    private List<String> uefiArgs;
    /** A fw_cfg_select trace line with QEMU's -msg timestamp=on prefix: seconds, microseconds, key. */
    static final Pattern TIMED_SELECT = Pattern.compile(
            "\\d+@(\\d+)\\.(\\d{6}):fw_cfg_select \\S+ key 0x([0-9a-f]{4}) ");

    /** Debian's EDK2 with the firmware modes' kernel and initrd (random bytes: EDK2 loads them whole before it looks at them). */
    private void prepareUefi() throws IOException {
        Path uefi = QemuRunner.findUefi().orElseThrow(() -> new BenchException(
                "--bench uefi: EDK2's QEMU_EFI.fd not found (package " + QemuRunner.UEFI_PACKAGE + ")"));
        uefiArgs = firmwareLoadArgs(uefi);
    }

    private void uefiRound(int round) throws IOException, InterruptedException {
        for (Emulator e : roundOrder(round)) {
            uefiRun(e);
        }
    }

    /**
     * One EDK2 boot up to the end of QemuKernelLoaderFsDxe's loads (its select of the command
     * line's size), then the process is ended. EDK2's FetchBlob selects an item's data and reads
     * it in 1 MiB DMA transfers; the load of a blob is timed from that select to the next blob's
     * first select, in the machine's own trace clock.
     */
    private void uefiRun(Emulator e) throws IOException, InterruptedException {
        double megabytes = (spec.kernelSize() + spec.initrdSize()) / (double) MIB;
        try (ConsoleScript c = ConsoleScript.start(e.name(), e.with(uefiArgs))) {
            c.await(String.format(Locale.ROOT, "key 0x%04x ", FwCfgSpec.FW_CFG_CMDLINE_SIZE), UBOOT_STEP);
            c.kill();
            long[] at = selectTimes(c.text(), FwCfgSpec.FW_CFG_KERNEL_DATA, FwCfgSpec.FW_CFG_INITRD_SIZE,
                    FwCfgSpec.FW_CFG_INITRD_DATA, FwCfgSpec.FW_CFG_CMDLINE_SIZE);
            if (at == null) {
                throw new BenchException(e.name() + ": EDK2 did not select the kernel's data, the initrd's size and data"
                        + " and the command line's size in that order");
            }
            double kernelMs = (at[1] - at[0]) / 1e3;
            double initrdMs = (at[3] - at[2]) / 1e3;
            double totalMs = (at[3] - at[0]) / 1e3;
            record("uefi:kernel", e.name(), kernelMs);
            record("uefi:initrd", e.name(), initrdMs);
            record("uefi:total", e.name(), totalMs);
            record("uefi:rate", e.name(), megabytes / (totalMs / 1e3));
        }
    }

    /**
     * The trace time (microseconds) of the first select of each key in {@code keys}, each after the
     * one before it; null when one is missing.
     */
    static long[] selectTimes(String text, int... keys) {
        long[] at = new long[keys.length];
        int next = 0;
        Matcher m = TIMED_SELECT.matcher(text);
        while (next < keys.length && m.find()) {
            if (Integer.parseInt(m.group(3), 16) == keys[next]) {
                at[next++] = Long.parseLong(m.group(1)) * 1_000_000 + Long.parseLong(m.group(2));
            }
        }
        return next == keys.length ? at : null;
    }

    BenchTable uefiTable() {
        String section = "EDK2's QemuKernelLoaderFsDxe load (trace-timed: data select to the next blob's select)";
        List<Row> rows = new ArrayList<>();
        rows.add(compare(section, "kernel, " + BenchSpec.sizeName(spec.kernelSize()) + " in 1 MiB DMAs", "uefi:kernel",
                "ms", 1, false, "into RAM EDK2 just allocated: the host's first touch of those pages included"));
        rows.add(compare(section, "initrd, " + BenchSpec.sizeName(spec.initrdSize()), "uefi:initrd", "ms", 1, false, ""));
        rows.add(compare(section, "kernel + initrd", "uefi:total", "ms", 1, false, ""));
        rows.add(compare(section, "load throughput", "uefi:rate", "MiB/s", 1, true, ""));
        List<String> notes = new ArrayList<>();
        notes.add("Debian's EDK2 (QEMU_EFI.fd), -M virt,acpi=off -cpu cortex-a57 -m " + spec.bootRamMiB()
                + " on both, -trace fw_cfg_select -msg timestamp=on; the boot is ended once the loads are done.");
        return firmwareTable(rows, notes);
    }

    private static String chunkName(long bytes) {
        return bytes < 1024 ? bytes + " B" : BenchSpec.sizeName(bytes).replace("K", " KiB").replace("M", " MiB");
    }

    /** The plan for bench.bin: DMA first (into fresh RAM), single accesses, then legacy loads. */
    static String plan(BenchSpec spec) {
        StringBuilder b = new StringBuilder();
        for (long size : spec.dmaSizes()) {
            b.append("dma ").append(ITEM_PREFIX).append(BenchSpec.sizeName(size)).append(' ')
                    .append(BenchSpec.DMA_REPEATS).append('\n');
        }
        // One transfer at a time (the per-transfer cost: trigger, descriptor, select, write-back):
        // READs of 1 B, 4 KiB and 64 KiB and SKIPs of 4 KiB through the smallest DMA item.
        long small = spec.dmaSizes().getFirst();
        String smallItem = ITEM_PREFIX + BenchSpec.sizeName(small);
        for (long chunk : CHUNKS) {
            for (int i = 0; i < MMIO_BATCHES; i++) {
                b.append("dmachunk ").append(smallItem).append(' ').append(chunk).append(' ')
                        .append(chunkTransfers(small, chunk)).append('\n');
            }
        }
        for (int i = 0; i < MMIO_BATCHES; i++) {
            b.append("dmaskip ").append(smallItem).append(' ').append(SKIP_CHUNK).append(' ')
                    .append(chunkTransfers(small, SKIP_CHUNK)).append('\n');
        }
        long largest = spec.itemSizes().getLast();
        String big = ITEM_PREFIX + BenchSpec.sizeName(largest);
        // Single accesses MMIO_BATCHES times each: the first batch includes the JIT's warm-up, the best is warm.
        for (int i = 0; i < MMIO_BATCHES; i++) {
            b.append("mmio1 ").append(big).append(' ').append(Math.min(spec.mmioAccesses(), largest)).append('\n');
        }
        for (int i = 0; i < MMIO_BATCHES; i++) {
            b.append("mmio8 ").append(big).append(' ').append(Math.min(spec.mmioAccesses(), largest / 8)).append('\n');
        }
        for (long size : spec.legacy8Sizes()) {
            b.append("legacy8 ").append(ITEM_PREFIX).append(BenchSpec.sizeName(size)).append('\n');
        }
        // Plain 8-byte stores over the (now touched) legacy buffer: the other half of the legacy8 loop.
        String stores = ITEM_PREFIX + BenchSpec.sizeName(spec.legacy8Sizes().getLast());
        for (int i = 0; i < MMIO_BATCHES; i++) {
            b.append("store8 ").append(stores).append('\n');
        }
        for (long size : spec.legacy1Sizes()) {
            b.append("legacy1 ").append(ITEM_PREFIX).append(BenchSpec.sizeName(size)).append('\n');
        }
        return b.toString();
    }

    /**
     * The plan of bench-ram.bin: the DMA steps of {@link #plan}, then 8-byte stores with the MMU on
     * and the buffer never executable, as an OS maps its data (with code in RAM, RAM has left the
     * board's memory hooks: see the store fast path in the README).
     */
    static String ramPlan(BenchSpec spec) {
        StringBuilder b = new StringBuilder();
        plan(spec).lines().filter(l -> l.startsWith("dma")).forEach(l -> b.append(l).append('\n'));
        String stores = ITEM_PREFIX + BenchSpec.sizeName(spec.legacy8Sizes().getLast());
        for (int i = 0; i < MMIO_BATCHES; i++) {
            b.append("store8nx ").append(stores).append('\n');
        }
        return b.toString();
    }

    static List<String> common(int ramMiB) {
        return List.of("-M", "virt", "-cpu", "cortex-a57", "-nographic", "-nic", "none", "-m", Integer.toString(ramMiB));
    }

    private static long[] firstAndLast(Path file, long size) throws IOException {
        if (size < 8) {
            return new long[] {0, 0};
        }
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new long[] {m.get(LE_U64, 0), m.get(LE_U64, size - 8)};
        }
    }

    /** One untimed boot per side: builds and caches what a first start needs (jars, CDS archive, page cache). */
    private void warmUp() throws IOException, InterruptedException {
        for (Emulator e : List.of(ours, qemu)) {
            log.println("bench: warm-up run on " + e.name());
            log.flush();
            ProcessRun.Result r = spawn(e, bootDmaArgs, List.of("KERNEL entry"), null);
            checkBoot(e, r, "warm-up boot");
        }
    }

    // ---- one round ----

    private void round(int round) throws IOException, InterruptedException {
        List<Emulator> order = roundOrder(round);
        for (Emulator e : order) {
            startRun(e);
        }
        for (Emulator e : order) {
            benchRun(e, benchArgs, "");
        }
        for (Emulator e : order) {
            benchRun(e, benchRamArgs, RAM_CODE);
        }
        for (Emulator e : order) {
            bootRun(e, "boot-dma", bootDmaArgs);
        }
        for (Emulator e : order) {
            bootRun(e, "boot-legacy", bootLegacyArgs);
        }
        for (long size : spec.dmaSizes()) {
            HostCopy.Speeds speeds = HostCopy.bytesPerSecond(size);
            record("host-copy:" + BenchSpec.sizeName(size), "host", speeds.jdk());
            record("memcpy:" + BenchSpec.sizeName(size), "host", speeds.memcpy());
        }
    }

    /** Who runs first in round {@code round} (ours in even rounds, QEMU in odd ones), logged. */
    private List<Emulator> roundOrder(int round) {
        List<Emulator> order = round % 2 == 0 ? List.of(ours, qemu) : List.of(qemu, ours);
        log.printf(Locale.ROOT, "bench: round %d of %d (%s first)%n", round + 1, spec.runs(), order.getFirst().name());
        log.flush();
        return order;
    }

    private ProcessRun.Result spawn(Emulator e, List<String> args, List<String> watch, String memoryMark)
            throws IOException, InterruptedException {
        return spawn(e, args, watch, memoryMark, 0);
    }

    /** As above; at the memory mark also the resident part of the guest's RAM mapping of {@code ramBytes}. */
    private ProcessRun.Result spawn(Emulator e, List<String> args, List<String> watch, String memoryMark,
                                    long ramBytes) throws IOException, InterruptedException {
        ProcessRun.Result r = ProcessRun.run(e.with(args), watch, memoryMark, RUN_TIMEOUT, work, ramBytes);
        for (int retry = 0; retry < 3 && r.errors().contains(LAUNCHER_BUILDING); retry++) {
            // The launcher rebuilt the jars first (a source changed): that start is not a start-up figure.
            log.println("bench: " + e.name() + " rebuilt its jars first; running that measurement again");
            log.flush();
            r = ProcessRun.run(e.with(args), watch, memoryMark, RUN_TIMEOUT, work, ramBytes);
        }
        if (r.timedOut()) {
            throw new BenchException(e.name() + " did not finish within " + RUN_TIMEOUT.toMinutes() + " minutes");
        }
        return r;
    }

    /** Spawn to the first byte of the guest's console, with nothing large to read at start. */
    private void startRun(Emulator e) throws IOException, InterruptedException {
        ProcessRun.Result r = spawn(e, startArgs, List.of(BENCH_FIRST_LINE), null);
        if (r.exitCode() != 0 || r.lines().stream().noneMatch(l -> l.equals("BENCH done steps=1"))) {
            throw new BenchException(e.name() + " failed the start-up run (status " + r.exitCode() + "): " + lastLine(r));
        }
        record("start:first-output", e.name(), r.mark(BENCH_FIRST_LINE).orElseThrow() / 1e9);
    }

    /** Key prefix of the figures measured with the firmware running from RAM (bench-ram.bin). */
    static final String RAM_CODE = "ram-code:";

    /** One run of a bench firmware over {@code args}; its figures are recorded under {@code prefix}. */
    private void benchRun(Emulator e, List<String> args, String prefix) throws IOException, InterruptedException {
        ProcessRun.Result r = spawn(e, args, List.of("virtfw bench"), null);
        List<String> errors = r.lines().stream().filter(l -> l.startsWith("BENCH error")).toList();
        if (r.exitCode() != 0 || !errors.isEmpty() || r.lines().stream().noneMatch(l -> l.startsWith("BENCH done"))) {
            throw new BenchException(e.name() + " failed the throughput run (status " + r.exitCode() + "): "
                    + (errors.isEmpty() ? lastLine(r) : errors.getFirst()));
        }
        checkSamples(e, r.lines());
        Map<String, Double> best = new LinkedHashMap<>();
        for (TimeLine t : r.timeLines()) {
            if (!t.what().startsWith("bench-")) {
                continue;
            }
            String what = t.what().substring("bench-".length()).replace(ITEM_PREFIX, "");
            if (what.startsWith("mmio") || what.startsWith("store8") || what.startsWith("dmachunk")
                    || what.startsWith("dmaskip")) {
                // per-access (per-transfer) cost in nanoseconds: the first batch, and the best batch
                String width = what.substring(0, what.indexOf(':'));
                double ns = t.seconds() * 1e9 / t.bytes();
                best.putIfAbsent(width + "-first", ns);
                best.merge(width, ns, Math::min);
            } else {
                best.merge(what, t.bytesPerSecond(), Math::max);
            }
        }
        best.forEach((k, v) -> record(prefix + k, e.name(), v));
    }

    private void checkSamples(Emulator e, List<String> lines) {
        for (String l : lines) {
            if (!l.startsWith("BENCH sample ")) {
                continue;
            }
            String[] w = l.split(" ");
            String item = w[2].substring(w[2].indexOf(':') + 1);
            long[] want = expectedSamples.get(item);
            String expect = want == null ? "?" : String.format("first=0x%016x last=0x%016x", want[0], want[1]);
            if (w.length != 5 || !(w[3] + " " + w[4]).equals(expect)) {
                throw new BenchException(e.name() + " loaded wrong bytes: '" + l + "', expected " + expect);
            }
        }
    }

    private void bootRun(Emulator e, String kind, List<String> args) throws IOException, InterruptedException {
        ProcessRun.Result r = spawn(e, args, List.of(BOOTLOADER_FIRST_LINE, "KERNEL entry"), "KERNEL entry");
        checkBoot(e, r, kind);
        Map<String, TimeLine> t = new HashMap<>();
        r.timeLines().forEach(l -> t.putIfAbsent(l.what(), l));
        TimeLine entry = t.get("bootloader-entry");
        TimeLine jump = t.get("bootloader-jump");
        if (entry == null || jump == null || jump.ticks() < entry.ticks()) {
            throw new BenchException(e.name() + " " + kind + ": the boot loader printed no usable entry/jump times");
        }
        long firmwareStart = r.mark(BOOTLOADER_FIRST_LINE).orElseThrow(() -> new BenchException(
                e.name() + " " + kind + ": the boot loader's first line never came"));
        record(kind + ":firmware-start", e.name(), firmwareStart / 1e9);
        record(kind + ":kernel-setup", e.name(), (double) (jump.ticks() - entry.ticks()) / entry.freq());
        record(kind + ":total", e.name(), r.mark("KERNEL entry").orElseThrow() / 1e9);
        String mode = kind.equals("boot-dma") ? "dma" : "legacy";
        TimeLine kernelLoad = t.get("kernel-load-" + mode);
        if (kernelLoad != null) {
            record(kind + ":kernel-load", e.name(), kernelLoad.bytesPerSecond());
        }
        if (kind.equals("boot-dma") && r.memory() != ProcessRun.Memory.NONE) {
            record("memory:hwm", e.name(), r.memory().hwm() / MIB);
            record("memory:rss-anon", e.name(), r.memory().rssAnon() / MIB);
            record("memory:rss-file", e.name(), r.memory().rssFile() / MIB);
        }
    }

    private void checkBoot(Emulator e, ProcessRun.Result r, String kind) {
        String want = String.format("size=%d crc32=%08x", initrd.size(), initrd.crc32());
        boolean initrdOk = r.lines().stream().anyMatch(l -> l.startsWith("KERNEL initrd ") && l.endsWith(want));
        if (r.exitCode() != 0 || !initrdOk || r.mark("KERNEL entry").isEmpty()) {
            String seen = r.lines().stream().filter(l -> l.startsWith("KERNEL initrd ")).findFirst()
                    .orElse(lastLine(r));
            throw new BenchException(e.name() + " " + kind + " did not reach the kernel with the right initrd (status "
                    + r.exitCode() + ", want " + want + "): " + seen);
        }
    }

    /** The most telling line: an error line of stderr (not a stack frame), else the console's last line. */
    private static String lastLine(ProcessRun.Result r) {
        List<String> err = r.errors().lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("at ") && !l.startsWith("...")).toList();
        return err.stream().filter(l -> l.contains("error") || l.contains("Exception")).findFirst()
                .or(() -> err.stream().reduce((a, b) -> b))
                .orElse(r.lines().isEmpty() ? "no output" : r.lines().getLast());
    }

    private void record(String key, String side, double value) {
        samples.computeIfAbsent(key, k -> new HashMap<>()).computeIfAbsent(side, s -> new ArrayList<>()).add(value);
    }

    // ---- the table ----

    private List<Double> values(String key, String side) {
        return samples.getOrDefault(key, Map.of()).getOrDefault(side, List.of());
    }

    private static Summary summary(List<Double> v) {
        return v.isEmpty() ? null : Summary.of(v);
    }

    /** Per-round f(a_i, b_i); rounds are paired by index. */
    private static List<Double> paired(List<Double> a, List<Double> b, BiFunction<Double, Double, Double> f) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            out.add(f.apply(a.get(i), b.get(i)));
        }
        return out;
    }

    private Row compare(String section, String metric, String key, String unit, double scale, boolean higherBetter,
                        String note) {
        List<Double> o = values(key, "ours").stream().map(v -> v * scale).toList();
        List<Double> q = values(key, "QEMU").stream().map(v -> v * scale).toList();
        return new Row(section, metric, unit, higherBetter, summary(o), summary(q),
                summary(paired(o, q, (x, y) -> x / y)), note);
    }

    BenchTable table() {
        List<Row> rows = new ArrayList<>();
        String tp = "throughput (guest-timed)";
        for (long size : spec.dmaSizes()) {
            String n = BenchSpec.sizeName(size);
            rows.add(compare(tp, "DMA first transfer into fresh RAM " + n, "dma-fresh:" + n, "MiB/s", 1 / MIB, true,
                    size == spec.dmaSizes().getFirst()
                            ? "what a boot pays; the run's first DMA (ours: class loading, linking, interpreter)"
                            : "what a boot pays"));
            rows.add(compare(tp, "DMA best of " + BenchSpec.DMA_REPEATS + " repeats " + n, "dma-repeat:" + n, "MiB/s",
                    1 / MIB, true, ""));
        }
        for (long size : spec.legacy8Sizes()) {
            String n = BenchSpec.sizeName(size);
            rows.add(compare(tp, "legacy 8-byte reads " + n, "legacy8:" + n, "MiB/s", 1 / MIB, true, ""));
        }
        for (long size : spec.legacy1Sizes()) {
            String n = BenchSpec.sizeName(size);
            rows.add(compare(tp, "legacy 1-byte reads " + n, "legacy1:" + n, "MiB/s", 1 / MIB, true, ""));
        }
        String rc = "throughput with the firmware's code in RAM (bench-ram.bin, guest-timed)";
        for (long size : spec.dmaSizes()) {
            String n = BenchSpec.sizeName(size);
            rows.add(compare(rc, "DMA first transfer into fresh RAM " + n + ", code in RAM", RAM_CODE + "dma-fresh:" + n,
                    "MiB/s", 1 / MIB, true, "as U-Boot and UEFI: translated code exists, so every store is checked for it"));
            rows.add(compare(rc, "DMA best of " + BenchSpec.DMA_REPEATS + " repeats " + n + ", code in RAM",
                    RAM_CODE + "dma-repeat:" + n, "MiB/s", 1 / MIB, true, ""));
        }
        String legacyNote = "legacy measured on " + sizes(spec.legacy8Sizes()) + " (8-byte) and "
                + sizes(spec.legacy1Sizes()) + " (1-byte) only: larger items take too long at this speed";
        String hc = "host copy (same rounds)";
        for (long size : spec.dmaSizes()) {
            String n = BenchSpec.sizeName(size);
            List<Double> host = values("host-copy:" + n, "host");
            List<Double> memcpy = values("memcpy:" + n, "host");
            rows.add(new Row(hc, "host copy " + n, "MiB/s", true,
                    summary(host.stream().map(v -> v / MIB).toList()), null, null,
                    "MemorySegment.copy, best of " + HostCopy.REPEATS + " copies between native mappings"));
            rows.add(new Row(hc, "glibc memcpy " + n, "MiB/s", true,
                    summary(memcpy.stream().map(v -> v / MIB).toList()), null, null,
                    "memcpy through FFM, alternating with the row above: QEMU's copy"));
            rows.add(new Row(hc, "DMA repeats / host copy " + n, "fraction", true,
                    summary(paired(values("dma-repeat:" + n, "ours"), host, (d, h) -> d / h)),
                    summary(paired(values("dma-repeat:" + n, "QEMU"), host, (d, h) -> d / h)), null,
                    "goal for ours: >= 0.8"));
            rows.add(new Row(hc, "DMA repeats / glibc memcpy " + n, "fraction", true,
                    summary(paired(values("dma-repeat:" + n, "ours"), memcpy, (d, h) -> d / h)),
                    summary(paired(values("dma-repeat:" + n, "QEMU"), memcpy, (d, h) -> d / h)), null,
                    "goal for ours: >= 0.9"));
            rows.add(new Row(hc, "DMA repeats, code in RAM / glibc memcpy " + n, "fraction", true,
                    summary(paired(values(RAM_CODE + "dma-repeat:" + n, "ours"), memcpy, (d, h) -> d / h)),
                    summary(paired(values(RAM_CODE + "dma-repeat:" + n, "QEMU"), memcpy, (d, h) -> d / h)), null,
                    "goal for ours: >= 0.9"));
        }
        String ac = "one legacy MMIO access (guest-timed)";
        String batch = spec.mmioAccesses() + " reads";
        rows.add(compare(ac, "1-byte data read, first batch", "mmio1-first", "ns", 1, false,
                batch + ", JIT warming up on ours"));
        rows.add(compare(ac, "1-byte data read, best batch", "mmio1", "ns", 1, false,
                "best of " + MMIO_BATCHES + " batches of " + batch));
        rows.add(compare(ac, "8-byte data read, first batch", "mmio8-first", "ns", 1, false,
                batch + "; Unicorn splits it into two 4-byte callbacks"));
        rows.add(compare(ac, "8-byte data read, best batch", "mmio8", "ns", 1, false,
                "best of " + MMIO_BATCHES + " batches of " + batch));

        String one = "one DMA transfer (guest-timed, per transfer, " + BenchSpec.sizeName(spec.dmaSizes().getFirst())
                + " item)";
        for (long chunk : CHUNKS) {
            String what = "DMA READ of " + chunkName(chunk);
            String key = "dmachunk" + chunk;
            String n = chunkTransfers(spec.dmaSizes().getFirst(), chunk) + " transfers";
            rows.add(compare(one, what + ", first batch", key + "-first", "ns", 1, false, n + " into RAM the guest wrote"));
            rows.add(compare(one, what + ", best batch", key, "ns", 1, false, "best of " + MMIO_BATCHES + " batches of " + n));
            rows.add(compare(one, what + ", best batch, code in RAM", RAM_CODE + key, "ns", 1, false,
                    "bench-ram.bin: each transfer also drops translated code over what it wrote"));
        }
        String skipKey = "dmaskip" + SKIP_CHUNK;
        rows.add(compare(one, "DMA SKIP of " + chunkName(SKIP_CHUNK) + ", best batch", skipKey, "ns", 1, false,
                "no bytes move: the control path alone"));
        rows.add(compare(one, "DMA SKIP of " + chunkName(SKIP_CHUNK) + ", best batch, code in RAM", RAM_CODE + skipKey,
                "ns", 1, false, ""));

        String rs = "guest RAM store (guest-timed)";
        rows.add(compare(rs, "8-byte store to RAM, best batch", "store8", "ns", 1, false,
                "best of " + MMIO_BATCHES + " loops over the legacy buffer: the legacy8 loop's other half"));
        rows.add(compare(rs, "8-byte store, MMU on, data not executable, code in RAM", RAM_CODE + "store8nx", "ns", 1,
                false, "bench-ram.bin, best of " + MMIO_BATCHES + ": as an OS maps its data (above: MMU off, every entry executable)"));

        String st = "start-up and boot (parent-timed from spawn)";
        rows.add(compare(st, "process start to first guest output", "start:first-output", "ms", 1e3,
                false, "bench.bin with one 4 KiB item; goal: ours <= 1.5x QEMU"));
        String bootWhat = BenchSpec.sizeName(spec.kernelSize()) + " kernel + " + BenchSpec.sizeName(spec.initrdSize())
                + " initrd";
        for (String kind : List.of("boot-dma", "boot-legacy")) {
            String how = kind.equals("boot-dma") ? "DMA" : "legacy 8-byte";
            rows.add(compare(st, how + ": firmware start", kind + ":firmware-start", "ms", 1e3, false,
                    "spawn to the boot loader's first line"));
            rows.add(compare(st, how + ": kernel setup", kind + ":kernel-setup", "ms", 1e3, false,
                    "guest-timed, boot loader entry to jump, " + bootWhat));
            rows.add(compare(st, how + ": total", kind + ":total", "ms", 1e3, false, "spawn to the kernel's first line"));
            rows.add(compare(st, how + ": kernel load throughput", kind + ":kernel-load", "MiB/s", 1 / MIB, true, ""));
        }
        String su = "DMA speed-up over legacy (same rounds)";
        rows.add(speedup(su, "kernel setup legacy / DMA", "kernel-setup",
                String.format(Locale.ROOT, "announcement (x86 Linux): %.3f s -> %.3f s = %.0fx", ANNOUNCED_SETUP_LEGACY,
                        ANNOUNCED_SETUP_DMA, ANNOUNCED_SETUP_LEGACY / ANNOUNCED_SETUP_DMA)));
        rows.add(speedup(su, "total boot legacy / DMA", "total",
                String.format(Locale.ROOT, "announcement (x86 Linux): %.3f s -> %.3f s = %.1fx", ANNOUNCED_TOTAL_LEGACY,
                        ANNOUNCED_TOTAL_DMA, ANNOUNCED_TOTAL_LEGACY / ANNOUNCED_TOTAL_DMA)));

        String mem = "memory of the DMA boot at kernel entry (/proc/<pid>/status)";
        rows.add(compare(mem, "VmHWM (peak resident)", "memory:hwm", "MiB", 1, false,
                "-m " + spec.bootRamMiB() + ", " + bootWhat));
        rows.add(compare(mem, "RssAnon", "memory:rss-anon", "MiB", 1, false,
                String.format(Locale.ROOT, "guest RAM touched ~%d MiB", touchedBootRam >> 20)));
        rows.add(compare(mem, "RssFile (mapped files)", "memory:rss-file", "MiB", 1, false, ""));
        List<Double> limit = values("memory:rss-file", "ours").stream()
                .map(f -> (touchedBootRam + MEMORY_ALLOWANCE) / MIB + f).toList();
        rows.add(new Row(mem, "goal limit: touched RAM + mapped files + 150 MiB", "MiB", false, summary(limit), null, null,
                "compare with ours' VmHWM"));

        List<String> notes = new ArrayList<>();
        notes.add(legacyNote + ".");
        notes.add("Each figure: median [min-max] of " + spec.runs() + " round(s); ours/QEMU is the median of per-round"
                + " ratios, the two sides run back to back in alternating order.");
        notes.add("Ours runs through the ./virt launcher (JVM start included); QEMU is qemu-system-aarch64 -M virt -cpu"
                + " cortex-a57 -nic none with the same options.");
        notes.addAll(goals(rows));
        return new BenchTable(rows, notes);
    }

    private Row speedup(String section, String metric, String part, String note) {
        List<Double> o = paired(values("boot-legacy:" + part, "ours"), values("boot-dma:" + part, "ours"), (l, d) -> l / d);
        List<Double> q = paired(values("boot-legacy:" + part, "QEMU"), values("boot-dma:" + part, "QEMU"), (l, d) -> l / d);
        return new Row(section, metric, "x", true, summary(o), summary(q), null, note);
    }

    /** One line per performance goal (start-up, DMA speed-up, memory): met or not, with the figure. */
    private List<String> goals(List<Row> rows) {
        List<String> out = new ArrayList<>();
        out.add("Goals:");
        for (Row r : rows) {
            if (r.ratio() == null) {
                continue;
            }
            boolean goal = r.section().startsWith("throughput") || r.section().startsWith("one legacy MMIO")
                    || r.metric().equals("DMA: total");
            if (!goal) {
                continue;
            }
            double s = r.oursSpeedup();
            out.add(String.format(Locale.ROOT, "  [%s] %s: ours %.2fx QEMU's speed (want >= 1)",
                    s >= 1 ? "met" : "NOT met", r.metric(), s));
        }
        rows.stream().filter(r -> r.metric().startsWith("process start")).filter(r -> r.ratio() != null).findFirst()
                .ifPresent(r -> out.add(String.format(Locale.ROOT, "  [%s] process start to first output: ours/QEMU %.2f"
                        + " (want <= 1.5)", r.ratio().median() <= 1.5 ? "met" : "NOT met", r.ratio().median())));
        rows.stream().filter(r -> r.metric().startsWith("DMA repeats / host copy")).filter(r -> r.ours() != null)
                .forEach(r -> out.add(String.format(Locale.ROOT, "  [%s] %s: %.2f (want >= 0.8)",
                        r.ours().median() >= 0.8 ? "met" : "NOT met", r.metric(), r.ours().median())));
        rows.stream().filter(r -> r.metric().startsWith("DMA repeats / glibc memcpy")).filter(r -> r.ours() != null)
                .forEach(r -> out.add(String.format(Locale.ROOT, "  [%s] %s: %.2f (want >= 0.9)",
                        r.ours().median() >= 0.9 ? "met" : "NOT met", r.metric(), r.ours().median())));
        Row hwm = rows.stream().filter(r -> r.metric().startsWith("VmHWM")).findFirst().orElse(null);
        Row lim = rows.stream().filter(r -> r.metric().startsWith("goal limit")).findFirst().orElse(null);
        if (hwm != null && lim != null && hwm.ours() != null && lim.ours() != null) {
            out.add(String.format(Locale.ROOT, "  [%s] resident memory: VmHWM %.0f MiB, limit %.0f MiB",
                    hwm.ours().median() <= lim.ours().median() ? "met" : "NOT met", hwm.ours().median(),
                    lim.ours().median()));
        }
        return out;
    }

    private static String sizes(List<Long> s) {
        return String.join(", ", s.stream().map(BenchSpec::sizeName).toList());
    }

    private static long roundUp(long v, long to) {
        return (v + to - 1) / to * to;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temp folder left behind is harmless
                }
            });
        } catch (IOException e) {
            // nothing to delete
        }
    }
}
