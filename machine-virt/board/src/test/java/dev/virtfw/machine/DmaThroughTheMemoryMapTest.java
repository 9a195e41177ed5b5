package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fw_cfg DMA READ sends each byte where the memory map sends it, as QEMU's address_space_write
 * does: to the PL011's data register (a 4-byte device write: "A" is printed, no ERROR), to RAM even
 * when the target starts at an unassigned address (the RAM part lands, ERROR), to the flash and to
 * a virtio-mmio transport (their write handlers, no ERROR). Each line is compared with QEMU 7.2's.
 */
class DmaThroughTheMemoryMapTest {
    /** DMA READs of the 16-byte KERNEL_DATA item to places that are not (only) RAM; prints each control word. */
    static final String PROGRAM = """
                    ldr x0, =0x09000000          // the PL011 data register, 4 bytes
                    mov x1, #4
                    bl read_to
                    ldr x1, =0x40000000
                    str xzr, [x1]
                    ldr x0, =0x3ffffffc          // 4 unassigned bytes, then 4 of RAM
                    mov x1, #8
                    bl read_to
                    ldr x1, =0x40000000
                    ldr x0, [x1]                 // what landed in RAM
                    bl print_hex
                    mov x0, #0x100               // the flash in read-array mode
                    mov x1, #8
                    bl read_to
                    ldr x0, =0x0a000070          // virtio-mmio transport 0
                    mov x1, #8
                    bl read_to
                    bl power_off
                // read_to: SELECT|READ of KERNEL_DATA (key 0x11), x1 bytes to address x0; prints the control word
                read_to:
                    mov x20, x30
                    ldr x2, =0x40002000          // the descriptor, big-endian fields
                    ldr w3, =0x0011000a
                    rev w3, w3
                    str w3, [x2]
                    rev w1, w1
                    str w1, [x2, #4]
                    rev x0, x0
                    str x0, [x2, #8]
                    ldr x3, =0x09020010
                    rev x4, x2
                    str x4, [x3]
                    ldr w0, [x2]
                    rev w0, w0
                    bl print_hex
                    mov x30, x20
                    ret
                    .ltorg
            """;

    @Test
    void everyByteGoesWhereQemuSendsIt(@TempDir Path dir) throws IOException {
        Path item = Files.writeString(dir.resolve("item"), "ABCDEFGHIJKLMNOP", StandardCharsets.US_ASCII);
        Path fw = Guest.firmware(PROGRAM);
        Guest.Run ours = Guest.run(fw, "", b -> b.kernel(item));
        assertThat(ours.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(ours.console().lines().toList()).containsExactly(
                "A0000000000000000",     // PL011 printed "A"; control 0
                "0000000000000001",      // starts 4 bytes below RAM: ERROR
                "0000000048474645",      // ... but "EFGH" landed at the start of RAM
                "0000000000000000",      // into the flash: control 0
                "0000000000000000");     // into a virtio-mmio transport: control 0
        assertThat(Qemu.runVirt("-bios", fw.toString(), "-kernel", item.toString()).stdout()).isEqualTo(ours.console());
    }
}
