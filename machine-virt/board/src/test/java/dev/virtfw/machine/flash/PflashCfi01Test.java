package dev.virtfw.machine.flash;

import static dev.virtfw.machine.flash.CfiSpec.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The device against the Intel command set and QEMU's virt configuration. */
class PflashCfi01Test {
    static final long BLOCK = FlashGeometry.VIRT_SECTOR_SIZE;
    static final ValueLayout.OfInt LE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    PflashCfi01 flash;

    @BeforeEach
    void open() {
        flash = new PflashCfi01(FlashGeometry.VIRT, new VolatileFlashStore(FlashGeometry.VIRT_BANK_SIZE));
    }

    @AfterEach
    void close() throws Exception {
        flash.close();
    }

    /** A command as a 32-bit bus write reaches both interleaved x16 devices. */
    void cmd32(long offset, int command) {
        flash.write(offset, 4, (long) command << 16 | command);
    }

    /** A command as U-Boot sends it to this bank (16-bit writes, it sees one x16 chip). */
    void cmd16(long offset, int command) {
        flash.write(offset, 2, command);
    }

    int status32() {
        return (int) flash.read(0, 4);
    }

    @Nested
    class Configuration {
        @Test
        void virtBankIsTwoInterleavedX16DevicesOf32MiB() {
            FlashGeometry g = FlashGeometry.VIRT;
            assertThat(g.bankSize()).isEqualTo(64L << 20);
            assertThat(g.blocks()).isEqualTo(256);
            assertThat(g.devices()).isEqualTo(2);
            assertThat(g.writeBufferBytes()).isEqualTo(4096);
            assertThat(g.writeBufferWords()).isEqualTo(1024);
        }

        @Test
        void resetStateIsReadArrayWithReadyStatus() {
            assertThat(flash.inReadArrayMode()).isTrue();
            assertThat(flash.status()).isEqualTo(SR_READY);
        }

        @Test
        void noFileBankReadsZeroLikeQemu() {
            assertThat(flash.read(0, 8)).isZero();
            assertThat(flash.read(FlashGeometry.VIRT_BANK_SIZE - 8, 8)).isZero();
        }
    }

    @Nested
    class CfiQuery {
        /** pflash_cfi01_fill_cfi_table for width 4, device-width 2, 256 blocks of 256 KiB (one device's view). */
        static final int[] EXPECTED_0X10_TO_0X3F = {
            'Q', 'R', 'Y', 0x01, 0x00, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x45, 0x55, 0x00, 0x00, 0x07,
            0x07, 0x0A, 0x00, 0x04, 0x04, 0x04, 0x00, 0x19, 0x02, 0x00, 0x0B, 0x00, 0x01, 0xFF, 0x00, 0x00,
            0x02, 'P', 'R', 'I', '1', '0', 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
        };

        @Test
        void everyEntryIsReplicatedInBothDevicesLanes() {
            cmd32(0x55 * 4, CMD_CFI_QUERY);
            for (int i = 0; i < EXPECTED_0X10_TO_0X3F.length; i++) {
                long expected = EXPECTED_0X10_TO_0X3F[i];
                assertThat(flash.read((0x10L + i) * 4, 4)).as("CFI 0x%x", 0x10 + i)
                        .isEqualTo(expected << 16 | expected);
            }
        }

        @Test
        void narrowReadsReturnTheLowLanesOfTheAddressedWord() {
            cmd16(0x154, CMD_CFI_QUERY);
            assertThat(flash.read(0x40, 2)).isEqualTo('Q');
            assertThat(flash.read(0x42, 2)).isEqualTo('Q');
            assertThat(flash.read(0x44, 1)).isEqualTo('R');
        }

        @Test
        void beyondTheTableReadsZero() {
            cmd32(0, CMD_CFI_QUERY);
            assertThat(flash.read(0x0F * 4, 4)).isZero();
            assertThat(flash.read(0x52L * 4, 4)).isZero();
            assertThat(flash.read(0x1000, 4)).isZero();
        }

        @Test
        void readArrayLeavesQueryMode() {
            cmd32(0, CMD_CFI_QUERY);
            assertThat(flash.inReadArrayMode()).isFalse();
            cmd32(0, CMD_READ_ARRAY);
            assertThat(flash.inReadArrayMode()).isTrue();
            assertThat(flash.read(0x40, 4)).isZero();
        }
    }

