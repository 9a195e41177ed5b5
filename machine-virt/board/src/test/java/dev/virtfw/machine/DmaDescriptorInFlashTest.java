package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A DMA descriptor in the flash (firmware running in place may keep one there): QEMU reads it from
 * the ROM and carries it out, and so does the board; the control word's store goes to the flash's
 * write handler, which leaves the array as it was. Compared with QEMU 7.2.
 */
class DmaDescriptorInFlashTest {
    static final String PROGRAM = """
                ldr x1, =0x40001000
                str xzr, [x1]
                adr x2, desc                 // the descriptor lies in the flash
                ldr x3, =0x09020010
                rev x4, x2
                str x4, [x3]
                ldr x1, =0x40001000
                ldr x0, [x1]                 // what landed in RAM
                bl print_hex
                adr x2, desc
                ldr w0, [x2]                 // the control word as the flash reads now
                bl print_hex
                bl power_off
                .balign 16
            desc:
                .word 0x0a000000             // SELECT|READ key 0 (big-endian)
                .word 0x04000000             // length 4
                .quad 0x0010004000000000     // 0x40001000
                .ltorg
            """;

    @Test
    void isReadFromTheFlashAndCarriedOutAsOnQemu() {
        var fw = Guest.firmware(PROGRAM);
        Guest.Run ours = Guest.run(fw);
        assertThat(ours.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(ours.console().lines().toList()).containsExactly("00000000554d4551", "000000000a000000");
        assertThat(Qemu.runVirt("-bios", fw.toString()).stdout()).isEqualTo(ours.console());
    }
}
