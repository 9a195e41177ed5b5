package dev.virtfw.machine.demo;

import dev.virtfw.machine.demo.FwCfgDemo.Boot;
import dev.virtfw.machine.demo.FwCfgDemo.Report;
import dev.virtfw.testdata.TestData;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Prints a {@link Report} as a table in the spirit of the fw_cfg DMA announcement (QEMU/SeaBIOS,
 * 2015: start-up, firmware, kernel set-up and total times, before and after), followed by what was
 * measured and how.
 */
public final class DemoTable {
    /** Row labels, in order; each row has a legacy time, a DMA time, a speed-up and the clock used. */
    public static final String ROW_FIRMWARE_START = "machine start -> firmware start";
    public static final String ROW_KERNEL_LOAD = "kernel load";
    public static final String ROW_INITRD_LOAD = "initrd load";
    public static final String ROW_FIRMWARE_TO_KERNEL = "firmware start -> kernel entry";
    public static final String ROW_TOTAL = "machine start -> kernel entry";
    /** The last row: bytes loaded per second of load time. */
    public static final String ROW_THROUGHPUT = "load throughput";

    static final String NOT_MEASURED = "n/a";
    /** In the speed-up column of the row that fw_cfg does not affect. */
    static final String NO_SPEED_UP = "-";
    private static final String ROW_FORMAT = "%-36s %12s %12s %10s   %s%n";

    private DemoTable() {
    }