    @Nested
    class ReadIdentifier {
        @Test
        void manufacturerAndDeviceCodes() {
            cmd32(0, CMD_READ_ID);
            assertThat(flash.read(0, 4)).isEqualTo(0x0089_0089L);
            assertThat(flash.read(4, 4)).isEqualTo(0x0018_0018L);
            assertThat(flash.read(4, 2)).isEqualTo(0x0018);
        }

        @Test
        void blockLockStatusAtWordTwoOfEachBlock() {
            cmd32(3 * BLOCK, CMD_LOCK_SETUP);
            cmd32(3 * BLOCK, CMD_LOCK_BLOCK);
            cmd32(0, CMD_READ_ID);
            assertThat(flash.read(2 * BLOCK + 8, 4)).isZero();
            assertThat(flash.read(3 * BLOCK + 8, 4)).isEqualTo(0x0001_0001L);
            assertThat(flash.read(3 * BLOCK + 0x20008, 2)).as("U-Boot's 128 KiB sector view").isEqualTo(1);
        }

        @Test
        void onlyTheLowEightWordAddressBitsAreDecodedAsQemuDoes() {
            cmd32(0, CMD_READ_ID);
            assertThat(flash.read(0x100 * 4, 4)).isEqualTo(0x0089_0089L);
            assertThat(flash.read(3 * 4, 4)).isZero();
        }
    }

    @Nested
    class StatusRegister {
        @Test
        void readStatusShowsReadyInEveryDevice() {
            cmd32(0, CMD_READ_STATUS);
            assertThat(flash.read(0x1234, 4)).isEqualTo(0x0080_0080L);
            assertThat(flash.read(0, 2)).isEqualTo(0x80);
            assertThat(flash.read(0, 8)).isEqualTo(0x0080_0080_0080_0080L);
        }

        @Test
        void clearStatusClearsErrorsButNotReadyAndReturnsToReadArray() {
            cmd32(0, CMD_BLOCK_ERASE);
            cmd32(0, 0x33);
            assertThat(status32()).isEqualTo(0x00B0_00B0);
            cmd32(0, CMD_CLEAR_STATUS);
            assertThat(flash.inReadArrayMode()).isTrue();
            cmd32(0, CMD_READ_STATUS);
            assertThat(status32()).isEqualTo(0x0080_0080);
        }
    }

    @Nested
    class BlockErase {
        @Test
        void eraseSetsTheWholeBlockAndOnlyItToOnes() {
            for (long block = 0; block < 3; block++) {
                eraseBlock(block * BLOCK);
            }
            program32(BLOCK - 4, 0x1111_1111);
            program32(BLOCK, 0x2222_2222);
            program32(2 * BLOCK - 4, 0x3333_3333);
            program32(2 * BLOCK, 0x4444_4444);
            cmd32(BLOCK + 0x1000, CMD_BLOCK_ERASE);
            cmd32(BLOCK + 0x1000, CMD_CONFIRM);
            assertThat(status32()).isEqualTo(0x0080_0080);
            cmd32(0, CMD_READ_ARRAY);
            assertThat(flash.read(BLOCK - 4, 4)).isEqualTo(0x1111_1111L);
            assertThat(flash.read(BLOCK, 4)).isEqualTo(0xFFFF_FFFFL);
            assertThat(flash.read(2 * BLOCK - 4, 4)).isEqualTo(0xFFFF_FFFFL);
            assertThat(flash.read(2 * BLOCK, 4)).isEqualTo(0x4444_4444L);
        }

        @Test
        void nothingIsErasedBeforeTheConfirm() {
            eraseBlock(0);
            program32(0, 0x1234_5678);
            cmd32(0, CMD_BLOCK_ERASE);
            cmd32(0, CMD_READ_ARRAY);
            assertThat(flash.read(0, 4)).isEqualTo(0x1234_5678L);
        }

        @Test
        void aSecondCycleOtherThanConfirmIsACommandSequenceError() {
            eraseBlock(0);
            program32(0, 0x1234_5678);
            cmd32(0, CMD_BLOCK_ERASE);
            cmd32(0, CMD_PROGRAM);
            assertThat(status32()).isEqualTo(0x00B0_00B0);
            assertThat(flash.mode()).isEqualTo(PflashCfi01.Mode.READ_STATUS);
            cmd32(0, CMD_READ_ARRAY);
            assertThat(flash.read(0, 4)).isEqualTo(0x1234_5678L);
        }

