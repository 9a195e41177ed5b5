package dev.virtfw.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Parsing the guest's report out of a console full of kernel messages. */
class FwCfgSysfsReportTest {
    private static final String EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String HI_SHA = "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4";

    @Test
    void readsTheGuestLinesAmongKernelMessagesAndCarriageReturns() {
        String console = """
                [    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]\r
                [    1.003952] Run /init as init process\r
                virtfw-guest: start\r
                [    1.100000] random: noise between the guest's lines\r
                virtfw-guest: rev 3\r
                virtfw-guest: item key=32 size=0 sha256=%s name=bootorder\r
                virtfw-guest: item key=41 size=2 sha256=%s name=opt/virtfw/str\r
                virtfw-guest: content hex=6869 name=opt/virtfw/str\r
                virtfw-guest: end items=2\r
                [    2.602756] reboot: Power down\r
                """.formatted(EMPTY_SHA, HI_SHA);
        FwCfgSysfsReport r = FwCfgSysfsReport.parse(console);
        assertThat(r.rev()).hasValue(3);
        assertThat(r.names()).containsExactly("bootorder", "opt/virtfw/str");
        assertThat(r.errors()).isEmpty();
        FwCfgSysfsReport.Item str = r.item("opt/virtfw/str").orElseThrow();
        assertThat(str.key()).isEqualTo(41);
        assertThat(str.size()).isEqualTo(2);
        assertThat(str.sha256()).isEqualTo(HI_SHA);
        assertThat(str.text()).hasValue("hi");
        assertThat(r.item("bootorder").orElseThrow().contentHex()).isEmpty();
        assertThat(r.item("etc/none")).isEmpty();
    }

    @Test
    void aGuestLineAfterAKernelMessageOnTheSameLineStillCounts() {
        FwCfgSysfsReport r = FwCfgSysfsReport.parse("""
                [    1.0] Run /init as init process
                virtfw-guest: start
                [    1.2] fw_cfg: something virtfw-guest: rev 1
                virtfw-guest: end items=0
                """);
        assertThat(r.rev()).hasValue(1);
        assertThat(r.items()).isEmpty();
    }

    @Test
    void errorLinesAreKeptAndRevMayBeAbsent() {
        FwCfgSysfsReport r = FwCfgSysfsReport.parse("""
                virtfw-guest: start
                virtfw-guest: error insmod /lib/modules/qemu_fw_cfg.ko failed
                virtfw-guest: error no /sys/firmware/qemu_fw_cfg/rev
                virtfw-guest: end items=0
                """);
        assertThat(r.rev()).isEmpty();
        assertThat(r.errors()).containsExactly("insmod /lib/modules/qemu_fw_cfg.ko failed",
                "no /sys/firmware/qemu_fw_cfg/rev");
    }

    @Test
    void reportsFromEqualLinesAreEqualWhateverTheNoise() {
        String guest = "virtfw-guest: start\nvirtfw-guest: rev 3\nvirtfw-guest: item key=32 size=0 sha256="
                + EMPTY_SHA + " name=bootorder\nvirtfw-guest: end items=1\n";
        assertThat(FwCfgSysfsReport.parse("[ 0.1] a\n" + guest))
                .isEqualTo(FwCfgSysfsReport.parse("[ 9.9] b\r\n" + guest.replace("\n", "\r\n")));
    }

    @Test
    void withoutStartOrEndItSaysWhichIsMissing() {
        assertThatThrownBy(() -> FwCfgSysfsReport.parse("[ 1.0] Kernel panic - not syncing: no init\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/init did not run");
        assertThatThrownBy(() -> FwCfgSysfsReport.parse("virtfw-guest: start\nvirtfw-guest: rev 3\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/init did not finish");
    }

    @Test
    void aLostItemLineOrAnUnknownLineIsAnError() {
        assertThatThrownBy(() -> FwCfgSysfsReport.parse("virtfw-guest: start\nvirtfw-guest: end items=1\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listed 1 items but 0");
        assertThatThrownBy(() -> FwCfgSysfsReport.parse("virtfw-guest: start\nvirtfw-guest: item key=x\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unexpected guest line");
    }
}
