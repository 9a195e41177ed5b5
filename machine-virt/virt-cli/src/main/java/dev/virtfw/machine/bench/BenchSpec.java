package dev.virtfw.machine.bench;

import dev.virtfw.machine.ConfigException;
import java.nio.file.Path;
import java.util.List;

/**
 * What one benchmark run measures: the item sizes per interface, how many rounds, the boot payloads
 * and where the table goes. Written on the command line as {@code --bench [MODE][,runs=N][,out=DIR]}.
 *
 * @param mode         the preset the sizes come from
 * @param runs         rounds; each round runs every measurement on both machines, alternating which goes first
 * @param dmaSizes     item sizes loaded by DMA (first transfer into fresh RAM, then {@link #DMA_REPEATS} repeats)
 * @param legacy1Sizes item sizes loaded with 1-byte data register reads
 * @param legacy8Sizes item sizes loaded with 8-byte data register reads
 * @param mmioAccesses single data register reads timed per width
 * @param kernelSize   size of the padded test kernel booted through the boot loader
 * @param initrdSize   size of the initrd booted with it
 * @param benchRamMiB  guest RAM of the throughput runs (room for every DMA item in fresh RAM)
 * @param bootRamMiB   guest RAM of the boot runs
 * @param out          folder for bench.csv, bench.png and bench.txt
 */
public record BenchSpec(Mode mode, int runs, List<Long> dmaSizes, List<Long> legacy1Sizes, List<Long> legacy8Sizes,
                        long mmioAccesses, long kernelSize, long initrdSize, int benchRamMiB, int bootRamMiB,
                        Path out) {
    /** DMA repeats into the same buffer after the first transfer; the best one counts. */
    public static final int DMA_REPEATS = 3;
    public static final long KIB = 1L << 10;
    public static final long MIB = 1L << 20;
    /** The most rounds accepted. */
    public static final int MAX_RUNS = 50;

    /** The presets. */
    public enum Mode {
        /** 64 KiB items, one round: checks that everything works (the smoke test). */
        TINY,
        /** The default: DMA on 1, 16, 64, 256 MiB; legacy 1-byte on 1 MiB, 8-byte on 1 and 16 MiB; 3 rounds. */
        QUICK,
        /** DMA as quick; legacy 1-byte on 1 and 16 MiB, 8-byte on 1, 16 and 64 MiB; 5 rounds. */
        FULL,
        /**
         * Only Debian's arm64 Linux booting the fw_cfg test initramfs, directly and through U-Boot,
         * to /init and to power-off; 3 rounds. Needs the kernel and busybox the launcher fetches.
         */
        LINUX,
        /**
         * Only Debian's U-Boot loading a 64 MiB kernel and a 16 MiB initrd with {@code qfw load},
         * timed from the command's Enter to the next prompt: the first load and the best of
         * {@link #UBOOT_REPEATS} repeats; 3 rounds.
         */
        UBOOT,
        /**
         * Only EDK2 (Debian's QEMU_EFI.fd) loading a 64 MiB kernel and a 16 MiB initrd in its
         * QemuKernelLoaderFsDxe, timed by the fw_cfg_select trace lines with QEMU's timestamps from
         * the kernel's data select to the command line's size select; 3 rounds.
         */
        UEFI
    }

    /** U-Boot's qfw load repeated after the first one; the best counts. */
    public static final int UBOOT_REPEATS = 3;

    public BenchSpec {
        dmaSizes = List.copyOf(dmaSizes);
        legacy1Sizes = List.copyOf(legacy1Sizes);
        legacy8Sizes = List.copyOf(legacy8Sizes);
        if (runs < 1 || runs > MAX_RUNS) {
            throw new ConfigException("--bench: runs=" + runs + " is out of range (1 to " + MAX_RUNS + ")");
        }
    }

    /** The preset {@code mode} with its default number of rounds, writing into {@code out}. */
    public static BenchSpec preset(Mode mode, Path out) {
        return switch (mode) {
            case TINY -> new BenchSpec(mode, 1, List.of(64 * KIB), List.of(64 * KIB), List.of(64 * KIB), 1000,
                    256 * KIB, 64 * KIB, 64, 64, out);
            case QUICK -> new BenchSpec(mode, 3, List.of(MIB, 16 * MIB, 64 * MIB, 256 * MIB), List.of(MIB),
                    List.of(MIB, 16 * MIB), 500_000, 64 * MIB, 16 * MIB, 1024, 512, out);
            case LINUX -> new BenchSpec(mode, 3, List.of(), List.of(), List.of(), 0, 0, 0, 512, 512, out);
            case UBOOT, UEFI -> new BenchSpec(mode, 3, List.of(), List.of(), List.of(), 0, 64 * MIB, 16 * MIB, 512, 512, out);
            case FULL -> new BenchSpec(mode, 5, List.of(MIB, 16 * MIB, 64 * MIB, 256 * MIB), List.of(MIB, 16 * MIB),
                    List.of(MIB, 16 * MIB, 64 * MIB), 1_000_000, 64 * MIB, 16 * MIB, 1024, 512, out);
        };
    }

    /**
     * Parses {@code [tiny|quick|full][,runs=N][,out=DIR]}; an empty text is the quick preset. The
     * output folder defaults to {@code bench-results} in the working directory.
     *
     * @throws ConfigException naming the part that is wrong
     */
    public static BenchSpec parse(String text) {
        String[] parts = text.strip().split(",", -1);
        Mode mode = Mode.QUICK;
        Integer runs = null;
        Path out = Path.of("bench-results");
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            if (i == 0 && !p.contains("=")) {
                if (p.isEmpty()) {
                    continue;
                }
                mode = switch (p) {
                    case "tiny" -> Mode.TINY;
                    case "quick" -> Mode.QUICK;
                    case "full" -> Mode.FULL;
                    case "linux" -> Mode.LINUX;
                    case "uboot" -> Mode.UBOOT;
                    case "uefi" -> Mode.UEFI;
                    default -> throw new ConfigException("--bench " + text + ": unknown mode '" + p
                            + "' (tiny, quick, full, linux, uboot or uefi)");
                };
            } else if (p.startsWith("runs=")) {
                try {
                    runs = Integer.parseInt(p.substring("runs=".length()));
                } catch (NumberFormatException e) {
                    throw new ConfigException("--bench " + text + ": runs needs a whole number, not '"
                            + p.substring("runs=".length()) + "'");
                }
            } else if (p.startsWith("out=") && p.length() > "out=".length()) {
                out = Path.of(p.substring("out=".length()));
            } else {
                throw new ConfigException("--bench " + text + ": unknown setting '" + p
                        + "' (MODE first, then runs=N, out=DIR)");
            }
        }
        BenchSpec s = preset(mode, out);
        return runs == null ? s : s.withRuns(runs);
    }

    public BenchSpec withRuns(int n) {
        return new BenchSpec(mode, n, dmaSizes, legacy1Sizes, legacy8Sizes, mmioAccesses, kernelSize, initrdSize,
                benchRamMiB, bootRamMiB, out);
    }

    /** Every item size the throughput plan needs, ascending and distinct. */
    public List<Long> itemSizes() {
        return java.util.stream.Stream.of(dmaSizes, legacy1Sizes, legacy8Sizes).flatMap(List::stream).distinct()
                .sorted().toList();
    }

    /** {@code 64K}, {@code 16M}: the name of a size in items, rows and files. */
    public static String sizeName(long bytes) {
        if (bytes % MIB == 0) {
            return bytes / MIB + "M";
        }
        return bytes % KIB == 0 ? bytes / KIB + "K" : Long.toString(bytes);
    }
}
