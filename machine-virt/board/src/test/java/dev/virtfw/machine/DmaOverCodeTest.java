package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fw_cfg DMA that overwrites code the guest has run, with the MMU on and the code reached at a
 * virtual address that differs from its physical one: the next call runs the new code, as on
 * QEMU (the translated code is dropped by physical address), and no exception appears from
 * nowhere (Unicorn's own invalidation call, made with the MMU on, translated the physical address
 * as a virtual instruction fetch and left a prefetch abort pending when that faulted). A DMA made
 * earlier with the MMU off checks that the board's per-access knowledge of SCTLR_EL1 is not used
 * after the guest has switched the MMU on.
 */
class DmaOverCodeTest {
    static final String PROGRAM = """
                adr x0, vectors
                msr vbar_el1, x0
                // page tables: VA 0x40200000 -> PA 0x40400000 (Guest.PAGE_TABLES)
            """ + Guest.PAGE_TABLES + """
                // the function at PA 0x40400000: mov x0, #1; ret
                ldr x1, =0x40400000
                ldr w2, =0xd2800020
                str w2, [x1]
                ldr w2, =0xd65f03c0
                str w2, [x1, #4]
                // with the MMU still off: run it from RAM (RAM now holds translated code), then a
                // DMA into RAM (KERNEL_DATA, 8 bytes to 0x40003000), for which the board reads
                // SCTLR_EL1 with M clear; what it read must not outlive that access
                blr x1
                ldr x1, =0x40002000
                ldr w2, =0x0a001100
                str w2, [x1]
                ldr w2, =0x08000000
                str w2, [x1, #4]
                ldr x2, =0x0030004000000000
                str x2, [x1, #8]
                ldr x3, =0x09020010
                rev x4, x1
                str x4, [x3]
            """ + Guest.MMU_ON + """
                ldr x9, =0x40200000
                blr x9
                bl print_hex
                // DMA READ of KERNEL_DATA (key 0x11, the new code) to PA 0x40400000
                ldr x1, =0x40002000
                ldr w2, =0x0a001100           // control (BE): key 0x11 << 16 | SELECT | READ
                str w2, [x1]
                ldr w2, =0x08000000           // length 8 (BE)
                str w2, [x1, #4]
                ldr x2, =0x0000404000000000   // address 0x40400000 (BE)
                str x2, [x1, #8]
                ldr x3, =0x09020010
                rev x4, x1
                str x4, [x3]
                ldr w0, [x1]                  // control after the transfer: 0 when done
                bl print_hex
                blr x9
                bl print_hex
                bl power_off
            """ + Guest.VECTORS;

    @Test
    void theNextCallRunsTheCodeTheDmaWroteAsOnQemu(@TempDir Path dir) throws IOException {
        ByteBuffer code = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        code.putInt(0xd2800040).putInt(0xd65f03c0);      // mov x0, #2; ret
        Path kernel = Files.write(dir.resolve("code.bin"), code.array());
        Path fw = Guest.firmware(PROGRAM);

        Guest.Run ours = Guest.run(fw, "", b -> b.kernel(kernel));
        assertThat(ours.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(ours.console().lines().toList())
                .containsExactly("0000000000000001", "0000000000000000", "0000000000000002");

        var qemu = Qemu.runVirt("-bios", fw.toString(), "-kernel", kernel.toString());
        assertThat(qemu.stdout()).isEqualTo(ours.console());
    }
}
