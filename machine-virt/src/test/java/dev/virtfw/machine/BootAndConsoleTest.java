package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BootAndConsoleTest {
    @Test
    void firmwarePrintsThroughPl011AndPowersOff() {
        var run = Guest.run(Guest.firmware("""
                    adr x2, msg
                    bl puts
                """ + Guest.POWER_OFF + Guest.PUTS + """
                msg: .asciz "hello from flash\\n"
                """));
        assertThat(run.console()).isEqualTo("hello from flash\n");
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(run.result().exitStatus()).isZero();
    }
}
