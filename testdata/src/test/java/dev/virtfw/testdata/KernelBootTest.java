package dev.virtfw.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The padded test kernel booted on real QEMU four ways: by our boot loader
 * (DMA and legacy fw_cfg), directly by QEMU's -kernel, and by U-Boot's booti.
 * Each time the kernel must report the command line, the initrd's CRC-32 and
 * its own padding's CRC-32 as computed here, and x1 = x2 = x3 = 0.
 */
class KernelBootTest {
    private static final long KERNEL_SIZE = 8L << 20;
    private static final long INITRD_SIZE = (1L << 20) + 3;
    private static final long TWO_MIB = 2L << 20;
    private static final ValueLayout.OfInt BE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long FDT_TOTALSIZE_OFFSET = 4;

    @TempDir
    static Path dir;
    static TestKernel.Image kernel;
    /** The same kernel with text_offset 0, as Linux since 5.8 has it. */
    static TestKernel.Image kernelAtZero;
    static GeneratedFile initrd;

    @BeforeAll
    static void prepare() throws Exception {
        kernel = TestKernel.write(dir.resolve("Image"), KERNEL_SIZE, 42);
        kernelAtZero = TestKernel.write(dir.resolve("Image0"), KERNEL_SIZE, 43, 0);
        initrd = TestInitrd.write(dir.resolve("initrd"), INITRD_SIZE, 7);
    }

    static List<String> bootArgs(String append) {
        return bootArgs(kernel, append);
    }

    static List<String> bootArgs(TestKernel.Image k, String append) {
        return List.of("-kernel", k.path().toString(), "-initrd", initrd.path().toString(), "-append", append);
    }

    static void assertKernelGot(KernelReport k, String append) {
        assertKernelGot(k, kernel, append);
    }

    /** What every boot path must deliver to the kernel. */
    static void assertKernelGot(KernelReport k, TestKernel.Image kernel, String append) {
        assertThat(k.x1()).isZero();
        assertThat(k.x2()).isZero();
        assertThat(k.x3()).isZero();
        assertThat(k.el()).isEqualTo(1);
        assertThat(k.dtbValid()).as("device tree walks cleanly").isTrue();
        assertThat(k.x0() % 8).as("device tree 8-byte aligned").isZero();
        assertThat(k.bootargs()).contains(append);
        assertThat(k.initrd()).hasValueSatisfying(i -> {
            assertThat(i.size()).isEqualTo(INITRD_SIZE);
            assertThat(i.end() - i.start()).isEqualTo(INITRD_SIZE);
            assertThat(i.crc32()).isEqualTo(initrd.crc32());
        });
        assertThat(k.textOffset()).isEqualTo(kernel.textOffset());
        assertThat(k.imageSize()).isEqualTo(KERNEL_SIZE);
        assertThat((k.base() - k.textOffset()) % TWO_MIB).as("2 MiB-aligned base + text_offset").isZero();
        assertThat(k.paddingBytes()).isEqualTo(KERNEL_SIZE - kernel.builtSize());
        assertThat(k.paddingCrc32()).as("the whole padded image arrived").isEqualTo(kernel.paddingCrc32());
    }

    @Nested
    class Bootloader {
        @ParameterizedTest(name = "{0} text_offset=0x{1}")
        @CsvSource({"dma, 80000", "legacy, 80000", "dma, 0", "legacy, 0"})
        void loadsKernelInitrdAndCommandLine(String mode, String textOffsetHex) throws Exception {
            TestKernel.Image image = textOffsetHex.equals("0") ? kernelAtZero : kernel;
            assertThat(image.textOffset()).isEqualTo(Long.parseLong(textOffsetHex, 16));
            String append = "console=ttyAMA0 root=/dev/ram0 virtfw.mode=" + mode;
            List<String> args = new ArrayList<>(QemuRunner.virtArgs(
                    "-bios", TestData.extract(Firmware.BOOTLOADER, dir).toString()));
            args.addAll(bootArgs(image, append));
            if (mode.equals("legacy")) {
                args.addAll(List.of("-fw_cfg", "name=" + TestData.LEGACY_SWITCH_FILE + ",string=1"));
            }
            QemuRunner.Result r = Tools.runQemu(args);
            assertThat(r.linesStartingWith("BOOT fw_cfg ")).singleElement().asString().endsWith(" mode=" + mode);
            assertThat(r.linesStartingWith("BOOT cmdline ")).containsExactly("BOOT cmdline \"" + append + "\"");
            assertThat(r.linesStartingWith("BOOT error")).isEmpty();
            for (String t : List.of("TIME bootloader-entry 0 ", "TIME kernel-load-" + mode + " " + KERNEL_SIZE + " ",
                    "TIME initrd-load-" + mode + " " + INITRD_SIZE + " ", "TIME bootloader-jump 0 ")) {
                assertThat(r.linesStartingWith(t)).as(t).hasSize(1);
            }
            KernelReport k = KernelReport.parse(r);
            assertKernelGot(k, image, append);
            assertThat(r.linesStartingWith("BOOT jump ")).containsExactly(
                    "BOOT jump entry=0x" + Long.toHexString(k.base()) + " x0=0x" + Long.toHexString(k.x0()));
        }

