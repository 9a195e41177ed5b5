package dev.virtfw.machine.uboot;

import static dev.virtfw.machine.uboot.ConsoleSession.Engine.QEMU;
import static dev.virtfw.machine.uboot.ConsoleSession.Engine.VIRT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.testdata.GeneratedFile;
import dev.virtfw.testdata.TestInitrd;
import dev.virtfw.testdata.TestKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's U-Boot 2023.01 on our board and on qemu-system-aarch64 with the same arguments: it finds
 * fw_cfg in the device tree, lists its files, counts CPUs, loads -kernel and -initrd by DMA and
 * takes -append as bootargs. One scripted console session per engine; the answers are compared
 * with each other and with the host files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UBootFwCfgTest {
    static final String APPEND = "console=ttyAMA0 virtfw.test=u-boot earlycon";
    /**
     * Files QEMU 7.2's virt adds that this board does not: the ACPI and SMBIOS tables and the
     * table loader script (this board builds no ACPI or SMBIOS), and the TPM log QEMU creates with
     * them. Every other name must be the same on both.
     */
    static final List<String> QEMU_ONLY_FILES = List.of("etc/acpi/rsdp", "etc/acpi/tables",
            "etc/smbios/smbios-anchor", "etc/smbios/smbios-tables", "etc/table-loader", "etc/tpm/log");

    TestKernel.Image kernel;
    GeneratedFile initrd;
    final Map<ConsoleSession.Engine, Map<String, String>> answers = new EnumMap<>(ConsoleSession.Engine.class);
    final Map<ConsoleSession.Engine, String> consoles = new EnumMap<>(ConsoleSession.Engine.class);
    final Map<ConsoleSession.Engine, Integer> status = new EnumMap<>(ConsoleSession.Engine.class);

    List<String> commands() {
        return List.of("qfw list", "qfw cpus", "qfw load ${kernel_addr_r} ${ramdisk_addr_r}", "printenv bootargs",
                "printenv filesize", "crc32 ${kernel_addr_r} " + Long.toHexString(kernel.size()),
                "crc32 ${ramdisk_addr_r} ${filesize}");
    }

    @BeforeAll
    void runBothEngines(@TempDir Path dir) throws Exception {
        kernel = TestKernel.write(dir.resolve("Image"), 3L << 20, 0x5eed);
        initrd = TestInitrd.write(dir.resolve("initrd.img"), (1L << 20) + 12345, 0xcafe);
        Path note = Files.writeString(dir.resolve("note.txt"), "a file from the host\n");
        List<String> args = List.of("-bios", UBoot.binary().toString(), "-kernel", kernel.path().toString(),
                "-initrd", initrd.path().toString(), "-append", APPEND,
                "-fw_cfg", "name=opt/virtfw/note,file=" + note, "-fw_cfg", "opt/virtfw/greeting,string=hello");
        for (ConsoleSession.Engine engine : ConsoleSession.Engine.values()) {
            try (ConsoleSession s = ConsoleSession.start(engine, args)) {
                s.await("Hit any key to stop autoboot");
                s.send("\n");
                s.await(ConsoleSession.PROMPT);
                Map<String, String> out = new LinkedHashMap<>();
                for (String c : commands()) {
                    out.put(c, s.command(c));
                }
                answers.put(engine, out);
                s.commandNoPrompt("poweroff");
                status.put(engine, s.awaitExit());
                consoles.put(engine, s.text());
            }
        }
    }

    @Test
    void uBootPrintsItsBannerCountsDownAndStopsAtThePromptOnAKey() {
        assertThat(consoles.get(VIRT)).contains("U-Boot 2023.01", "DRAM:  128 MiB", "Flash: 64 MiB",
                "Hit any key to stop autoboot:  2 ", "=> qfw list");
    }

    @Test
    void qfwListShowsTheSameFilesAsQemuApartFromItsAcpiAndSmbiosTables() {
        List<String> ours = names(answers.get(VIRT).get("qfw list"));
        List<String> qemu = names(answers.get(QEMU).get("qfw list"));
        assertThat(ours).contains("opt/virtfw/note", "opt/virtfw/greeting", "bootorder", "bios-geometry",
                "etc/boot-fail-wait");
        assertThat(qemu).containsAll(QEMU_ONLY_FILES);
        assertThat(ours).isEqualTo(qemu.stream().filter(n -> !QEMU_ONLY_FILES.contains(n)).toList());
    }

    static List<String> names(String qfwList) {
        return qfwList.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void qfwCpusReportsOneCpuAsQemu() {
        assertThat(answers.get(VIRT).get("qfw cpus")).isEqualTo("1 cpu(s) online\n")
                .isEqualTo(answers.get(QEMU).get("qfw cpus"));
    }

    @Test
    void qfwLoadLoadsKernelAndInitrdWhoseCrcEqualsTheHostFiles() {
        Map<String, String> ours = answers.get(VIRT);
        assertThat(ours.get("qfw load ${kernel_addr_r} ${ramdisk_addr_r}"))
                .isEqualTo(answers.get(QEMU).get("qfw load ${kernel_addr_r} ${ramdisk_addr_r}"));
        assertThat(ours.get("printenv filesize")).isEqualTo("filesize=" + Long.toHexString(initrd.size()) + "\n");
        String kernelCrc = ours.get("crc32 ${kernel_addr_r} " + Long.toHexString(kernel.size()));
        String initrdCrc = ours.get("crc32 ${ramdisk_addr_r} ${filesize}");
        assertThat(kernelCrc).endsWith(String.format("==> %08x\n", kernel.crc32()));
        assertThat(initrdCrc).endsWith(String.format("==> %08x\n", initrd.crc32()));
        assertThat(kernelCrc).isEqualTo(answers.get(QEMU).get("crc32 ${kernel_addr_r} " + Long.toHexString(kernel.size())));
        assertThat(initrdCrc).isEqualTo(answers.get(QEMU).get("crc32 ${ramdisk_addr_r} ${filesize}"));
    }

    @Test
    void bootargsAreTheAppendedCommandLineAsOnQemu() {
        assertThat(answers.get(VIRT).get("printenv bootargs")).isEqualTo("bootargs=" + APPEND + "\n")
                .isEqualTo(answers.get(QEMU).get("printenv bootargs"));
    }

    @Test
    void poweroffAtThePromptEndsBothWithStatusZero() {
        assertThat(status.get(VIRT)).isZero();
        assertThat(status.get(QEMU)).isZero();
    }
}
