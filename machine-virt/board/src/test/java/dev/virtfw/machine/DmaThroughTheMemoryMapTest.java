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
    static final String PROGRAM = """
// DMA READ of the signature "QEMU" (key 0) to places that are not (only) RAM; prints control and RAM.
#define DESC 0x40002000
        // case A: to the PL011 data register, length 4
        ldr x1, =DESC
        ldr w2, =0x0a001100      // SELECT|READ key 0x11 (BE)
        str w2, [x1]
        ldr w2, =0x04000000      // length 4
        str w2, [x1, #4]
        ldr x2, =0x0000000900000000 // 0x09000000 BE
        str x2, [x1, #8]
        bl go
        // case C: 8 bytes at 0x3ffffffc: 4 outside RAM, 4 at 0x40000000
        ldr x1, =0x40000000
        str xzr, [x1]
        ldr x1, =DESC
        ldr w2, =0x0a001100
        str w2, [x1]
        ldr w2, =0x08000000
        str w2, [x1, #4]
        ldr x2, =0xfcffff3f00000000 // 0x3ffffffc BE
        str x2, [x1, #8]
        bl go
        ldr x1, =0x40000000
        ldr x0, [x1]
        bl print_hex
        // case E: 8 bytes to the flash at 0x100 (ROM device)
        ldr x1, =DESC
        ldr w2, =0x0a001100
        str w2, [x1]
        ldr w2, =0x08000000
        str w2, [x1, #4]
        ldr x2, =0x0001000000000000 // 0x100 BE
        str x2, [x1, #8]
        bl go
        ldr x1, =0x100
        ldr x0, [x1]
        bl print_hex
        // case F: 8 bytes to the virtio-mmio transport 0 (0x0a000070: status reg)
        ldr x1, =DESC
        ldr w2, =0x0a001100
        str w2, [x1]
        ldr w2, =0x08000000
        str w2, [x1, #4]
        ldr x2, =0x7000000a00000000 // 0x0a000070 BE
        str x2, [x1, #8]
        bl go
        bl power_off
go:     mov x20, x30
        ldr x3, =0x09020010
        rev x4, x1
        str x4, [x3]
        ldr w0, [x1]
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
                "0000000000000100",
                "0000000000000000");     // into a virtio-mmio transport: control 0
        assertThat(Qemu.runVirt("-bios", fw.toString(), "-kernel", item.toString()).stdout()).isEqualTo(ours.console());
    }
}
