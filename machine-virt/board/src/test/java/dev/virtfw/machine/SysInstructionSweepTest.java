package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every SYS encoding (op0 1: 8 x 16 x 16 x 8 = 16 384 cache, TLB, address-translation and
 * unallocated operations) run at EL1 with an address in RAM as its operand, with the MMU off and
 * then on: the board's SYS-instruction hook (its native filter, the IC IVAU fast path, the Java
 * side) must neither crash nor change what the CPU does. The exception handler counts the
 * exceptions and folds their syndromes into a checksum, then steps over the instruction; both
 * sweeps must print what QEMU 7.2 prints.
 */
class SysInstructionSweepTest {
    private static String sweep() {
        StringBuilder b = new StringBuilder();
        for (int op1 = 0; op1 < 8; op1++) {
            for (int crn = 0; crn < 16; crn++) {
                for (int crm = 0; crm < 16; crm++) {
                    for (int op2 = 0; op2 < 8; op2++) {
                        b.append("    sys #").append(op1).append(", C").append(crn).append(", C").append(crm)
                                .append(", #").append(op2).append(", x1\n");
                    }
                }
            }
        }
        return b.toString();
    }

    private static String program() {
        String report = """
                    mov x0, x20
                    bl print_hex
                    mov x0, x21
                    bl print_hex
                    mov x20, #0
                    mov x21, #0
                    ldr x1, =0x40400000            // RAM: DC ZVA zeroes 64 bytes here
                """;
        return """
                    adr x0, vectors
                    msr vbar_el1, x0
                    mov x20, #0
                    mov x21, #0
                    ldr x1, =0x40400000
                """ + sweep() + report + Guest.PAGE_TABLES + Guest.MMU_ON + """
                    ldr x1, =0x40200000            // VA 0x40200000 -> PA 0x40400000
                """ + sweep() + report + """
                    bl power_off
                    .ltorg
                    .balign 0x800
                vectors:
                    .rept 16
                    mrs x9, esr_el1
                    add x20, x20, #1
                    ror x21, x21, #7
                    eor x21, x21, x9
                    mrs x9, elr_el1
                    add x9, x9, #4
                    msr elr_el1, x9
                    eret
                    .balign 0x80
                    .endr
                """;
    }

    @Test
    void everySysEncodingDoesWhatItDoesOnQemu() {
        Path fw = Guest.firmware(program());

        Guest.Run ours = Guest.run(fw);
        assertThat(ours.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        // two sweeps, each a count of exceptions and a checksum of their syndromes; most
        // encodings are unallocated at EL1
        assertThat(ours.console().lines().toList()).hasSize(4)
                .allSatisfy(l -> assertThat(l).matches("[0-9a-f]{16}"));
        assertThat(Long.parseUnsignedLong(ours.console().lines().findFirst().orElseThrow(), 16))
                .isBetween(16_000L, 16_384L);

        var qemu = Qemu.runVirt("-bios", fw.toString());
        assertThat(qemu.stdout()).isEqualTo(ours.console());
    }
}
