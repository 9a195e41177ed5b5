package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code -drive if=pflash}: QEMU's unit assignment and its refusals (messages checked against QEMU 7.2). */
class FlashDriveTest {
    @Test
    void drivesWithoutIndexTakeBankZeroThenBankOne() {
        assertThat(FlashDrive.fromOptions(List.of("if=pflash,format=raw,file=a.img",
                "if=pflash,format=raw,file=b.img,readonly=on"))).containsExactly(
                new FlashDrive(0, Path.of("a.img"), false, false), new FlashDrive(1, Path.of("b.img"), true, false));
    }

    @Test
    void anExplicitIndexIsTakenAndALaterDriveGetsTheLowestFreeBank() {
        // As QEMU: "-drive index=1,... -drive ..." puts the second drive in bank 0.
        assertThat(FlashDrive.fromOptions(List.of("if=pflash,format=raw,index=1,file=b.img",
                "if=pflash,file=a.img,cache=unsafe"))).containsExactly(
                new FlashDrive(1, Path.of("b.img"), false, false), new FlashDrive(0, Path.of("a.img"), false, true));
    }

    @Test
    void aDoubledCommaIsACommaInTheFileName() {
        assertThat(FlashDrive.fromOptions(List.of("if=pflash,file=a,,b.img")).getFirst().file())
                .isEqualTo(Path.of("a,b.img"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "if=pflash,format=raw,file=a.img,index=2|machine type does not support if=pflash,bus=0,unit=2",
        "if=pflash,format=qcow2,file=a.img|only format=raw is supported",
        "if=virtio,format=raw,file=a.img|only if=pflash is supported (this board has no disks)",
        "format=raw,file=a.img|only if=pflash is supported (this board has no disks)",
        "if=pflash,format=raw|A block device must be specified for \"file\"",
        "if=pflash,format=raw,file=a.img,readonly=maybe|Parameter 'read-only' expects 'on' or 'off'",
        "if=pflash,format=raw,file=a.img,bogus=1|unsupported option 'bogus'",
        "if=pflash,file=a.img,index=x|index must be a non-negative number",
    })
    void refusedOptionsSayWhy(String option, String message) {
        assertThatThrownBy(() -> FlashDrive.fromOptions(List.of(option))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("-drive " + option + ": " + message);
    }

    @Test
    void aBankGivenTwiceOrAThirdDriveIsRefusedAsQemuDoes() {
        assertThatThrownBy(() -> FlashDrive.fromOptions(List.of("if=pflash,index=0,file=a.img",
                "if=pflash,index=0,file=b.img"))).isInstanceOf(ConfigException.class)
                .hasMessageEndingWith(": drive with bus=0, unit=0 (index=0) exists");
        assertThatThrownBy(() -> FlashDrive.fromOptions(List.of("if=pflash,file=a.img", "if=pflash,file=b.img",
                "if=pflash,file=c.img"))).isInstanceOf(ConfigException.class)
                .hasMessage("-drive if=pflash,file=c.img: machine type does not support if=pflash,bus=0,unit=2");
    }
}
