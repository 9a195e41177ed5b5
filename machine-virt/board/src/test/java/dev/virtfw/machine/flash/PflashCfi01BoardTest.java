package dev.virtfw.machine.flash;

import static dev.virtfw.machine.flash.CfiSpec.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a board relies on: the factories for QEMU's options, the change listeners, robustness. */
class PflashCfi01BoardTest {
    static final long BANK = FlashGeometry.VIRT_BANK_SIZE;
    static final long BLOCK = FlashGeometry.VIRT_SECTOR_SIZE;

    @TempDir
    Path dir;

    static void cmd(PflashCfi01 flash, long offset, int command) {
        flash.write(offset, 4, (long) command << 16 | command);
    }

    @Nested
    class Factories {
        @Test
        void firmwareIsLoadedAtZeroWithZerosAfterIt() throws Exception {
            Path bios = dir.resolve("bios.bin");
            Files.write(bios, new byte[] {0x11, 0x22, 0x33, 0x44, 0x55});
            try (PflashCfi01 flash = PflashCfi01.virtBankWithFirmware(bios)) {
                assertThat(flash.read(0, 8)).isEqualTo(0x55_4433_2211L);
                assertThat(flash.read(BANK - 4, 4)).isZero();
                cmd(flash, 0, CMD_BLOCK_ERASE);
                cmd(flash, 0, CMD_CONFIRM);
                assertThat(flash.read(0, 4)).as("bank 0 is writable, as in QEMU").isEqualTo(0x0080_0080L);
            }
            assertThat(Files.readAllBytes(bios)).containsExactly(0x11, 0x22, 0x33, 0x44, 0x55);
        }

        @Test
        void firmwareLargerThanTheBankIsRefused() throws IOException {
            Path bios = dir.resolve("huge.bin");
            try (RandomAccessFile f = new RandomAccessFile(bios.toFile(), "rw")) {
                f.setLength(BANK + 1);
            }
            assertThatThrownBy(() -> PflashCfi01.virtBankWithFirmware(bios))
                    .isInstanceOfSatisfying(FlashImageException.class,
                            e -> assertThat(e.reason()).isEqualTo(FlashImageException.Reason.WRONG_SIZE))
                    .hasMessageContaining("does not fit");
            assertThatThrownBy(() -> PflashCfi01.virtBankWithFirmware(dir.resolve("none.bin")))
                    .isInstanceOf(FlashImageException.class).hasMessageEndingWith("no such file");
        }

        @Test
        void aDriveImageMustBeExactly64MiB() throws IOException {
            Path image = dir.resolve("short.img");
            Files.write(image, new byte[4096]);
            assertThatThrownBy(() -> PflashCfi01.virtBank(image, false))
                    .isInstanceOfSatisfying(FlashImageException.class,
                            e -> assertThat(e.reason()).isEqualTo(FlashImageException.Reason.WRONG_SIZE));
        }

        @Test
        void noDriveMeansZeros() throws Exception {
            try (PflashCfi01 flash = PflashCfi01.virtBankWithoutDrive()) {
                assertThat(flash.array().byteSize()).isEqualTo(BANK);
                assertThat(flash.array().address() % 4096).isZero();
                assertThat(flash.read(0x100, 8)).isZero();
            }
        }
    }

    @Nested
    class ContentChanges {
        @Test
        void eachCompletedProgramOrEraseReportsItsRangeAndFailuresReportNothing() throws Exception {
            try (PflashCfi01 flash = PflashCfi01.virtBankWithoutDrive()) {
                List<String> changes = new ArrayList<>();
                flash.onContentChange((offset, length) -> changes.add(Long.toHexString(offset) + "+"
                        + Long.toHexString(length)));
                cmd(flash, BLOCK + 4, CMD_BLOCK_ERASE);
                cmd(flash, BLOCK + 4, CMD_CONFIRM);
                cmd(flash, 0, CMD_PROGRAM);
                flash.write(0x10, 2, 0);
                cmd(flash, BLOCK, CMD_WRITE_TO_BUFFER);
                cmd(flash, BLOCK, 0);
                flash.write(BLOCK + 0x1234, 4, 0);
                cmd(flash, BLOCK, CMD_CONFIRM);
                cmd(flash, 0, CMD_LOCK_SETUP);
                cmd(flash, 0, CMD_LOCK_BLOCK);
                cmd(flash, 0, CMD_PROGRAM);
                flash.write(0x10, 2, 0);                         // locked: refused
                assertThat(changes).containsExactly("40000+40000", "10+2", "41000+1000");
            }
        }
    }

    @Nested
    class Robustness {
        static final int[] COMMANDS = {0xFF, 0xF0, 0x00, 0x90, 0x98, 0x70, 0x50, 0x20, 0x28, 0xD0, 0x40, 0x10, 0xE8,
            0x60, 0x01, 0x2F, 0x03, 0x0F, 0x3FF, 0x400, 0xFFFF};
        static final int[] SIZES = {1, 2, 4, 8};

        static void randomAccesses(PflashCfi01 flash, long seed, int steps) {
            Random random = new Random(seed);
            boolean[] listenerView = {flash.inReadArrayMode()};
            flash.onModeChange(() -> listenerView[0] = !listenerView[0]);
            for (int i = 0; i < steps; i++) {
                int size = SIZES[random.nextInt(SIZES.length)];
                long offset = switch (random.nextInt(3)) {
                    case 0 -> random.nextInt(0x100) * (long) size;
                    case 1 -> BANK - size - random.nextInt(0x100) * (long) size;
                    default -> (random.nextLong() & Long.MAX_VALUE) % (BANK - size + 1);
                };
                long value = random.nextBoolean()
                        ? COMMANDS[random.nextInt(COMMANDS.length)] * 0x0001_0001_0001_0001L
                        : random.nextLong();
                if (random.nextInt(3) == 0) {
                    flash.read(offset, size);
                } else {
                    flash.write(offset, size, value);
                }
                assertThat(listenerView[0]).as("step %d", i).isEqualTo(flash.inReadArrayMode());
                assertThat(flash.inReadArrayMode()).isEqualTo(flash.mode() == PflashCfi01.Mode.READ_ARRAY);
            }
        }

        @Test
        void anyAccessSequenceIsAnsweredAndKeepsTheListenerInStep() throws Exception {
            try (PflashCfi01 flash = PflashCfi01.virtBankWithoutDrive()) {
                for (long seed = 0; seed < 8; seed++) {
                    randomAccesses(flash, seed, 5_000);
                }
            }
        }

        @Test
        void aReadOnlyImageNeverChangesWhateverTheGuestDoes() throws Exception {
            Path image = dir.resolve("ro.img");
            try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
                f.setLength(BANK);
                f.seek(BLOCK);
                f.write(new byte[] {1, 2, 3, 4});
            }
            try (PflashCfi01 flash = PflashCfi01.virtBank(image, true)) {
                List<long[]> changes = new ArrayList<>();
                flash.onContentChange((offset, length) -> changes.add(new long[] {offset, length}));
                randomAccesses(flash, 99, 20_000);
                assertThat(changes).isEmpty();
                assertThat(flash.array().get(ValueLayout.JAVA_INT_UNALIGNED, BLOCK)).isEqualTo(0x0403_0201);
                assertThat(flash.array().asSlice(0, BLOCK).mismatch(MemorySegment.ofArray(new byte[(int) BLOCK])))
                        .isEqualTo(-1);
            }
        }
    }
}
