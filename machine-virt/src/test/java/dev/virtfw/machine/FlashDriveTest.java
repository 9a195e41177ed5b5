package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.virtfw.machine.cli.VirtCommand;
import dev.virtfw.machine.console.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code -drive if=pflash}: QEMU's unit assignment and its refusals (messages checked against QEMU 7.2). */
class FlashDriveTest {
    @Test
    void drivesWithoutIndexTakeBankZeroThenBankOne() {
        assertThat(FlashDrive.fromOptions(List.of("if=pflash,format=raw,file=a.img",
                "if=pflash,format=raw,file=b.img,readonly=on"))).containsExactly(
                new FlashDrive(0, Path.of("a.img"), false, false), new FlashDrive(1, Path.of("b.img"), true, false));
    }

    @Test
    void anExplicitIndexIsTakenAndALaterDriveGetsTheLowestFreeBank() {
        // As QEMU: "-drive index=1,... -drive ..." puts the second drive in bank 0.
        assertThat(FlashDrive.fromOptions(List.of("if=pflash,format=raw,index=1,file=b.img",
                "if=pflash,file=a.img,cache=unsafe"))).containsExactly(
                new FlashDrive(1, Path.of("b.img"), false, false), new FlashDrive(0, Path.of("a.img"), false, true));
    }

    @Test
    void aDoubledCommaIsACommaInTheFileName() {
        assertThat(FlashDrive.fromOptions(List.of("if=pflash,file=a,,b.img")).getFirst().file())
                .isEqualTo(Path.of("a,b.img"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "if=pflash,format=raw,file=a.img,index=2|machine type does not support if=pflash,bus=0,unit=2",
        "if=pflash,format=qcow2,file=a.img|only format=raw is supported",
        "if=virtio,format=raw,file=a.img|only if=pflash is supported (this board has no disks)",
        "format=raw,file=a.img|only if=pflash is supported (this board has no disks)",
        "if=pflash,format=raw|A block device must be specified for \"file\"",
        "if=pflash,format=raw,file=a.img,readonly=maybe|Parameter 'read-only' expects 'on' or 'off'",
        "if=pflash,format=raw,file=a.img,bogus=1|unsupported option 'bogus'",
        "if=pflash,file=a.img,index=x|index must be a non-negative number",
    })
    void refusedOptionsSayWhy(String option, String message) {
        assertThatThrownBy(() -> FlashDrive.fromOptions(List.of(option))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("-drive " + option + ": " + message);
    }

    @Test
    void aBankGivenTwiceOrAThirdDriveIsRefusedAsQemuDoes() {
        assertThatThrownBy(() -> FlashDrive.fromOptions(List.of("if=pflash,index=0,file=a.img",
                "if=pflash,index=0,file=b.img"))).isInstanceOf(ConfigException.class)
                .hasMessageEndingWith(": drive with bus=0, unit=0 (index=0) exists");
        assertThatThrownBy(() -> FlashDrive.fromOptions(List.of("if=pflash,file=a.img", "if=pflash,file=b.img",
                "if=pflash,file=c.img"))).isInstanceOf(ConfigException.class)
                .hasMessage("-drive if=pflash,file=c.img: machine type does not support if=pflash,bus=0,unit=2");
    }

    /** The command line: each refusal is one line on standard error and exit status 2, as QEMU refuses them. */
    @Nested
    class OnTheCommandLine {
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
}
