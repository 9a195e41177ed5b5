package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Debian's U-Boot for QEMU (package u-boot-qemu) as firmware: it finds fw_cfg through the device
 * tree, loads -kernel and -append with {@code qfw load} (DMA) and starts the Image with booti,
 * which prints the device tree address it was given, exactly as on QEMU.
 */
class UBootBootsAKernelTest {
    static final Path UBOOT = Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin");

    @Test
    void uBootLoadsTheKernelThroughFwCfgAndBootsIt() {
        assertThat(UBOOT).as("u-boot-qemu is installed (./test installs it)").exists();
        Path image = Assembler.toFile(Assembler.assembleFile("kernel-image.S", 0, "#define TEXT_OFFSET 0"), ".img");
        var run = Guest.run(UBOOT, "", b -> b.kernel(image).append("console=ttyAMA0"));
        String console = run.console().replace("\r", "");
        assertThat(run.result().reason()).as(run.result().message()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(console).contains("Starting kernel ...");
        Matcher m = Pattern.compile("Loading Device Tree to ([0-9a-f]{16})").matcher(console);
        assertThat(m.find()).as(console).isTrue();
        List<String> last = console.lines().toList().subList(console.lines().toList().size() - 3, console.lines().toList().size());
        assertThat(last).containsExactly(m.group(1), "0000000040400000", "00000000d00dfeed");

        var qemu = Qemu.runVirt("-bios", UBOOT.toString(), "-kernel", image.toString(), "-append", "console=ttyAMA0");
        List<String> theirs = qemu.stdout().replace("\r", "").lines().toList();
        // The kernel's load address and the magic agree; the tree's address depends on its size,
        // which differs (QEMU declares devices this board does not have: see DeviceTreeVsQemuTest).
        assertThat(theirs.subList(theirs.size() - 2, theirs.size())).isEqualTo(last.subList(1, 3));
    }
}
