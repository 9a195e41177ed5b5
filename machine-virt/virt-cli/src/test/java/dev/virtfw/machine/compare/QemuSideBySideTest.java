package dev.virtfw.machine.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.compare.SideBySideRun.Ending;
import dev.virtfw.testdata.Crc32Manifest;
import dev.virtfw.testdata.Firmware;
import dev.virtfw.testdata.GeneratedFile;
import dev.virtfw.testdata.QemuRunner;
import dev.virtfw.testdata.TestData;
import dev.virtfw.testdata.TestInitrd;
import dev.virtfw.testdata.TestKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same command line on {@code qemu-system-aarch64 -M virt -cpu cortex-a57 -nic none} (QEMU 7.2,
 * installed by the test scripts and CI) and on this machine: the fw_cfg test firmware's CHECK lines
 * and the boot loader's and kernel's output must be the same, TIME lines excepted. Every other
 * difference is listed here with its reason and checked to be exactly that difference.
 */
class QemuSideBySideTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * fw_cfg files QEMU 7.2's virt board builds for firmware at {@code acpi=off} (as the comparison
     * runs it: this board never builds ACPI) and this board does not: the SMBIOS tables. Firmware
     * that wants SMBIOS (EDK2's ArmVirtQemu) goes without here; the boot loader, U-Boot and Linux by
     * device tree need none.
     */
    static final List<String> QEMU_ONLY_FILES = List.of("etc/smbios/smbios-anchor", "etc/smbios/smbios-tables");
    /** fwcfg-test runs four checks per directory entry (file-dma, -legacy1, -legacy8, -dma-chunks). */
    static final int CHECKS_PER_FILE = 4;
    /** A directory entry is 64 bytes (fw_cfg.rst, FWCfgFile). */
    static final int DIRECTORY_ENTRY = 64;

    /** The lines that may differ, each a pattern whose groups are what differs; everything else must be equal. */
    static final Pattern FILE = Pattern.compile("^FILE 0x([0-9a-f]{4}) (\\d+ \\S+)$");
    static final Pattern DIRECTORY_LEGACY = Pattern.compile("^CHECK directory-legacy PASS count=(\\d+)( .*)$");
    static final Pattern DIRECTORY_DMA = Pattern.compile("^(CHECK directory-dma PASS .*)bytes=(\\d+)$");
    static final Pattern SUMMARY = Pattern.compile("^SUMMARY (\\d+) passed, 0 failed$");

    static boolean namesQemuOnlyFile(String line) {
        return QEMU_ONLY_FILES.stream().anyMatch(f -> line.endsWith(" " + f) || line.contains(":" + f + " "));
    }

    static List<String> comparable(List<String> console) {
        return console.stream().filter(l -> !l.startsWith(QemuRunner.TIMING_PREFIX)).toList();
    }

    static Matcher both(Pattern p, String qemu, String ours) {
        Matcher q = p.matcher(qemu);
        Matcher o = p.matcher(ours);
        assertThat(q.matches() && o.matches()).as("QEMU: %s%nours: %s", qemu, ours).isTrue();
        return o;
    }

    @Test
    void fwCfgTestFirmwareChecksTheSameOnBothOnceQemusOwnFilesAreSetAside(@TempDir Path dir) throws Exception {
        Path fw = TestData.extract(Firmware.FWCFG_TEST, dir);
        Path hello = Files.writeString(dir.resolve("hello.txt"), "hello from the side-by-side test\n");
        GeneratedFile blob = TestInitrd.write(dir.resolve("blob.bin"), 100_003, 42);
        Path manifest = new Crc32Manifest().add("opt/hello", hello).put("opt/virtfw/blob", blob.size(), blob.crc32())
                .write(dir.resolve("manifest"));
        SideBySideRun.Result run = SideBySideRun.run(List.of("-bios", fw.toString(),
                "-fw_cfg", "name=opt/hello,file=" + hello,
                "-fw_cfg", "name=opt/virtfw/blob,file=" + blob.path(),
                "-fw_cfg", "name=" + TestData.CRC32_MANIFEST_FILE + ",file=" + manifest), TIMEOUT);
        assertThat(run.qemu().ending()).as(run.qemu().errors()).isEqualTo(Ending.CLEAN);
        assertThat(run.ours().ending()).as(run.ours().errors()).isEqualTo(Ending.CLEAN);

        List<String> qemu = comparable(run.qemu().console());
        List<String> ours = comparable(run.ours().console());
        List<String> qemuFiles = qemu.stream().filter(l -> l.startsWith("FILE ")).map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        assertThat(qemuFiles).as("QEMU still offers these").containsAll(QEMU_ONLY_FILES);
        assertThat(ours).noneMatch(QemuSideBySideTest::namesQemuOnlyFile);
        List<String> qemuKept = qemu.stream().filter(l -> !namesQemuOnlyFile(l)).toList();
        assertThat(qemu.size() - qemuKept.size()).as("a FILE line and four checks per QEMU-only file")
                .isEqualTo(QEMU_ONLY_FILES.size() * (1 + CHECKS_PER_FILE));
        assertThat(ours).contains("SUMMARY " + (ours.stream().filter(l -> l.startsWith("CHECK ")).count()) + " passed, 0 failed");
        assertThat(ours).anyMatch(l -> l.startsWith("CHECK file-dma:opt/virtfw/blob PASS size=100003 "));
        assertThat(qemuKept).hasSameSizeAs(ours);

        int n = QEMU_ONLY_FILES.size();
        int expectedSelector = 0x20;
        List<String> unexplained = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            String q = qemuKept.get(i);
            String o = ours.get(i);
            if (o.startsWith("FILE ")) {
                // same size and name; our selectors run from 0x20 in name order (QEMU's are shifted by its extra etc/ files)
                Matcher m = both(FILE, q, o);
                assertThat(FILE.matcher(q).replaceAll("$2")).isEqualTo(m.group(2));
                assertThat(Integer.parseInt(m.group(1), 16)).isEqualTo(expectedSelector++);
            } else if (o.startsWith("CHECK directory-legacy ")) {
                Matcher m = both(DIRECTORY_LEGACY, q, o);
                assertThat(q).isEqualTo("CHECK directory-legacy PASS count=" + (Integer.parseInt(m.group(1)) + n) + m.group(2));
            } else if (o.startsWith("CHECK directory-dma ")) {
                Matcher m = both(DIRECTORY_DMA, q, o);
                assertThat(q).isEqualTo(m.group(1) + "bytes=" + (Integer.parseInt(m.group(2)) + n * DIRECTORY_ENTRY));
            } else if (o.startsWith("SUMMARY ")) {
                Matcher m = both(SUMMARY, q, o);
                assertThat(q).isEqualTo("SUMMARY " + (Integer.parseInt(m.group(1)) + n * CHECKS_PER_FILE) + " passed, 0 failed");
            } else if (!q.equals(o)) {
                unexplained.add("QEMU: " + q + "\nours: " + o);
            }
        }
        assertThat(unexplained).as("lines that differ for no listed reason").isEmpty();

        // The command's own list of known differences reaches the same verdict.
        ConsoleComparison c = ConsoleComparison.of(run.qemu().console(), run.ours().console(), KnownDifference.QEMU_VIRT);
        assertThat(c.differences()).isEmpty();
    }

    @ParameterizedTest(name = "legacy interface: {0}")
    @ValueSource(booleans = {false, true})
    void bootLoaderAndKernelPrintTheSameOnBoth(boolean legacy, @TempDir Path dir) throws Exception {
        Path loader = TestData.extract(Firmware.BOOTLOADER, dir);
        TestKernel.Image kernel = TestKernel.write(dir.resolve("kernel"), (1L << 20) + 4096, 7);
        GeneratedFile initrd = TestInitrd.write(dir.resolve("initrd"), 200_001, 8);
        List<String> args = new ArrayList<>(List.of("-m", "256", "-bios", loader.toString(), "-kernel",
                kernel.path().toString(), "-initrd", initrd.path().toString(), "-append", "console=ttyAMA0 side-by-side"));
        if (legacy) {
            Path on = Files.writeString(dir.resolve("legacy"), "1");
            args.addAll(List.of("-fw_cfg", "name=" + TestData.LEGACY_SWITCH_FILE + ",file=" + on));
        }
        SideBySideRun.Result run = SideBySideRun.run(args, TIMEOUT);
        assertThat(run.qemu().ending()).as(run.qemu().errors()).isEqualTo(Ending.CLEAN);
        assertThat(run.ours().ending()).as(run.ours().errors()).isEqualTo(Ending.CLEAN);

        List<String> qemu = comparable(run.qemu().console());
        List<String> ours = comparable(run.ours().console());
        assertThat(ours).contains("BOOT fw_cfg base=0x9020000 dma-available=1 mode=" + (legacy ? "legacy" : "dma"),
                String.format("KERNEL initrd start=0x40390000 end=0x403c0d41 size=200001 crc32=%08x", initrd.crc32()),
                String.format("KERNEL padding bytes=%d crc32=%08x", kernel.size() - kernel.builtSize(), kernel.paddingCrc32()),
                "KERNEL bootargs \"console=ttyAMA0 side-by-side\"", "KERNEL poweroff");
        assertThat(qemu).hasSameSizeAs(ours);
        List<String> unexplained = new ArrayList<>();
        // The device tree lines (BOOT dtb, KERNEL dtb sizes and counts) included: QEMU runs as acpi=off.
        for (int i = 0; i < ours.size(); i++) {
            String q = qemu.get(i);
            String o = ours.get(i);
            if (!q.equals(o)) {
                unexplained.add("QEMU: " + q + "\nours: " + o);
            }
        }
        assertThat(unexplained).as("lines that differ for no listed reason").isEmpty();
        assertThat(ConsoleComparison.of(run.qemu().console(), run.ours().console(), KnownDifference.QEMU_VIRT)
                .differences()).isEmpty();
    }

    @Test
    void theBoardDefaultsAreAddedOnlyWhereTheCommandLineHasNone() {
        assertThat(SideBySideRun.commandLine(List.of("-bios", "fw.bin"))).containsExactly(
                "-M", "virt", "-cpu", "cortex-a57", "-nographic", "-nic", "none", "-bios", "fw.bin", "-M", "acpi=off");
        assertThat(SideBySideRun.commandLine(List.of("-machine", "virt", "-cpu", "max", "-serial", "stdio", "-nic", "none")))
                .containsExactly("-machine", "virt", "-cpu", "max", "-serial", "stdio", "-nic", "none", "-M", "acpi=off");
    }
}
