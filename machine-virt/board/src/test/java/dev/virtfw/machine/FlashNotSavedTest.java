package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.virtfw.machine.console.Console;
import dev.virtfw.machine.flash.JournaledFlashImage;
import dev.virtfw.machine.flash.SyncFailingChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flash image whose last steps on close fail is reported, not dropped: the final sync refused
 * (a channel that fails {@code force} with EIO, as {@code fsync} does on a failing disk), or the
 * journal's removal refused (a real failure from the file system: the journal beside the image is
 * replaced by a non-empty directory while the machine runs).
 */
class FlashNotSavedTest {
    @TempDir
    Path dir;

    static Path image(Path dir) throws IOException {
        Path image = dir.resolve("vars.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(VirtMachine.FLASH_BANK_SIZE);
        }
        return image;
    }

    /** Puts a non-empty directory where the image's journal is: no delete can remove it. */
    static void blockJournal(Path image) throws IOException {
        Path journal = JournaledFlashImage.journalOf(image);
        Files.delete(journal);
        Files.createDirectory(journal);
        Files.writeString(journal.resolve("in-the-way"), "x");
    }

    @Test
    void aJournalThatCannotBeRemovedOnCloseIsOneLineNamingTheBankAndTheFile() throws IOException {
        Path image = image(dir);
        MachineConfig config = MachineConfig.builder().bios(Guest.firmware("b power_off"))
                .flashDrive(new FlashDrive(1, image, false, false))
                .console(Console.scripted("", new ByteArrayOutputStream())).build();
        VirtMachine m = VirtMachine.create(config);
        assertThat(m.run().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        blockJournal(image);

        assertThatThrownBy(m::close).isInstanceOfSatisfying(FlashNotSavedException.class, e -> {
            assertThat(e.bank()).isEqualTo(1);
            assertThat(e.image()).isEqualTo(image);
            assertThat(e.getMessage()).hasLineCount(1)
                    .startsWith("flash bank 1 (" + image + "): could not be made durable on close: removing the"
                            + " journal failed: a non-empty directory is in the way");
        });
        // everything was released despite the failure: a second close has nothing left to do
        m.close();
    }

    @Test
    void aFinalSyncTheFileSystemRefusesIsOneLineNamingTheBankAndTheStep() throws IOException {
        Path image = image(dir);
        MachineConfig config = MachineConfig.builder().bios(Guest.firmware("b power_off"))
                .flashDrive(new FlashDrive(1, image, false, false).withFiles(SyncFailingChannel.failingImageSync(image)))
                .console(Console.scripted("", new ByteArrayOutputStream())).build();
        VirtMachine m = VirtMachine.create(config);
        assertThat(m.run().reason()).isEqualTo(RunResult.Reason.POWER_OFF);

        assertThatThrownBy(m::close).isInstanceOfSatisfying(FlashNotSavedException.class, e -> {
            assertThat(e.bank()).isEqualTo(1);
            assertThat(e.getMessage()).hasLineCount(1).isEqualTo("flash bank 1 (" + image + "): could not be made"
                    + " durable on close: the final sync of the image failed: " + SyncFailingChannel.EIO
                    + "; the guest's last writes may be missing from the file");
        });
        m.close();
        assertThat(JournaledFlashImage.journalOf(image)).exists();
    }

    @Test
    void aCleanCloseRemovesTheJournalAndReportsNothing() throws IOException {
        Path image = image(dir);
        MachineConfig config = MachineConfig.builder().bios(Guest.firmware("b power_off"))
                .flashDrive(new FlashDrive(1, image, false, false))
                .console(Console.scripted("", new ByteArrayOutputStream())).build();
        assertThat(VirtMachine.run(config).reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(JournaledFlashImage.journalOf(image)).doesNotExist();
    }
}
