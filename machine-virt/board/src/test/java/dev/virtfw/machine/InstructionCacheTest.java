package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Code rewritten through a mapping that cannot execute, then run through one that can, as Linux
 * does for every page-cache page it maps into a process (it writes through its linear map, which
 * never executes): after the guest invalidates the instruction cache for it (IC IVAU by either
 * address, IC IALLU, IC IALLUIS), the next call runs the new code, as on QEMU. Once RAM has left
 * the memory hooks, Unicorn 2.1.4 does not drop translated code for such a store itself (the
 * alias's TLB entry has had its first store; see {@code Board#instructionCacheInvalidation}), so
 * without the board's handling of these instructions each call after the first prints the old
 * value. The last case invalidates the whole page 64 bytes at a time from one loop, as Linux
 * does, which the board serves with one drop. IC IVAU on a device's address and on one nothing
 * maps must neither fault nor disturb the guest (as on QEMU, where IC IVAU translates nothing).
 */
class InstructionCacheTest {
    static final String PROGRAM = """
                adr x0, vectors
                msr vbar_el1, x0
                // page tables (Guest.PAGE_TABLES): VA 0x40200000 -> PA 0x40400000 executable (X);
                // and VA 0x40400000 -> PA 0x40400000, never executable (PXN, UXN: the alias Y)
            """ + Guest.PAGE_TABLES + """
                ldr x2, =0x0060000040400705
                str x2, [x1, #16]
                // run code from RAM once with the MMU off, so that RAM is executable (and leaves
                // the board's memory hooks) before the alias is first stored to
                ldr x1, =0x40300000
                ldr w2, =0xd65f03c0           // ret
                str w2, [x1]
                blr x1
            """ + Guest.MMU_ON + """
                ldr x19, =0x40200000          // X
                ldr x20, =0x40400000          // Y
                ldr w21, =0xd65f03c0          // ret
                // 1: written through Y before any code was translated from the page, run through X
                mov x0, #1
                bl write_function
                dsb ish
                isb
                blr x19
                bl print_hex
                // 2: IC IVAU by the non-executable alias, as Linux does
                bl prime
                mov x0, #2
                bl write_function
                dc cvau, x20
                dsb ish
                ic ivau, x20
                dsb ish
                isb
                blr x19
                bl print_hex
                // 3: IC IVAU by the executable address
                bl prime
                mov x0, #3
                bl write_function
                dc cvau, x20
                dsb ish
                ic ivau, x19
                dsb ish
                isb
                blr x19
                bl print_hex
                // 4: IC IALLU
                bl prime
                mov x0, #4
                bl write_function
                dsb ish
                ic iallu
                dsb ish
                isb
                blr x19
                bl print_hex
                // 5: IC IALLUIS
                bl prime
                mov x0, #5
                bl write_function
                dsb ish
                ic ialluis
                dsb ish
                isb
                blr x19
                bl print_hex
                // 6: the whole page, a line at a time (Linux's invalidate_icache_by_line)
                bl prime
                mov x0, #6
                bl write_function
                dsb ish
                mov x1, x20
                add x2, x20, #4096
            line:
                ic ivau, x1
                add x1, x1, #64
                cmp x1, x2
                b.lo line
                dsb ish
                isb
                blr x19
                bl print_hex
                // 7: IC IVAU on a device and on an address nothing maps: no fault, nothing dropped
                ldr x1, =0x09000000
                ic ivau, x1
                ldr x1, =0x80000000
                ic ivau, x1
                dsb ish
                isb
                mov x0, #7
                bl print_hex
                bl power_off
            // prime: a store through Y (its TLB entry may have been dropped since its last one),
            // then a call through X, so that code is translated from the page after that store
            prime:
                mov x22, x30
                str wzr, [x20, #0x800]
                blr x19
                mov x30, x22
                ret
            // write_function: stores "mov x0, #<x0>; ret" at Y
            write_function:
                lsl x0, x0, #5
                ldr w1, =0xd2800000           // mov x0, #0
                orr w1, w1, w0
                str w1, [x20]
                str w21, [x20, #4]
                ret
            """ + Guest.VECTORS;

    @Test
    void codeWrittenThroughAnAliasRunsAfterTheInstructionCacheIsInvalidatedAsOnQemu() {
        Path fw = Guest.firmware(PROGRAM);

        Guest.Run ours = Guest.run(fw);
        assertThat(ours.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(ours.console().lines().toList()).containsExactly("0000000000000001", "0000000000000002",
                "0000000000000003", "0000000000000004", "0000000000000005", "0000000000000006", "0000000000000007");

        var qemu = Qemu.runVirt("-bios", fw.toString());
        assertThat(qemu.stdout()).isEqualTo(ours.console());
    }
}
