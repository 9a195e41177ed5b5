package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.cli.VirtCommand;
import dev.virtfw.machine.console.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -drive if=pflash} on the command line: each refusal is one line on standard error and exit
 * status 2, as QEMU refuses them.
 */
class FlashDriveOptionTest {
    @TempDir
    Path dir;

    String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = VirtCommand.run(args, Console.none(), new PrintWriter(out), new PrintWriter(err));
        return new String[] {String.valueOf(status), err.toString()};
    }

    @Test
    void biosAndABankZeroDriveConflictWithQemusMessage() throws IOException {
        Path bios = Files.write(dir.resolve("bios.bin"), new byte[16]);
        Path image = dir.resolve("a.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(64L << 20);
        }
        String[] r = run("-M", "virt", "-bios", bios.toString(), "-drive", "if=pflash,format=raw,file=" + image);
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).isEqualTo("virt: error: The contents of the first flash device may be specified with"
                + " -bios or with -drive if=pflash... but you cannot use both options at once\n");
    }

    @Test
    void anImageOfTheWrongSizeIsOneLine() throws IOException {
        Path bios = Files.write(dir.resolve("bios.bin"), new byte[16]);
        Path image = Files.write(dir.resolve("small.img"), new byte[4096]);
        String[] r = run("-M", "virt", "-bios", bios.toString(), "-drive", "if=pflash,format=raw,index=1,file=" + image);
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).startsWith("virt: error: -drive if=pflash,file=" + image + ": ").endsWith("\n")
                .hasLineCount(1);
    }

    @Test
    void aMissingImageIsOneLine() {
        String[] r = run("-M", "virt", "-drive", "if=pflash,format=raw,file=" + dir.resolve("none.img"));
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).startsWith("virt: error: -drive if=pflash,file=").hasLineCount(1);
    }

    @Test
    void aBadOptionIsOneLine() {
        String[] r = run("-M", "virt", "-drive", "if=pflash,format=qcow2,file=x.img");
        assertThat(r).containsExactly("2", "virt: error: -drive if=pflash,format=qcow2,file=x.img: only format=raw is supported\n");
    }
}
