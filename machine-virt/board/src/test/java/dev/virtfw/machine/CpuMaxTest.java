package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.unicorn.CpuModel;
import org.junit.jupiter.api.Test;

/**
 * {@code -cpu max}: what an EL1 guest of QEMU's virt may use works without EL2 or EL3 getting in
 * the way (pointer authentication: keys and instructions), and SVE, which Unicorn 2.1.4 cannot run
 * (its first vector-length computation aborts the process), is hidden: the ID registers say there
 * is none, and SVE instructions and ZCR_EL1 are undefined instructions taken by the guest.
 */
class CpuMaxTest {
    static final String PROGRAM = """
                .arch armv8.3-a+sve
                adr x0, vectors
                msr vbar_el1, x0
                mov x0, #(3 << 20)
                orr x0, x0, #(3 << 16)
                msr cpacr_el1, x0            // FP/SIMD and SVE not trapped at EL1
                isb
                mrs x0, id_aa64pfr0_el1
                ubfx x0, x0, #32, #4         // SVE
                bl print_hex
                mrs x0, s3_0_c0_c4_4         // ID_AA64ZFR0_EL1
                bl print_hex
                mrs x0, id_aa64isar1_el1
                ubfx x0, x0, #4, #4          // APA: pointer authentication, architected algorithm
                bl print_hex
                mov x20, #0
                rdvl x0, #1                  // an SVE instruction
                mov x0, #3
                msr s3_0_c1_c2_0, x0         // ZCR_EL1
                mov x0, x20                  // undefined instructions taken
                bl print_hex
                lsr x0, x21, #26             // their class
                bl print_hex
                mov x0, #16
                msr tcr_el1, x0              // 48-bit VAs: the top bits hold the code
                mrs x0, sctlr_el1
                orr x0, x0, #(1 << 31)       // EnIA
                msr sctlr_el1, x0
                ldr x0, =0x0123456789abcdef
                msr apiakeylo_el1, x0
                msr apiakeyhi_el1, x0
                isb
                ldr x10, =0x40001000
                mov x12, x10
                mov x11, #42
                pacia x10, x11
                cmp x10, x12
                cset x0, ne                  // signed: the pointer changed
                bl print_hex
                autia x10, x11
                cmp x10, x12
                cset x0, eq                  // authenticated: back as it was
                bl print_hex
                bl power_off
                .balign 0x800
            vectors:
                .skip 0x200
                mrs x21, esr_el1
                add x20, x20, #1
                mrs x9, elr_el1
                add x9, x9, #4
                msr elr_el1, x9
                eret
            """;

    @Test
    void sveIsHiddenAndUndefinedAndPointerAuthenticationWorksAtEl1() {
        Guest.Run run = Guest.run(Guest.firmware(PROGRAM), "", b -> b.cpu(CpuModel.MAX));
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(run.console().lines().toList()).containsExactly(
                "0000000000000000",     // no SVE in ID_AA64PFR0_EL1
                "0000000000000000",     // nor in ID_AA64ZFR0_EL1
                "0000000000000001",     // pointer authentication there
                "0000000000000002",     // rdvl and the ZCR_EL1 write: undefined
                "0000000000000000",     // EC 0x00, unknown reason
                "0000000000000001",
                "0000000000000001");
    }

    @Test
    void aCortexA57SeesItsOwnIdRegistersUntrapped() {
        Guest.Run run = Guest.run(Guest.firmware("""
                    mrs x0, id_aa64pfr0_el1
                    bl print_hex
                    bl power_off
                """));
        // Cortex-A57 r1p0 as QEMU models it: EL0-EL3 AArch64+AArch32, FP and AdvSIMD, no SVE
        assertThat(run.console()).isEqualTo("0000000000002222\n");
    }
}
