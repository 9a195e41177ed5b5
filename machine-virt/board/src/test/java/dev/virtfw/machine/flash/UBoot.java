package dev.virtfw.machine.flash;

import java.nio.file.Files;
import java.nio.file.Path;

/** Debian's u-boot-qemu build for the virt board (CI installs the package; no skipping). */
final class UBoot {
    private UBoot() {}

    static final Path QEMU_ARM64 = Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin");

    static Path binary() {
        if (!Files.isRegularFile(QEMU_ARM64)) {
            throw new AssertionError(QEMU_ARM64 + " not found; install the Debian package u-boot-qemu (./test does)");
        }
        return QEMU_ARM64;
    }
}
