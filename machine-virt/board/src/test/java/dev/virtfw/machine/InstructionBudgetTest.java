package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** --max-instructions bounds the whole boot, however often the engine is started again within it. */
class InstructionBudgetTest {
    @Test
    void aGuestThatWaitsForInterruptsStopsAfterExactlyTheBudget() {
        // Three instructions a turn; every WFI returns to the board's loop and starts the engine again.
        // After 31 instructions (ten turns and one add) the next one is the WFI at 0x4.
        Guest.Run run = Guest.run(Guest.firmware("""
                loop:
                    add x0, x0, #1
                    wfi
                    b loop
                """), "", b -> b.limits(new Limits(31, Duration.ofSeconds(30))));
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.INSTRUCTION_LIMIT);
        assertThat(run.result().message()).isEqualTo("guest stopped: instruction limit of 31 reached, pc 0x4");
    }

    @Test
    void theBudgetCountsAcrossFlashStoresThatRestartTheEngine() {
        // A store to the flash array stops the engine and runs the store again against the device: the
        // board must not count it twice. Four instructions a turn: 9 = two turns and one more.
        Guest.Run run = Guest.run(Guest.firmware("""
                    ldr x1, =0x04000000
                loop:
                    mov w2, #0xff
                    str w2, [x1]
                    wfi
                    b loop
                """), "", b -> b.limits(new Limits(10, Duration.ofSeconds(30))));
        assertThat(run.result().message()).isEqualTo("guest stopped: instruction limit of 10 reached, pc 0x8");
    }
}
