package dev.virtfw.testdata;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The external tools the tests need. A missing tool fails the test with the
 * package to install (./test installs them all): these tests must run, never
 * skip, wherever the suite runs.
 */
final class Tools {
    static final Duration QEMU_TIMEOUT = Duration.ofSeconds(60);

    private Tools() {
    }

    static void requireQemu() {
        if (QemuRunner.findQemu().isEmpty()) {
            throw new AssertionError("qemu-system-aarch64 not found: install the Debian package qemu-system-arm");
        }
    }

    static Path uboot() {
        return QemuRunner.findUBoot().orElseThrow(() -> new AssertionError(
                "U-Boot for qemu_arm64 not found: install the Debian package u-boot-qemu"));
    }

    static Path onPath(String tool, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(tool + " not on PATH: install the Debian package " + debianPackage);
    }

    /** Runs QEMU and requires a clean power-off (exit 0, no timeout). */
    static QemuRunner.Result runQemu(List<String> args) throws Exception {
        requireQemu();
        QemuRunner.Result r = QemuRunner.run(args, QEMU_TIMEOUT);
        if (!r.exitedCleanly()) {
            throw new AssertionError("QEMU did not power off cleanly (exit " + r.exitCode() + ", timed out "
                    + r.timedOut() + ")\nstderr:\n" + r.errors() + "\nconsole:\n" + r.output());
        }
        return r;
    }
}
