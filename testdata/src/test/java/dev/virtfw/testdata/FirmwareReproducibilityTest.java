package dev.virtfw.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rebuilding the firmware from its sources, in another folder, gives exactly
 * the committed images: the resources are what the sources say, and the
 * build does not depend on where it runs.
 */
class FirmwareReproducibilityTest {

    static Path firmwareSources() {
        String prop = System.getProperty("virtfw.firmware.src", "");
        Path src = prop.isBlank() ? Path.of("src", "main", "firmware") : Path.of(prop);
        assertThat(src.resolve("Makefile")).as("firmware sources").isRegularFile();
        return src;
    }

    @Test
    void rebuildInAnotherFolderGivesTheCommittedBytes(@TempDir Path tmp) throws Exception {
        Tools.onPath("make", "make");
        Tools.onPath("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu");
        Path copy = tmp.resolve("elsewhere").resolve("firmware-copy");
        copyTree(firmwareSources(), copy);
        Path out = tmp.resolve("out");
        Process make = new ProcessBuilder("make", "-s", "-C", copy.toString(), "OUT=" + out, "all")
                .redirectErrorStream(true).start();
        make.getOutputStream().close();
        String log = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(make.waitFor(300, TimeUnit.SECONDS)).as("make finished").isTrue();
        assertThat(make.exitValue()).as("make failed:\n%s", log).isZero();
        String committedWith = Files.readString(firmwareSources().resolve("toolchain.txt")).strip();
        String buildingWith = firstLine("aarch64-linux-gnu-gcc", "--version") + "\n"
                + firstLine("aarch64-linux-gnu-ld", "--version");
        for (Firmware f : Firmware.values()) {
            byte[] rebuilt = Files.readAllBytes(out.resolve(f.fileName()));
            assertThat(rebuilt).as("%s rebuilt from source differs from the committed image (after a source change"
                    + " run 'make install' in src/main/firmware); committed images built with:%n%s%nthis build:%n%s",
                    f.fileName(), committedWith, buildingWith).isEqualTo(TestData.bytes(f));
        }
    }

    private static String firstLine(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return text.lines().findFirst().orElse("");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path rel = from.relativize(p);
                Path dest = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @Test
    void everyImageIsCommittedAndNonEmpty() {
        for (Firmware f : Firmware.values()) {
            assertThat(TestData.bytes(f)).as(f.fileName()).hasSizeGreaterThan(1024);
        }
        assertThat(List.of(Firmware.values())).extracting(Firmware::fileName)
                .containsExactly("fwcfg-test.bin", "bootloader.bin", "test-kernel.bin", "bench.bin", "bench-ram.bin",
                        "guest-svc.bin", "guest-undef.bin", "guest-abort.bin", "guest-timer.bin", "guest-wfi.bin",
                        "guest-pending.bin", "guest-sgi.bin", "guest-devices.bin", "guest-gicv3.bin",
                        "guest-powerkey.bin");
    }
}