    /** The whole text: title, table, method notes, checks and any problems. */
    public static String format(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "fw_cfg DMA vs legacy on this virt board: the boot loader loads a %s kernel and a %s initrd%n%n",
                size(r.options().kernelSize()), size(r.options().initrdSize())));
        sb.append(String.format(Locale.ROOT, ROW_FORMAT, "", "legacy", "DMA", "speed-up", "clock"));
        // fw_cfg plays no part before the firmware runs: a ratio here would only show noise.
        row(sb, ROW_FIRMWARE_START, r, b -> nanos(b.machineToFirmwareNanos()), "host", false);
        row(sb, ROW_KERNEL_LOAD + " (" + size(r.options().kernelSize()) + ")", r,
                b -> load(b, true), "guest", true);
        row(sb, ROW_INITRD_LOAD + " (" + size(r.options().initrdSize()) + ")", r,
                b -> load(b, false), "guest", true);
        row(sb, ROW_FIRMWARE_TO_KERNEL, r, DemoTable::firmwareToKernel, "guest", true);
        row(sb, ROW_TOTAL, r, DemoTable::total, "host + guest", true);
        long bytes = r.options().kernelSize() + r.options().initrdSize();
        sb.append(String.format(Locale.ROOT, ROW_FORMAT, ROW_THROUGHPUT,
                throughput(bytes, loads(r.legacy())), throughput(bytes, loads(r.dma())), "", "guest"));

        sb.append(String.format(Locale.ROOT, "%nWhat was measured, and how:%n"));
        sb.append(String.format(Locale.ROOT,
                "- Each mode boots a fresh machine (%s RAM) with -bios bootloader.bin (testdata) -kernel -initrd -append.%n"
                + "  legacy: the fw_cfg file %s exists, so the boot loader reads KERNEL_DATA and INITRD_DATA%n"
                + "  through the data register, 8 bytes per access; DMA: one FWCfgDmaAccess transfer per item.%n",
                size(r.ramSize()), TestData.LEGACY_SWITCH_FILE));
        sb.append(String.format(Locale.ROOT,
                "- guest: the guest's own TIME lines, CNTPCT_EL0 ticks / CNTFRQ_EL0 (%s): %s-load-*, and%n"
                + "  %s (the boot loader's first act) to %s (the kernel's first act).%n",
                frequency(r), "kernel|initrd", BootLog.BOOTLOADER_ENTRY, BootLog.KERNEL_ENTRY));
        sb.append(String.format(Locale.ROOT,
                "- host: the host's monotonic clock from creating the machine (mapping files and RAM, building the%n"
                + "  device tree, starting Unicorn) to the firmware's first console byte. A warm-up boot in each mode%n"
                + "  (%s kernel) ran first, so neither mode pays for class loading or JIT compilation%s.%n"
                + "  The total adds this start-up to the guest's firmware start -> kernel entry.%n",
                size(FwCfgDemo.WARM_UP_KERNEL_SIZE),
                r.jvmToFirstFirmwareNanos() < 0 ? ""
                        : String.format(Locale.ROOT, ";%n  the first firmware ran %.3f s after the JVM started",
                                r.jvmToFirstFirmwareNanos() / 1e9)));
        List<String> problems = r.problems();
        if (problems.isEmpty()) {
            sb.append(String.format(Locale.ROOT,
                    "- Checked: in both modes the kernel reported initrd size=%d crc32=%08x and padding crc32=%08x,%n"
                    + "  the CRCs of the generated files.%n",
                    r.options().initrdSize(), r.expectedInitrdCrc(), r.expectedPaddingCrc()));
        }
        sb.append(String.format(Locale.ROOT,
                "- For comparison, the fw_cfg DMA announcement (QEMU and SeaBIOS, Linux on x86, 2015) reported%n"
                + "  kernel setup 0.586 s -> 0.002 s and the whole boot 0.726 s -> 0.121 s.%n"));
        sb.append(String.format(Locale.ROOT, "The demo took %.1f s; its generated files are deleted.%n",
                r.totalNanos() / 1e9));
        if (!problems.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%nPROBLEMS (the numbers above cannot be trusted):%n"));
            problems.forEach(p -> sb.append("- ").append(p).append(System.lineSeparator()));
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String label, Report r, Function<Boot, OptionalDouble> seconds,
            String clock, boolean withSpeedUp) {
        OptionalDouble legacy = seconds.apply(r.legacy());
        OptionalDouble dma = seconds.apply(r.dma());
        sb.append(String.format(Locale.ROOT, ROW_FORMAT, label, time(legacy), time(dma),
                withSpeedUp ? speedUp(legacy, dma) : NO_SPEED_UP, clock));
    }

    private static OptionalDouble nanos(long n) {
        return n < 0 ? OptionalDouble.empty() : OptionalDouble.of(n / 1e9);
    }

    private static OptionalDouble load(Boot b, boolean kernel) {
        return of(b.log().time(FwCfgDemo.loadLine(kernel, b.mode())).map(BootLog.TimeLine::seconds));
    }

    private static OptionalDouble loads(Boot b) {
        OptionalDouble k = load(b, true);
        OptionalDouble i = load(b, false);
        return k.isPresent() && i.isPresent() ? OptionalDouble.of(k.getAsDouble() + i.getAsDouble()) : OptionalDouble.empty();
    }

    private static OptionalDouble firmwareToKernel(Boot b) {
        return of(b.log().secondsBetween(BootLog.BOOTLOADER_ENTRY, BootLog.KERNEL_ENTRY));
    }

    private static OptionalDouble total(Boot b) {
        OptionalDouble start = nanos(b.machineToFirmwareNanos());
        OptionalDouble rest = firmwareToKernel(b);
        return start.isPresent() && rest.isPresent() ? OptionalDouble.of(start.getAsDouble() + rest.getAsDouble())
                : OptionalDouble.empty();
    }

    private static OptionalDouble of(Optional<Double> d) {
        return d.map(OptionalDouble::of).orElse(OptionalDouble.empty());
    }

    static String time(OptionalDouble seconds) {
        return seconds.isPresent() ? String.format(Locale.ROOT, "%.4f s", seconds.getAsDouble()) : NOT_MEASURED;
    }

    static String speedUp(OptionalDouble legacy, OptionalDouble dma) {
        if (legacy.isEmpty() || dma.isEmpty() || !(dma.getAsDouble() > 0)) {
            return NOT_MEASURED;
        }
        return String.format(Locale.ROOT, "%.1fx", legacy.getAsDouble() / dma.getAsDouble());
    }

    static String throughput(long bytes, OptionalDouble seconds) {
        if (seconds.isEmpty() || !(seconds.getAsDouble() > 0)) {
            return NOT_MEASURED;
        }
        double mibPerSecond = bytes / seconds.getAsDouble() / (1 << 20);
        return mibPerSecond >= 1024 ? String.format(Locale.ROOT, "%.1f GiB/s", mibPerSecond / 1024)
                : String.format(Locale.ROOT, "%.1f MiB/s", mibPerSecond);
    }

    /** "64 MiB", "512 KiB" or "1000 bytes": the largest unit that divides the size. */
    static String size(long bytes) {
        if (bytes > 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes > 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }

    private static String frequency(Report r) {
        return r.boots().stream().flatMap(b -> b.log().times().stream()).findFirst()
                .map(t -> BigDecimal.valueOf(t.frequency(), 6).stripTrailingZeros().toPlainString() + " MHz")
                .orElse("frequency not reported");
    }
}
