package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** PSCI over hvc answers as QEMU 7.2's virt does, call for call (src/test/asm/psci-probe.S). */
class PsciTest {
    @Test
    void everyProbedCallReturnsWhatQemuReturns() {
        Path probe = Assembler.toFile(Assembler.assembleFile("psci-probe.S", 0), ".bin");
        var ours = Guest.run(probe);
        var qemu = Qemu.runVirt("-bios", probe.toString());
        assertThat(ours.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(ours.result().exitStatus()).isEqualTo(qemu.status()).isZero();
        assertThat(ours.console().lines().toList()).hasSize(26).first().isEqualTo("0000000000010001");
        assertThat(ours.console()).isEqualTo(qemu.stdout());
    }
}