        @Test
        void eraseOfALockedBlockFailsWithBlockLocked() {
            eraseBlock(0);
            program32(0, 0x1234_5678);
            cmd32(0, CMD_LOCK_SETUP);
            cmd32(0, CMD_LOCK_BLOCK);
            cmd32(0, CMD_BLOCK_ERASE);
            cmd32(0, CMD_CONFIRM);
            assertThat(status32()).isEqualTo(0x00A2_00A2);
            cmd32(0, CMD_CLEAR_STATUS);
            cmd32(0, CMD_LOCK_SETUP);
            cmd32(0, CMD_CONFIRM);
            cmd32(0, CMD_BLOCK_ERASE);
            cmd32(0, CMD_CONFIRM);
            assertThat(status32()).isEqualTo(0x0080_0080);
            cmd32(0, CMD_READ_ARRAY);
            assertThat(flash.read(0, 4)).isEqualTo(0xFFFF_FFFFL);
        }
    }

    void program32(long offset, int value) {
        cmd32(offset, CMD_PROGRAM);
        flash.write(offset, 4, Integer.toUnsignedLong(value));
        cmd32(offset, CMD_READ_ARRAY);
    }

    void eraseBlock(long offset) {
        cmd32(offset, CMD_BLOCK_ERASE);
        cmd32(offset, CMD_CONFIRM);
        cmd32(offset, CMD_READ_ARRAY);
    }

    @Nested
    class WordProgram {
        @Test
        void programOnlyClearsBits() {
            eraseBlock(0);
            program32(0x100, 0xF0F0_FF00);
            program32(0x100, 0x3C3C_0FFF);
            assertThat(flash.read(0x100, 4)).isEqualTo(0x3030_0F00L);
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 2, 4})
        void programOfEachWidthTouchesOnlyItsBytes(int size) {
            eraseBlock(0);
            cmd16(0x40, CMD_PROGRAM_ALT);
            flash.write(0x40, size, 0x1122_3344L & ((1L << (8 * size)) - 1));
            assertThat(flash.read(0x40, 2)).isEqualTo(0x80);
            cmd16(0x40, CMD_READ_ARRAY);
            long expected = (0x1122_3344L | (-1L << (8 * size))) & 0xFFFF_FFFFL;
            assertThat(flash.read(0x40, 4)).isEqualTo(expected);
            assertThat(flash.read(0x44, 4)).isEqualTo(0xFFFF_FFFFL);
        }

