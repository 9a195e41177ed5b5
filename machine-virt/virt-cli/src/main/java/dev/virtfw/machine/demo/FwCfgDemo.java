package dev.virtfw.machine.demo;

import dev.virtfw.machine.FwCfgEntry;
import dev.virtfw.machine.Limits;
import dev.virtfw.machine.MachineConfig;
import dev.virtfw.machine.RunResult;
import dev.virtfw.machine.VirtMachine;
import dev.virtfw.machine.console.Console;
import dev.virtfw.machine.console.ConsoleInput;
import dev.virtfw.testdata.Firmware;
import dev.virtfw.testdata.GeneratedFile;
import dev.virtfw.testdata.TestData;
import dev.virtfw.testdata.TestInitrd;
import dev.virtfw.testdata.TestKernel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The built-in demonstration of fw_cfg DMA against the legacy interface: the boot loader firmware
 * loads a generated kernel and initrd through fw_cfg, once with the legacy data register (8-byte reads) and once with DMA, each
 * on a fresh machine, and the two boots' timings are set side by side.
 *
 * <p>Guest-side durations come from the firmware's and kernel's {@code TIME} lines (CNTPCT_EL0 ticks
 * over CNTFRQ_EL0); the start-up of each machine (creating it, mapping files and RAM, starting
 * Unicorn, until the firmware's first console byte) is measured with the host's monotonic clock.
 * A small warm-up boot in each mode runs first, so that neither measured mode pays for class
 * loading and JIT compilation. The generated files live in a temporary folder deleted afterwards.
 */
public final class FwCfgDemo {
    /** Default size of the generated kernel: 64 MiB. */
    public static final long DEFAULT_KERNEL_SIZE = 64L << 20;
    /** Default size of the generated initrd: 16 MiB. */
    public static final long DEFAULT_INITRD_SIZE = 16L << 20;
    /** Seeds of the generated contents (any fixed values: the run is reproducible). */
    static final long KERNEL_SEED = 0x5eed_0001L;
    static final long INITRD_SEED = 0x5eed_0002L;
    /** The warm-up boots: a small kernel and initrd. */
    static final long WARM_UP_KERNEL_SIZE = 1L << 20;
    static final long WARM_UP_INITRD_SIZE = 64L << 10;
    /** The command line both boots pass; the kernel prints it back. */
    static final String APPEND = "console=ttyAMA0 virtfw.demo";

    /** How the boot loader reads fw_cfg. */
    public enum Mode {
        /** The data register, 8 bytes per access (the file {@link TestData#LEGACY_SWITCH_FILE} is present). */
        LEGACY("legacy"),
        /** One DMA transfer per item. */
        DMA("dma");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        /** As the boot loader prints it ({@code mode=...}). */
        public String label() {
            return label;
        }
    }

    /**
     * Sizes of the generated payloads.
     *
     * @param kernelSize bytes of the kernel (the built test kernel padded with pseudo-random bytes)
     * @param initrdSize bytes of the initrd
     */
    public record Options(long kernelSize, long initrdSize) {
        public Options {
            long min = TestKernel.builtSize();
            if (kernelSize < min || kernelSize > TestKernel.MAX_SIZE) {
                throw new DemoException("kernel size " + kernelSize + " bytes is out of range (" + min + " bytes to "
                        + (TestKernel.MAX_SIZE >> 20) + " MiB)");
            }
            if (initrdSize < 1 || initrdSize > TestInitrd.MAX_SIZE) {
                throw new DemoException("initrd size " + initrdSize + " bytes is out of range (1 byte to "
                        + (TestInitrd.MAX_SIZE >> 20) + " MiB)");
            }
        }

        /** 64 MiB kernel, 16 MiB initrd. */
        public static Options defaults() {
            return new Options(DEFAULT_KERNEL_SIZE, DEFAULT_INITRD_SIZE);
        }
    }

    /**
     * One boot.
     *
     * @param mode                   how fw_cfg was read
     * @param log                    what the guest printed, parsed
     * @param console                the guest's console lines
     * @param result                 how the machine run ended
     * @param machineToFirmwareNanos host clock: from creating the machine to the firmware's first console byte
     *                               (-1 when the firmware printed nothing)
     * @param wallNanos              host clock: the whole run, machine creation to release
     */
    public record Boot(Mode mode, BootLog log, List<String> console, RunResult result, long machineToFirmwareNanos,
            long wallNanos) {
        public Boot {
            console = List.copyOf(console);
        }
    }

    /**
     * Everything the demo measured.
     *
     * @param options                  the sizes
     * @param ramSize                  the machines' RAM
     * @param expectedInitrdCrc        CRC-32 of the generated initrd
     * @param expectedPaddingCrc       CRC-32 of the kernel's padding
     * @param legacy                   the legacy boot
     * @param dma                      the DMA boot
     * @param jvmToFirstFirmwareNanos  host clock: from the JVM's start to the first warm-up firmware's first byte
     *                                 (-1 when unknown)
     * @param totalNanos               host clock: the whole demo including file generation
     */
    public record Report(Options options, long ramSize, long expectedInitrdCrc, long expectedPaddingCrc, Boot legacy,
            Boot dma, long jvmToFirstFirmwareNanos, long totalNanos) {

        /** Both boots, legacy first. */
        public List<Boot> boots() {
            return List.of(legacy, dma);
        }

        /**
         * What went wrong, one line each; empty when both boots powered off after the kernel reported
         * the expected initrd and padding CRCs and every timing line the table needs.
         */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            for (Boot b : boots()) {
                String m = b.mode().label() + " boot: ";
                if (b.result().exitStatus() != 0) {
                    problems.add(m + "the machine stopped: " + b.result().message());
                }
                b.log().errors().forEach(e -> problems.add(m + e));
                if (!b.log().loaderMode().map(b.mode().label()::equals).orElse(false)) {
                    problems.add(m + "the boot loader reported mode=" + b.log().loaderMode().orElse("(nothing)"));
                }
                var initrd = b.log().initrd();
                if (initrd.isEmpty()) {
                    problems.add(m + "the kernel reported no initrd");
                } else if (initrd.get().crc32() != expectedInitrdCrc || initrd.get().size() != options.initrdSize()) {
                    problems.add(m + String.format(Locale.ROOT, "the kernel reported initrd size=%d crc32=%08x, expected size=%d crc32=%08x",
                            initrd.get().size(), initrd.get().crc32(), options.initrdSize(), expectedInitrdCrc));
                }
                var padding = b.log().padding();
                if (padding.isEmpty() || padding.get().crc32() != expectedPaddingCrc) {
                    problems.add(m + String.format(Locale.ROOT, "the kernel reported padding crc32=%s, expected %08x",
                            padding.map(p -> String.format(Locale.ROOT, "%08x", p.crc32())).orElse("(nothing)"),
                            expectedPaddingCrc));
                }
                if (!b.log().poweredOff()) {
                    problems.add(m + "the kernel did not power off");
                }
                for (String what : List.of(BootLog.BOOTLOADER_ENTRY, loadLine(true, b.mode()), loadLine(false, b.mode()),
                        BootLog.KERNEL_ENTRY)) {
                    if (b.log().time(what).isEmpty()) {
                        problems.add(m + "no TIME " + what + " line");
                    }
                }
                if (b.machineToFirmwareNanos() < 0) {
                    problems.add(m + "the firmware printed nothing");
                }
            }
            return problems;
        }
    }

    private FwCfgDemo() {
    }

    /** The boot loader's TIME line for loading the kernel (or the initrd) in {@code mode}. */
    static String loadLine(boolean kernel, Mode mode) {
        return (kernel ? "kernel-load-" : "initrd-load-") + mode.label();
    }

    /** RAM that holds the boot loader's layout (kernel at RAM + 2 MiB, initrd, device tree copy) with room to spare. */
    static long ramFor(Options o) {
        long needed = (2L << 20) + TestKernel.DEFAULT_TEXT_OFFSET + o.kernelSize() + (64L << 10) + o.initrdSize()
                + (2L << 20) + (1L << 20) + (4L << 20);
        long mib = 1L << 20;
        return Math.max(MachineConfig.DEFAULT_RAM, (needed + mib - 1) / mib * mib);
    }

    /**
     * Generates the files in a temporary folder, runs the warm-up boots, then the legacy and the DMA
     * boot, deletes the folder and returns the measurements.
     *
     * @param progress told, in a few words, what is about to happen (for a user waiting at a terminal)
     * @throws DemoException when the files cannot be written
     */
    public static Report run(Options options, Consumer<String> progress) {
        long start = System.nanoTime();
        Path dir;
        try {
            dir = Files.createTempDirectory("virt-demo-");
        } catch (IOException e) {
            throw new DemoException("cannot create a temporary folder for the demo: " + e.getMessage(), e);
        }
        boolean done = false;
        try {
            Path loader = TestData.extract(Firmware.BOOTLOADER, dir);
            Path legacySwitch = Files.writeString(dir.resolve("legacy"), "1");
            long ram = ramFor(options);

            progress.accept("warming up: one small boot in each mode");
            Path smallKernel = TestKernel.write(dir.resolve("warm-up-kernel"), WARM_UP_KERNEL_SIZE, KERNEL_SEED).path();
            Path smallInitrd = TestInitrd.write(dir.resolve("warm-up-initrd"), WARM_UP_INITRD_SIZE, INITRD_SEED).path();
            long uptimeNanos = ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
            Boot warmDma = boot(Mode.DMA, loader, smallKernel, smallInitrd, legacySwitch, ram);
            long jvmToFirmware = warmDma.machineToFirmwareNanos() < 0 ? -1 : uptimeNanos + warmDma.machineToFirmwareNanos();
            boot(Mode.LEGACY, loader, smallKernel, smallInitrd, legacySwitch, ram);

            progress.accept("generating a " + DemoTable.size(options.kernelSize()) + " kernel and a "
                    + DemoTable.size(options.initrdSize()) + " initrd in " + dir);
            TestKernel.Image kernel = TestKernel.write(dir.resolve("kernel"), options.kernelSize(), KERNEL_SEED);
            GeneratedFile initrd = TestInitrd.write(dir.resolve("initrd"), options.initrdSize(), INITRD_SEED);
            progress.accept("booting with the legacy interface (8-byte reads of the data register)");
            Boot legacy = boot(Mode.LEGACY, loader, kernel.path(), initrd.path(), legacySwitch, ram);
            progress.accept("booting with DMA");
            Boot dma = boot(Mode.DMA, loader, kernel.path(), initrd.path(), legacySwitch, ram);
            Report report = new Report(options, ram, initrd.crc32(), kernel.paddingCrc32(), legacy, dma,
                    jvmToFirmware, System.nanoTime() - start);
            done = true;
            return report;
        } catch (IOException e) {
            throw new DemoException("cannot write the demo's files in " + dir + ": " + e.getMessage(), e);
        } finally {
            // After a failure the first exception is what the user must see; a folder left behind is secondary.
            deleteTree(dir, done);
        }
    }

    /** A bound for one boot, far above what it needs (legacy loads run at several MiB/s), so a broken guest cannot hang. */
    static Duration timeLimit(long payloadBytes) {
        return Duration.ofSeconds(120 + (payloadBytes >> 20));
    }

    private static void deleteTree(Path dir, boolean reportFailure) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            if (!reportFailure) {
                return;
            }
            throw new DemoException("cannot delete the demo's temporary folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Boot boot(Mode mode, Path loader, Path kernel, Path initrd, Path legacySwitch, long ram) {
        TimedOutput out = new TimedOutput();
        MachineConfig.Builder b = MachineConfig.builder()
                .ramSize(ram)
                .bios(loader)
                .kernel(kernel)
                .initrd(initrd)
                .append(APPEND)
                .nographic(true)
                .console(new Console(ConsoleInput.none(), out))
                .limits(new Limits(0, timeLimit(size(kernel) + size(initrd))));
        if (mode == Mode.LEGACY) {
            b.fwCfg(FwCfgEntry.ofFile(TestData.LEGACY_SWITCH_FILE, legacySwitch));
        }
        long start = System.nanoTime();
        RunResult result = VirtMachine.run(b.build());
        long wall = System.nanoTime() - start;
        List<String> lines = out.lines();
        long toFirmware = out.any() ? out.firstByteNanos() - start : -1;
        return new Boot(mode, BootLog.parse(lines), lines, result, toFirmware, wall);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new DemoException("cannot read the size of " + p + ": " + e.getMessage(), e);
        }
    }
}
