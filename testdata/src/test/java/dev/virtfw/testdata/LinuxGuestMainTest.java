package dev.virtfw.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The command line scripts/linux-guest prints reads back, through sh, as the arguments of the boot. */
class LinuxGuestMainTest {
    /** The words sh makes of {@code line}, one per output line. */
    private static List<String> shellWords(String line) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "for w in " + line + "; do printf '%s\\n' \"$w\"; done")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    @Test
    void quotedWordsReadBackUnchanged() throws Exception {
        List<String> words = List.of("plain", "with space", "it's", "$HOME", "a'b'c", "semi;colon", "*", "");
        String line = String.join(" ", words.stream().map(LinuxGuestMain::quoted).toList());
        assertThat(shellWords(line)).containsExactlyElementsOf(words);
    }

    @Test
    void thePrintedCommandIsQemuWithTheBootsArguments() throws Exception {
        LinuxGuest.Boot boot = new LinuxGuest.Boot(Path.of("/tmp/a dir/Image"), Path.of("/tmp/initrd.cpio.gz"),
                LinuxGuest.APPEND, LinuxGuest.STRING_VALUE, Path.of("/tmp/blob.bin"), 5, "00");
        List<String> expected = new ArrayList<>(List.of(QemuRunner.QEMU_EXECUTABLE));
        expected.addAll(QemuRunner.virtArgs());
        expected.addAll(boot.arguments());
        assertThat(shellWords(LinuxGuestMain.commandLine(boot))).containsExactlyElementsOf(expected);
    }
}