        @Test
        void editedDeviceTreeIsQemusPlusChosenProperties() throws Exception {
            Path dtc = Tools.onPath("dtc", "device-tree-compiler");
            String append = "console=ttyAMA0 virtfw.dumpdtb";
            Path bios = TestData.extract(Firmware.BOOTLOADER, dir);
            List<String> common = new ArrayList<>(List.of("-cpu", "cortex-a57", "-nographic", "-nic", "none",
                    "-bios", bios.toString()));
            common.addAll(bootArgs(append));

            List<String> run = new ArrayList<>(List.of("-M", "virt"));
            run.addAll(common);
            KernelReport k = KernelReport.parse(Tools.runQemu(run));
            byte[] edited = k.dtbDump();
            assertThat(edited).as("dtb dump").hasSizeGreaterThan(64);
            MemorySegment.ofArray(edited).set(BE_U32, FDT_TOTALSIZE_OFFSET, edited.length);
            Path editedFile = Files.write(dir.resolve("edited.dtb"), edited);

            Path original = dir.resolve("qemu.dtb");
            List<String> dump = new ArrayList<>(List.of("-M", "virt,dumpdtb=" + original));
            dump.addAll(common);
            QemuRunner.Result d = QemuRunner.run(dump, Tools.QEMU_TIMEOUT);
            assertThat(d.exitCode()).as(d.errors()).isZero();

            List<String> before = withoutSeeds(toDts(dtc, original));
            List<String> after = withoutSeeds(toDts(dtc, editedFile));
            List<String> added = new ArrayList<>(after);
            for (String line : before) {
                assertThat(added.remove(line)).as("line kept: %s", line).isTrue();
            }
            // QEMU already writes bootargs for -append (even with -bios): the boot loader
            // replaced it with the same text and inserted the initrd range.
            assertThat(after).contains("\t\tbootargs = \"" + append + "\";");
            assertThat(added).containsExactlyInAnyOrder(
                    "\t\tlinux,initrd-start = <0x00 0x" + Long.toHexString(k.initrd().orElseThrow().start()) + ">;",
                    "\t\tlinux,initrd-end = <0x00 0x" + Long.toHexString(k.initrd().orElseThrow().end()) + ">;");
        }

        @Test
        void withoutInitrdAndCommandLineTheKernelGetsEmptyBootargsAndNoInitrd() throws Exception {
            // QEMU writes no bootargs for an empty command line: the boot loader inserts it.
            QemuRunner.Result r = Tools.runQemu(QemuRunner.virtArgs(
                    "-bios", TestData.extract(Firmware.BOOTLOADER, dir).toString(),
                    "-kernel", kernel.path().toString()));
            assertThat(r.lines()).contains("BOOT initrd none", "BOOT cmdline \"\"");
            KernelReport k = KernelReport.parse(r);
            assertThat(k.bootargs()).contains("");
            assertThat(k.initrd()).isEmpty();
            assertThat(k.dtbValid()).isTrue();
            assertThat(k.paddingCrc32()).isEqualTo(kernel.paddingCrc32());
        }

        @Test
        void withoutKernelItSaysSoAndPowersOff() throws Exception {
            QemuRunner.Result r = Tools.runQemu(QemuRunner.virtArgs(
                    "-bios", TestData.extract(Firmware.BOOTLOADER, dir).toString()));
            assertThat(r.linesStartingWith("BOOT error kernel: ")).hasSize(1);
        }

        private static List<String> toDts(Path dtc, Path dtb) throws Exception {
            Process p = new ProcessBuilder(dtc.toString(), "-q", "-I", "dtb", "-O", "dts", dtb.toString())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("dtc on %s: %s", dtb, text).isZero();
            return text.lines().toList();
        }

        /** QEMU puts fresh random seeds into /chosen on every run. */
        private static List<String> withoutSeeds(List<String> dts) {
            return dts.stream().filter(l -> !l.contains("rng-seed") && !l.contains("kaslr-seed")).toList();
        }
    }

    @ParameterizedTest(name = "text_offset=0x{0}")
    @ValueSource(strings = {"80000", "0"})
    void directKernelBootByQemu(String textOffsetHex) throws Exception {
        TestKernel.Image image = textOffsetHex.equals("0") ? kernelAtZero : kernel;
        String append = "console=ttyAMA0 direct";
        List<String> args = new ArrayList<>(QemuRunner.virtArgs());
        args.addAll(bootArgs(image, append));
        KernelReport k = KernelReport.parse(Tools.runQemu(args));
        assertKernelGot(k, image, append);
    }

    @Test
    void uBootBootiBootsIt() throws Exception {
        String append = "console=ttyAMA0 via-u-boot";
        List<String> args = new ArrayList<>(QemuRunner.virtArgs("-bios", Tools.uboot().toString()));
        args.addAll(bootArgs(append));
        QemuRunner.Result r = Tools.runQemu(args);
        assertThat(r.output()).contains("Starting kernel");
        assertKernelGot(KernelReport.parse(r), append);
    }
}
