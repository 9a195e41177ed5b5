package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.cli.VirtCommand;
import dev.virtfw.machine.console.Console;
import dev.virtfw.machine.flash.JournaledFlashImage;
import dev.virtfw.machine.flash.SyncFailingChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./virt when a flash image cannot be made durable at the end of a run (its journal cannot be
 * removed, or the final sync is refused): one line, status 1.
 */
class FlashNotSavedOnTheCommandLineTest {
    @TempDir
    Path dir;

    @Test
    void aFlashImageThatCannotBeMadeDurableIsOneLineAndANonZeroStatus() throws Exception {
        Path image = FlashNotSavedTest.image(dir);
        // The guest counts down long enough for the journal to be blocked while it runs.
        Path fw = Guest.firmware("""
                    ldr x0, =400000000
                1:  subs x0, x0, #1
                    b.ne 1b
                    b power_off
                """);
        Path journal = JournaledFlashImage.journalOf(image);
        CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
            try {
                while (!Files.isRegularFile(journal)) {
                    Thread.sleep(1);
                }
                FlashNotSavedTest.blockJournal(image);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = VirtCommand.run(new String[] {"-bios", fw.toString(), "-drive",
                "if=pflash,format=raw,index=1,file=" + image}, Console.none(), new PrintWriter(out), new PrintWriter(err));
        blocked.get(10, TimeUnit.SECONDS);

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).hasLineCount(1).startsWith("virt: error: flash bank 1 (" + image
                + "): could not be made durable on close: removing the journal failed");
    }

    @Test
    void aFinalSyncTheFileSystemRefusesIsOneLineAndANonZeroStatus() throws Exception {
        Path image = FlashNotSavedTest.image(dir);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = VirtCommand.run(new String[] {"-bios", Guest.firmware("b power_off").toString(), "-drive",
                "if=pflash,format=raw,index=1,file=" + image}, Console.none(), new PrintWriter(out), new PrintWriter(err),
                SyncFailingChannel.failingImageSync(image));

        assertThat(status).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).hasLineCount(1).isEqualTo("virt: error: flash bank 1 (" + image
                + "): could not be made durable on close: the final sync of the image failed: " + SyncFailingChannel.EIO
                + "; the guest's last writes may be missing from the file" + System.lineSeparator());
    }
}
