package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.flash.FlashGeometry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flash banks on the real engine: a bank's array is mapped while it reads as an array, guest
 * stores reach the CFI device exactly once (with their address writeback), a bank routed to its
 * device answers every mode, and code runs from a bank again after it returns to read-array mode,
 * including code the guest itself programmed.
 */
class FlashBankMappingTest {
    static final long BANK1 = VirtMachine.FLASH_BASE + VirtMachine.FLASH_BANK_SIZE;

    @TempDir
    Path dir;

    /** A 64 MiB image whose 32-bit words at the given byte offsets hold the given values. */
    Path image(String name, long[] offsetsAndValues) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(FlashGeometry.VIRT_BANK_SIZE);
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            for (int i = 0; i < offsetsAndValues.length; i += 2) {
                ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                b.putInt(0, (int) offsetsAndValues[i + 1]);
                ch.write(b, offsetsAndValues[i]);
            }
        }
        return p;
    }

    static Guest.Run run(String source, Path bank1) {
        return Guest.run(Guest.firmware(source), "", b -> b.flashDrive(new FlashDrive(1, bank1, false, false)));
    }

    @Test
    void aStoreWithWritebackReachesTheDeviceOnceAndTheBankAnswersInEachMode() throws IOException {
        Path bank1 = image("b1.img", new long[] {0, 0x1122_3344L, 4, 0x5566_7788L});
        var run = run("""
                    ldr x9, =0x04000000
                    mov x10, x9
                    ldr w0, [x9]                 // read-array: the image
                    bl print_hex
                    ldr w1, =0x00900090          // Read Identifier, both devices
                    str w1, [x10], #4            // post-indexed: x10 moves on only if the store ran
                    sub x0, x10, x9
                    bl print_hex
                    ldr w0, [x9]                 // manufacturer code in each lane
                    bl print_hex
                    ldr w0, [x9, #4]             // device code
                    bl print_hex
                    ldr w1, =0x00ff00ff          // Read Array
                    str w1, [x9]
                    ldr x0, [x9]                 // both words again, one 8-byte load
                    bl print_hex
                    b power_off
                """, bank1);
        assertThat(run.console()).isEqualTo("""
                0000000011223344
                0000000000000004
                0000000000890089
                0000000000180018
                5566778811223344
                """);
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
    }

    @Test
    void fetchingFromABankThatShowsItsStatusIsOneClearGuestFault() {
        var run = Guest.run(Guest.firmware("""
                    mov x8, #0
                    ldr w1, =0x00700070          // Read Status on bank 0, which this code runs from
                    str w1, [x8]
                    nop
                    b power_off
                """));
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.GUEST_FAULT);
        assertThat(run.result().message()).contains("instruction fetch from flash bank 0", "READ_STATUS")
                .doesNotContain("\n");
    }

    @Test
    void aReadArrayCommandFromCodeInTheSameBankIsPerformedAndTheCodeGoesOn() {
        var run = Guest.run(Guest.firmware("""
                    mov x8, #0x1000
                    ldr w1, =0x00ff00ff
                    str w1, [x8]
                    strh w1, [x8, #2]
                    stur w1, [x8, #-4]
                    adr x0, msg
                    bl puts
                    b power_off
                msg: .asciz "still running\\n"
                    .balign 4
                """));
        assertThat(run.console()).isEqualTo("still running\n");
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
    }

    @Test
    void aStoreWithWritebackFromCodeInTheSameBankIsOneClearGuestFault() {
        var run = Guest.run(Guest.firmware("""
                    mov x8, #0x1000
                    ldr w1, =0x00ff00ff
                    str w1, [x8], #4
                    b power_off
                """));
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.GUEST_FAULT);
        assertThat(run.result().message()).contains("base writeback", "flash bank 0", "run flash commands from RAM")
                .doesNotContain("\n");
    }

    @Test
    void singleStoresWithoutWritebackAreRecognisedByTheirEncoding() {
        // str w1,[x8]; strb w1,[x8,#3]; strh w1,[x8,x2]; stur x1,[x8,#-4] (encodings from GNU as)
        assertThat(List.of(0xb9000101, 0x39000d01, 0x78226901, 0xf81fc101))
                .allMatch(Board::isSingleStoreWithoutWriteback);
        // str w1,[x8],#4; str w1,[x8,#4]!; stp w1,w2,[x8]; ldr w1,[x8]; str s0,[x8]; sttr w1,[x8]
        assertThat(List.of(0xb8004501, 0xb8004d01, 0x29000901, 0xb9400101, 0xbd000100, 0xb8000901))
                .noneMatch(Board::isSingleStoreWithoutWriteback);
    }

    @Test
    void codeRunsFromBankZeroAgainAfterACommandSequenceIssuedFromRam() {
        // Copies a routine to RAM that puts bank 0 in Read Identifier mode, reads the device code,
        // gives Read Array and returns into bank 0.
        var run = Guest.run(Guest.firmware("""
                    adr x1, routine
                    adr x2, routine_end
                    ldr x3, =0x40100000
                    mov x4, x3
                1:  ldr w5, [x1], #4
                    str w5, [x4], #4
                    cmp x1, x2
                    b.lo 1b
                    blr x3
                    bl print_hex                 // x0 from the routine
                    adr x0, back
                    bl puts
                    b power_off
                routine:
                    mov x8, #0
                    ldr w1, =0x00900090
                    str w1, [x8]
                    ldr w0, [x8, #4]
                    ldr w1, =0x00ff00ff
                    str w1, [x8]
                    ret
                    .ltorg
                routine_end:
                back: .asciz "running from flash again\\n"
                    .balign 4
                """));
        assertThat(run.console()).isEqualTo("0000000000180018\nrunning from flash again\n");
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
    }

    @Test
    void codeTheGuestProgramsIntoFlashRunsInsteadOfTheOldCode() throws IOException {
        // Bank 1 starts with "mov w0, #1; ret"; the guest runs it, erases the block, programs
        // "mov w0, #2; ret" word by word, and runs it again: translated code of the old routine
        // must not survive the program.
        long movW0One = 0x5280_0020L;
        long ret = 0xD65F_03C0L;
        Path bank1 = image("code.img", new long[] {0, movW0One, 4, ret});
        var run = run("""
                    ldr x9, =0x04000000
                    blr x9
                    bl print_hex
                    // Block Erase, confirm, wait for SR.7 in both devices, Read Array
                    ldr w1, =0x00200020
                    str w1, [x9]
                    ldr w1, =0x00d000d0
                    str w1, [x9]
                    bl wait_ready
                    // Word Program of each instruction
                    ldr w11, =0x52800040         // mov w0, #2
                    mov x12, x9
                    bl program_word
                    ldr w11, =0xd65f03c0         // ret
                    add x12, x9, #4
                    bl program_word
                    ldr w1, =0x00ff00ff
                    str w1, [x9]
                    blr x9
                    bl print_hex
                    b power_off
                program_word:
                    ldr w1, =0x00400040
                    str w1, [x12]
                    str w11, [x12]
                wait_ready:
                    ldr w1, [x9]
                    ldr w2, =0x00800080
                    and w1, w1, w2
                    cmp w1, w2
                    b.ne wait_ready
                    ret
                """, bank1);
        assertThat(run.console()).isEqualTo("0000000000000001\n0000000000000002\n");
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
    }

    @Test
    void longReadsThroughTheDeviceAgreeWithTheArrayAcrossTheSwitchBack() throws IOException {
        // The bank is routed to its device by a command, then 4 MiB are summed with 8-byte loads:
        // the board maps the array again part way through (after 1 MiB of reads); both halves of
        // the sum must see the image.
        long words = 1 << 20;
        long[] pattern = new long[(int) (2 * words / 1024)];
        long expected = 0;
        for (int i = 0; i < pattern.length; i += 2) {
            long offset = (long) i / 2 * 4096;          // one word per 4 KiB page, the rest zero
            pattern[i] = offset;
            pattern[i + 1] = offset / 4096 + 1;
        }
        for (int i = 0; i < pattern.length; i += 2) {
            expected += pattern[i + 1];
        }
        Path bank1 = image("sum.img", pattern);
        var run = run("""
                    ldr x9, =0x04000000
                    ldr w1, =0x00700070          // Read Status, then Read Array: routed to the device
                    str w1, [x9]
                    ldr w1, =0x00ff00ff
                    str w1, [x9]
                    mov x10, x9
                    add x11, x9, #0x400000
                    mov x0, #0
                1:  ldr x2, [x10], #8
                    add x0, x0, x2
                    cmp x10, x11
                    b.lo 1b
                    bl print_hex
                    b power_off
                """, bank1);
        assertThat(run.console()).isEqualTo(String.format("%016x%n", expected));
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
    }
}