        @Test
        void programOfALockedBlockFailsAndChangesNothing() {
            eraseBlock(0);
            cmd32(0, CMD_LOCK_SETUP);
            cmd32(0, CMD_LOCK_DOWN);
            cmd32(0x10, CMD_PROGRAM);
            flash.write(0x10, 4, 0);
            assertThat(status32()).isEqualTo(0x0092_0092);
            cmd32(0, CMD_READ_ARRAY);
            assertThat(flash.read(0x10, 4)).isEqualTo(0xFFFF_FFFFL);
        }
    }

    @Nested
    class WriteToBuffer {
        /** U-Boot 2023.01 on this bank (it sees one x16 chip, 2048-byte buffer): one chunk, as QEMU's trace shows. */
        int ubootChunk(long sector, long dest, byte[] data) {
            cmd16(sector, CMD_CLEAR_STATUS);
            cmd16(sector, CMD_READ_STATUS);
            cmd16(sector, CMD_WRITE_TO_BUFFER);
            assertThat(flash.read(sector, 2)).as("ready for buffer").isEqualTo(SR_READY);
            int words = data.length / 2;
            flash.write(sector, 2, words - 1);
            for (int i = 0; i < words; i++) {
                flash.write(dest + 2L * i, 2, (data[2 * i] & 0xFF) | (data[2 * i + 1] & 0xFF) << 8);
            }
            cmd16(sector, CMD_CONFIRM);
            int status = (int) flash.read(sector, 2);
            cmd16(sector, CMD_READ_ARRAY);
            return status;
        }

        @Test
        void ubootSaveenvChunksAllSucceedAcrossTheWholeEnvironment() {
            eraseBlock(0);
            byte[] env = new byte[256 << 10];
            new Random(6).nextBytes(env);
            for (int chunk = 0; chunk < env.length / 2048; chunk++) {
                byte[] part = java.util.Arrays.copyOfRange(env, chunk * 2048, chunk * 2048 + 2048);
                long dest = chunk * 2048L;
                long sector = dest & -(128L << 10);     // U-Boot's sector: 128 KiB
                assertThat(ubootChunk(sector, dest, part)).as("chunk %d", chunk).isEqualTo(SR_READY);
            }
            byte[] back = new byte[env.length];
            java.lang.foreign.MemorySegment.copy(flash.array(), ValueLayout.JAVA_BYTE, 0, back, 0, back.length);
            assertThat(back).isEqualTo(env);
        }

        @Test
        void thirtyTwoBitBusWritesFillTheWholeBankLevelBuffer() {
            eraseBlock(BLOCK);
            long window = BLOCK + 0x3000;
            cmd32(BLOCK, CMD_WRITE_TO_BUFFER);
            assertThat(status32()).isEqualTo(0x0080_0080);
            flash.write(BLOCK, 4, 0x03FF_03FFL);
            for (int i = 0; i < 1024; i++) {
                flash.write(window + 4L * i, 4, 0xA500_0000L | i);
            }
            cmd32(BLOCK, CMD_CONFIRM);
            assertThat(status32()).isEqualTo(0x0080_0080);
            cmd32(0, CMD_READ_ARRAY);
            assertThat(flash.read(window, 4)).isEqualTo(0xA500_0000L);
            assertThat(flash.read(window + 4092, 4)).isEqualTo(0xA500_03FFL);
            assertThat(flash.read(window - 4, 4)).isEqualTo(0xFFFF_FFFFL);
            assertThat(flash.read(window + 4096, 4)).isEqualTo(0xFFFF_FFFFL);
        }

        @Test
        void aPartialBufferProgramsOnlyTheWrittenBytesAndAndsThem() {
            eraseBlock(0);
            program32(0x808, 0x0F0F_0F0F);
            cmd32(0, CMD_WRITE_TO_BUFFER);
            flash.write(0, 4, 0x0001_0001L);          // two bus writes
            flash.write(0x804, 4, 0x1234_5678L);
            flash.write(0x808, 4, 0xFFFF_00FFL);
            cmd32(0, CMD_CONFIRM);
            assertThat(status32()).isEqualTo(0x0080_0080);
            cmd32(0, CMD_READ_ARRAY);
            assertThat(flash.read(0x800, 4)).isEqualTo(0xFFFF_FFFFL);
            assertThat(flash.read(0x804, 4)).isEqualTo(0x1234_5678L);
            assertThat(flash.read(0x808, 4)).isEqualTo(0x0F0F_000FL);
            assertThat(flash.read(0x80C, 4)).isEqualTo(0xFFFF_FFFFL);
        }

        @Test
        void aCountAboveTheBufferIsACommandSequenceError() {
            cmd32(0, CMD_WRITE_TO_BUFFER);
            flash.write(0, 4, 0x0400_0400L);
            assertThat(status32()).isEqualTo(0x00B0_00B0);
            assertThat(flash.mode()).isEqualTo(PflashCfi01.Mode.READ_STATUS);
        }

        @Test
        void dataOutsideTheWindowFailsTheWholeBufferWithProgramError() {
            eraseBlock(0);
            cmd32(0, CMD_WRITE_TO_BUFFER);
            flash.write(0, 4, 0x0001_0001L);
            flash.write(0xFFC, 4, 0);
            flash.write(0x1000, 4, 0);               // next window
            cmd32(0, CMD_CONFIRM);
            assertThat(status32()).isEqualTo(0x0090_0090);
            cmd32(0, CMD_READ_ARRAY);
            assertThat(flash.read(0xFFC, 4)).isEqualTo(0xFFFF_FFFFL);
        }

        @Test
        void dataInAnotherBlockThanTheCommandFails() {
            eraseBlock(BLOCK);
            cmd32(0, CMD_WRITE_TO_BUFFER);
            flash.write(0, 4, 0);
            flash.write(BLOCK, 4, 0);
            cmd32(0, CMD_CONFIRM);
            assertThat(status32()).isEqualTo(0x0090_0090);
        }

        @Test
        void aMissingConfirmAbandonsTheBuffer() {
            eraseBlock(0);
            cmd32(0, CMD_WRITE_TO_BUFFER);
            flash.write(0, 4, 0);
            flash.write(0x10, 4, 0);
            cmd32(0, CMD_READ_ARRAY);                 // instead of 0xD0
            assertThat(status32()).isEqualTo(0x00B0_00B0);
            cmd32(0, CMD_READ_ARRAY);
            assertThat(flash.read(0x10, 4)).isEqualTo(0xFFFF_FFFFL);
        }

        @Test
        void statusShowsWhileTheBufferIsLoaded() {
            cmd32(0, CMD_WRITE_TO_BUFFER);
            assertThat(flash.read(0, 4)).isEqualTo(0x0080_0080L);
            flash.write(0, 4, 0x0001_0001L);
            assertThat(flash.read(0, 4)).isEqualTo(0x0080_0080L);
            flash.write(0x20, 4, 0);
            assertThat(flash.read(0, 4)).isEqualTo(0x0080_0080L);
        }
    }

    @Nested
    class BusAccess {
        @Test
        void anEightByteAccessEqualsTwoFourByteAccessesLowerFirst() throws Exception {
            PflashCfi01 split = new PflashCfi01(FlashGeometry.VIRT, new VolatileFlashStore(FlashGeometry.VIRT_BANK_SIZE));
            try (split) {
                Random random = new Random(42);
                int[] commands = {0xFF, 0x90, 0x98, 0x70, 0x50, 0x20, 0xD0, 0x40, 0xE8, 0x60, 0x01, 0x00, 0x07};
                for (int step = 0; step < 20_000; step++) {
                    long offset = (random.nextInt(4) * BLOCK) + random.nextInt(0x400) * 8L;
                    long value = random.nextBoolean()
                            ? commands[random.nextInt(commands.length)] * 0x0001_0001_0001_0001L
                            : random.nextLong();
                    if (random.nextInt(3) == 0) {
                        value = (value & ~0xFFFFL) | random.nextInt(4);   // small buffer counts
                    }
                    if (random.nextBoolean()) {
                        flash.write(offset, 8, value);
                        split.write(offset, 4, value & 0xFFFF_FFFFL);
                        split.write(offset + 4, 4, value >>> 32);
                    } else {
                        long whole = flash.read(offset, 8);
                        long low = split.read(offset, 4);
                        long high = split.read(offset + 4, 4);
                        assertThat(whole).as("step %d", step).isEqualTo(low | high << 32);
                    }
                }
                assertThat(flash.array().mismatch(split.array())).isEqualTo(-1);
            }
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 3, 5, 16, -1})
        void badSizesAreRefused(int size) {
            assertThatThrownBy(() -> flash.read(0, size)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> flash.write(0, size, 0)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void accessesMustLieInsideTheBank() {
            long end = FlashGeometry.VIRT_BANK_SIZE;
            assertThat(flash.read(end - 8, 8)).isZero();
            assertThatThrownBy(() -> flash.read(end - 4, 8)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> flash.read(-1, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> flash.write(Long.MAX_VALUE, 4, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class ModeChanges {
        @Test
        void listenersRunOnlyWhenReadArrayModeIsEnteredOrLeft() {
            List<Boolean> seen = new ArrayList<>();
            flash.onModeChange(() -> seen.add(flash.inReadArrayMode()));
            cmd32(0, CMD_READ_ARRAY);                // no change
            cmd32(0, CMD_READ_STATUS);               // leaves
            cmd32(0, CMD_READ_ID);                   // still not array
            cmd32(0, CMD_CFI_QUERY);
            cmd32(0, CMD_READ_ARRAY);                // enters
            cmd32(0, CMD_PROGRAM);                   // leaves
            flash.write(0, 4, 0);                    // programs, stays in status
            cmd32(0, CMD_CLEAR_STATUS);              // enters
            assertThat(seen).containsExactly(false, true, false, true);
        }

        @Test
        void resetReturnsToReadArrayAndUnlocks() {
            cmd32(0, CMD_LOCK_SETUP);
            cmd32(0, CMD_LOCK_BLOCK);
            flash.reset();
            assertThat(flash.inReadArrayMode()).isTrue();
            cmd32(0, CMD_READ_ID);
            assertThat(flash.read(8, 4)).isZero();
        }
    }
}
