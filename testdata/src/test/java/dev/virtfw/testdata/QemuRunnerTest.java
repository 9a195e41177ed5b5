package dev.virtfw.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuRunnerTest {

    @Test
    void virtArgsNameTheBoardAndAppendExtras() {
        assertThat(QemuRunner.virtArgs("-bios", "x.bin")).containsExactly(
                "-M", "virt", "-cpu", "cortex-a57", "-nographic", "-nic", "none", "-bios", "x.bin");
    }

    @Test
    void aGuestThatNeverStopsIsKilledAtTheTimeout() throws Exception {
        Tools.requireQemu();
        // No firmware: the CPU executes the empty flash and never powers off.
        QemuRunner.Result r = QemuRunner.run(QemuRunner.virtArgs(), Duration.ofMillis(1500));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.exitedCleanly()).isFalse();
        assertThat(r.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void aBadOptionGivesQemusErrorAndExitCode() throws Exception {
        Tools.requireQemu();
        QemuRunner.Result r = QemuRunner.run(List.of("-no-such-option"), Duration.ofSeconds(30));
        assertThat(r.timedOut()).isFalse();
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.errors()).contains("no-such-option");
    }

    @Test
    void consoleLinesAreSplitWhateverTheLineEnding() {
        QemuRunner.Result r = new QemuRunner.Result("A 1\r\nB 2\nA 3\r\n", "", 0, false, Duration.ZERO);
        assertThat(r.lines()).containsExactly("A 1", "B 2", "A 3");
        assertThat(r.linesStartingWith("A ")).containsExactly("A 1", "A 3");
        assertThat(r.exitedCleanly()).isTrue();
    }

    @Test
    void comparableLinesDropOnlyTimings() {
        QemuRunner.Result r = new QemuRunner.Result("CHECK a PASS x\r\nTIME a 1 2 3\r\nTIMER is not a timing\n",
                "", 0, false, Duration.ZERO);
        assertThat(r.comparableLines()).containsExactly("CHECK a PASS x", "TIMER is not a timing");
    }

    @Test
    void twoRunsOfTheFwCfgTestFirmwareDifferOnlyInTimings(@TempDir Path dir)
            throws Exception {
        Tools.requireQemu();
        Path m = new Crc32Manifest().add("opt/virtfw/t", new byte[] {1, 2, 3}).write(dir.resolve("m"));
        List<String> args = QemuRunner.virtArgs("-bios", TestData.extract(Firmware.FWCFG_TEST, dir).toString(),
                "-fw_cfg", "name=" + TestData.CRC32_MANIFEST_FILE + ",file=" + m,
                "-fw_cfg", "name=opt/virtfw/t,file=" + Files.write(dir.resolve("t"), new byte[] {1, 2, 3}));
        QemuRunner.Result a = Tools.runQemu(args);
        QemuRunner.Result b = Tools.runQemu(args);
        assertThat(a.comparableLines()).isEqualTo(b.comparableLines()).hasSizeGreaterThan(20);
    }

    @Test
    void uBootIsFoundThroughTheDebianPackage() {
        assertThat(Tools.uboot()).isRegularFile().hasFileName("u-boot.bin");
    }
}
