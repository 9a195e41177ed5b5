package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the board cannot model stops the machine with one line and status 3; runaway guests are bounded.
 * Unmapped addresses are taken from 0x0b00_0000-0x0bff_ffff, which QEMU's virt leaves unassigned.
 */
class GuestFaultTest {
    private static RunResult run(String program) {
        return Guest.run(Guest.firmware(program)).result();
    }

    private static void assertStopped(RunResult r, RunResult.Reason reason, String message) {
        assertThat(r.reason()).isEqualTo(reason);
        assertThat(r.exitStatus()).isEqualTo(3);
        assertThat(r.message()).isEqualTo(message).doesNotContain("\n");
    }

    @Test
    void readOfUnmappedMemoryNamesAddressAndPc() {
        assertStopped(run("""
                    ldr x1, =0x0b100000
                    ldr w0, [x1]
                """), RunResult.Reason.GUEST_FAULT, "guest fault: read of 4 bytes at unmapped address 0xb100000, pc 0x4");
    }

    @Test
    void writeOfUnmappedMemoryNamesAddressAndPc() {
        assertStopped(run("""
                    nop
                    ldr x1, =0x0b000000
                    str x0, [x1]
                """), RunResult.Reason.GUEST_FAULT, "guest fault: write of 8 bytes at unmapped address 0xb000000, pc 0x8");
    }

    @Test
    void jumpToUnmappedMemory() {
        assertStopped(run("""
                    ldr x1, =0x0b200000
                    br x1
                """), RunResult.Reason.GUEST_FAULT, "guest fault: instruction fetch from unmapped address 0xb200000, pc 0xb200000");
    }

    @Test
    void undefinedInstruction() {
        assertStopped(run("""
                    nop
                    udf #0
                """), RunResult.Reason.GUEST_FAULT, "guest fault: undefined instruction, pc 0x4");
    }

    @Test
    void smcHasNoFirmwareBehindIt() {
        assertThat(run("""
                    smc #0
                """).message()).startsWith("guest fault: secure monitor call (smc)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // past the end of the fw_cfg window, inside the emulator's 1 KiB MMIO page
        "ldr w0, [x1, #0x18]|guest fault: read of 4 bytes at unmapped address 0x9020018, pc 0x4",
        // fw_cfg's selector cannot be read (QEMU 7.2 raises an external abort)
        "ldrh w0, [x1, #8]|guest fault: read of 2 bytes at 0x9020008 refused by fw_cfg (offset 0x8), pc 0x4",
        // 1-byte write to the DMA address register: refused
        "strb w0, [x1, #16]|guest fault: write of 1 byte at 0x9020010 refused by fw_cfg (offset 0x10), pc 0x4",
    })
    void registerAccessesADeviceRefusesAreNeverPerformed(String instruction, String message) {
        assertStopped(run("""
                    ldr x1, =0x09020000
                """ + instruction + "\n"), RunResult.Reason.GUEST_FAULT, message);
    }

    @Test
    void aRunawayLoopEndsAtTheInstructionLimit() {
        var r = Guest.run(Guest.firmware("1: b 1b\n"), "", b -> b.limits(new Limits(1_000_000, null))).result();
        assertStopped(r, RunResult.Reason.INSTRUCTION_LIMIT, "guest stopped: instruction limit of 1000000 reached, pc 0x0");
    }

    @Test
    void aRunawayLoopEndsAtTheTimeLimit() {
        var r = Guest.run(Guest.firmware("""
                    ldr x1, =0x40000000
                1:  ldr x2, [x1]
                    add x2, x2, #1
                    str x2, [x1]
                    b 1b
                """), "", b -> b.limits(new Limits(0, Duration.ofMillis(300)))).result();
        assertThat(r.reason()).isEqualTo(RunResult.Reason.TIME_LIMIT);
        assertThat(r.exitStatus()).isEqualTo(3);
        assertThat(r.message()).startsWith("guest stopped: time limit of PT0.3S reached, pc 0x");
    }

    @Test
    void cpuOffOnTheOnlyCpuEndsTheRun() {
        var r = run("""
                    ldr x0, =0x84000002
                    hvc #0
                """);
        assertStopped(r, RunResult.Reason.CPU_OFF, "guest turned off its only CPU (PSCI CPU_OFF), pc 0x8");
    }

    @Test
    void theMachineRunsAgainAfterAFault() {
        // Nothing of a faulted run leaks into the next one: same program, same answer.
        String program = "ldr x1, =0x0b100000\nldr w0, [x1]\n";
        assertThat(run(program).message()).isEqualTo(run(program).message());
    }
}
