package dev.virtfw.machine.flash;

import static dev.virtfw.machine.flash.CfiSpec.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Image files: QEMU's size rule, write-through of completed changes, the journal's crash recovery. */
class JournaledFlashImageTest {
    static final long BANK = FlashGeometry.VIRT_BANK_SIZE;
    static final long BLOCK = FlashGeometry.VIRT_SECTOR_SIZE;

    @TempDir
    Path dir;

    Path image(String name) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(BANK);
        }
        return p;
    }

    static byte[] bytesAt(Path file, long offset, int length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[length];
            f.seek(offset);
            f.readFully(b);
            return b;
        }
    }

    static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Nested
    class Opening {
        @Test
        void aFileOfAnotherSizeIsRefusedWithTheSizesNamed() throws IOException {
            Path small = dir.resolve("small.img");
            Files.write(small, new byte[1 << 20]);
            assertThatThrownBy(() -> JournaledFlashImage.open(small, BANK, false))
                    .isInstanceOfSatisfying(FlashImageException.class, e -> {
                        assertThat(e.reason()).isEqualTo(FlashImageException.Reason.WRONG_SIZE);
                        assertThat(e.image()).isEqualTo(small);
                    })
                    .hasMessageContaining("1048576 bytes").hasMessageContaining("67108864 bytes")
                    .hasMessageNotContaining("\n");
        }

        @Test
        void aMissingFileIsRefused() {
            Path missing = dir.resolve("missing.img");
            assertThatThrownBy(() -> JournaledFlashImage.open(missing, BANK, false))
                    .isInstanceOfSatisfying(FlashImageException.class,
                            e -> assertThat(e.reason()).isEqualTo(FlashImageException.Reason.IO))
                    .hasMessage(missing + ": no such file");
        }

        @Test
        void theContentsComeFromTheFile() throws Exception {
            Path p = image("content.img");
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.seek(BANK - 4);
                f.write(new byte[] {1, 2, 3, 4});
            }
            try (PflashCfi01 flash = new PflashCfi01(FlashGeometry.VIRT, JournaledFlashImage.open(p, BANK, false))) {
                assertThat(flash.read(BANK - 4, 4)).isEqualTo(0x0403_0201L);
                assertThat(flash.array().address() % 4096).isZero();
            }
        }

        @Test
        void aSecondWriterOfTheSameImageIsRefused() throws Exception {
            Path p = image("shared.img");
            try (JournaledFlashImage first = JournaledFlashImage.open(p, BANK, false)) {
                assertThatThrownBy(() -> JournaledFlashImage.open(p, BANK, false))
                        .isInstanceOfSatisfying(FlashImageException.class,
                                e -> assertThat(e.reason()).isEqualTo(FlashImageException.Reason.IN_USE));
                assertThat(first.writable()).isTrue();
            }
            JournaledFlashImage.open(p, BANK, false).close();
        }

        @Test
        void aCleanCloseLeavesNoJournal() throws Exception {
            Path p = image("clean.img");
            JournaledFlashImage.open(p, BANK, false).close();
            assertThat(JournaledFlashImage.journalOf(p)).doesNotExist();
        }
    }

    @Nested
    class WriteThrough {
        @ParameterizedTest
        @EnumSource(JournaledFlashImage.Durability.class)
        void eachCompletedProgramAndEraseIsInTheFileAtOnce(JournaledFlashImage.Durability durability) throws Exception {
            Path p = image("through-" + durability + ".img");
            try (PflashCfi01 flash = new PflashCfi01(FlashGeometry.VIRT,
                    JournaledFlashImage.open(p, BANK, false, durability))) {
                flash.write(BLOCK, 4, 0x0020_0020);
                flash.write(BLOCK, 4, 0x00D0_00D0);
                assertThat(bytesAt(p, BLOCK, (int) BLOCK)).isEqualTo(filled((int) BLOCK, 0xFF));
                assertThat(bytesAt(p, BLOCK - 1, 1)).containsExactly(0);

                flash.write(BLOCK + 8, 4, 0x0040_0040);
                flash.write(BLOCK + 8, 2, 0x1234);
                assertThat(bytesAt(p, BLOCK + 8, 4)).containsExactly(0x34, 0x12, 0xFF, 0xFF);

                flash.write(BLOCK, 2, CMD_WRITE_TO_BUFFER);
                flash.write(BLOCK, 2, 1);
                flash.write(BLOCK + 0x100, 2, 0xBBAA);
                assertThat(bytesAt(p, BLOCK + 0x100, 2)).as("not before the confirm").containsExactly(0xFF, 0xFF);
                flash.write(BLOCK + 0x102, 2, 0xDDCC);
                flash.write(BLOCK, 2, CMD_CONFIRM);
                assertThat(bytesAt(p, BLOCK + 0x100, 4)).containsExactly(0xAA, 0xBB, 0xCC, 0xDD);
            }
            assertThat(bytesAt(p, BLOCK + 0x100, 4)).containsExactly(0xAA, 0xBB, 0xCC, 0xDD);
        }

        @Test
        void aReadOnlyImageRefusesProgramAndEraseWithStatusErrors() throws Exception {
            Path p = image("ro.img");
            try (PflashCfi01 flash = new PflashCfi01(FlashGeometry.VIRT, JournaledFlashImage.open(p, BANK, true))) {
                flash.write(0, 4, 0x0020_0020);
                flash.write(0, 4, 0x00D0_00D0);
                assertThat(flash.read(0, 4)).isEqualTo(0x00A0_00A0L);
                flash.write(0, 4, 0x0050_0050);
                flash.write(0, 4, 0x0040_0040);
                flash.write(0, 4, 0);
                assertThat(flash.read(0, 4)).isEqualTo(0x0090_0090L);
            }
            assertThat(bytesAt(p, 0, 4)).containsExactly(0, 0, 0, 0);
            assertThat(JournaledFlashImage.journalOf(p)).doesNotExist();
        }

        @Test
        void theJournalIsFoldedIntoTheImageWhenItGrows() throws Exception {
            Path p = image("grow.img");
            Path journal = JournaledFlashImage.journalOf(p);
            try (JournaledFlashImage store = JournaledFlashImage.open(p, BANK, false)) {
                MemorySegment chunk = MemorySegment.ofArray(filled(4096, 0x5A));
                long maxJournal = 0;
                for (int i = 0; i < 600; i++) {
                    store.write(i * 4096L, chunk);
                    maxJournal = Math.max(maxJournal, Files.size(journal));
                }
                assertThat(maxJournal).isLessThan(JournaledFlashImage.CHECKPOINT_BYTES + 8192);
                assertThat(Files.size(journal)).isLessThan(600 * 4096L);
            }
            assertThat(bytesAt(p, 599 * 4096L, 4096)).isEqualTo(filled(4096, 0x5A));
        }
    }

    @Nested
    class Recovery {
        /** A crashed run: journal records forced, the image never written. */
        void crashAfterJournal(Path image, long epoch, JournalWrites writes) throws IOException {
            try (FileChannel ch = FileChannel.open(JournaledFlashImage.journalOf(image), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FlashJournal journal = FlashJournal.start(ch, BANK, epoch);
                writes.apply(journal);
            }
        }

        interface JournalWrites {
            void apply(FlashJournal journal) throws IOException;
        }

        @Test
        void completeRecordsAreAppliedAtOpen() throws Exception {
            Path p = image("replay.img");
            crashAfterJournal(p, 7, j -> {
                j.appendFill(BLOCK, BLOCK, (byte) 0xFF, true);
                j.appendData(BLOCK + 16, MemorySegment.ofArray(new byte[] {1, 2, 3}), true);
            });
            try (JournaledFlashImage store = JournaledFlashImage.open(p, BANK, false)) {
                assertThat(store.array().get(java.lang.foreign.ValueLayout.JAVA_BYTE, BLOCK + 17)).isEqualTo((byte) 2);
            }
            assertThat(bytesAt(p, BLOCK, 20)).containsExactly(
                    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 2, 3, -1);
            assertThat(bytesAt(p, 2 * BLOCK - 1, 2)).containsExactly(-1, 0);
        }

        @Test
        void aTornLastRecordIsDiscardedWhole() throws Exception {
            Path p = image("torn.img");
            Path journal = JournaledFlashImage.journalOf(p);
            long full = FlashJournal.HEADER_SIZE + 2L * (FlashJournal.RECORD_HEADER_SIZE + FlashJournal.CRC_SIZE)
                    + 8 + 4096;
            for (long cut : new long[] {full - 1, full - 4, full - 2000, full - 4096 - 39}) {
                crashAfterJournal(p, 1, j -> {
                    j.appendData(0, MemorySegment.ofArray(filled(8, 0x11)), true);
                    j.appendData(4096, MemorySegment.ofArray(filled(4096, 0x22)), true);
                });
                assertThat(Files.size(journal)).isEqualTo(full);
                try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
                    ch.truncate(cut);
                }
                JournaledFlashImage.open(p, BANK, false).close();
                assertThat(bytesAt(p, 0, 8)).isEqualTo(filled(8, 0x11));
                assertThat(bytesAt(p, 4096, 4096)).as("cut at %d", cut).isEqualTo(new byte[4096]);
            }
        }

        @Test
        void aCorruptRecordStopsTheReplayThere() throws Exception {
            Path p = image("corrupt.img");
            crashAfterJournal(p, 1, j -> {
                j.appendData(0, MemorySegment.ofArray(filled(4, 0x11)), true);
                j.appendData(8, MemorySegment.ofArray(filled(4, 0x22)), true);
                j.appendData(16, MemorySegment.ofArray(filled(4, 0x33)), true);
            });
            Path journal = JournaledFlashImage.journalOf(p);
            int second = FlashJournal.HEADER_SIZE + FlashJournal.RECORD_HEADER_SIZE + 4 + FlashJournal.CRC_SIZE;
            try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
                f.seek(second + FlashJournal.RECORD_HEADER_SIZE + 1);
                f.write(0x23);
            }
            JournaledFlashImage.open(p, BANK, false).close();
            assertThat(bytesAt(p, 0, 20)).containsExactly(
                    0x11, 0x11, 0x11, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        @Test
        void recordsOfAnEarlierEpochAreNeverReplayed() throws Exception {
            Path p = image("epoch.img");
            crashAfterJournal(p, 3, j -> {
                j.appendData(0, MemorySegment.ofArray(filled(4, 0x44)), true);
                j.reset();                                       // checkpoint: epoch 4, tail not yet cut
            });
            Path journal = JournaledFlashImage.journalOf(p);
            // Put the epoch-3 record back after the epoch-4 header, as if the truncate had been lost.
            try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                Path other = dir.resolve("other.journal");
                try (FileChannel o = FileChannel.open(other, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)) {
                    FlashJournal.start(o, BANK, 3).appendData(0, MemorySegment.ofArray(filled(4, 0x44)), true);
                    o.transferTo(FlashJournal.HEADER_SIZE, o.size() - FlashJournal.HEADER_SIZE, ch.position(ch.size()));
                }
            }
            JournaledFlashImage.open(p, BANK, false).close();
            assertThat(bytesAt(p, 0, 4)).containsExactly(0, 0, 0, 0);
        }

        @Test
        void aJournalOfAnotherImageSizeIsRefused() throws Exception {
            Path p = image("foreign.img");
            try (FileChannel ch = FileChannel.open(JournaledFlashImage.journalOf(p), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FlashJournal.start(ch, BANK / 2, 1).appendData(0, MemorySegment.ofArray(filled(4, 1)), true);
            }
            assertThatThrownBy(() -> JournaledFlashImage.open(p, BANK, false))
                    .isInstanceOfSatisfying(FlashImageException.class,
                            e -> assertThat(e.reason()).isEqualTo(FlashImageException.Reason.FOREIGN_JOURNAL));
        }

        @Test
        void aReadOnlyOpenWithPendingChangesIsRefused() throws Exception {
            Path p = image("pending.img");
            crashAfterJournal(p, 1, j -> j.appendData(0, MemorySegment.ofArray(filled(4, 1)), true));
            assertThatThrownBy(() -> JournaledFlashImage.open(p, BANK, true))
                    .isInstanceOf(FlashImageException.class).hasMessageContaining("unfinished writes");
        }
    }

    @Nested
    class DurableClose {
        @Test
        void aFinalSyncTheFileSystemRefusesIsOneLineAndTheJournalCompletesTheWriteAtTheNextOpen() throws Exception {
            Path p = image("eio.img");
            JournaledFlashImage store = JournaledFlashImage.open(p, BANK, false,
                    JournaledFlashImage.Durability.SYNC_EACH_CHANGE, SyncFailingChannel.failingImageSync(p));
            store.write(BLOCK, MemorySegment.ofArray(filled(16, 0x5a)));

            assertThatThrownBy(store::close).isInstanceOf(IOException.class)
                    .hasMessage("the final sync of the image failed: " + SyncFailingChannel.EIO)
                    .hasCauseInstanceOf(IOException.class);
            // The journal was not removed: the write it holds is not trusted to the image alone.
            assertThat(JournaledFlashImage.journalOf(p)).exists();
            store.close(); // already closed: nothing more to report

            try (JournaledFlashImage again = JournaledFlashImage.open(p, BANK, false)) {
                assertThat(again.array().asSlice(BLOCK, 16).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                        .containsExactly(filled(16, 0x5a));
            }
            assertThat(JournaledFlashImage.journalOf(p)).doesNotExist();
        }
    }
}
