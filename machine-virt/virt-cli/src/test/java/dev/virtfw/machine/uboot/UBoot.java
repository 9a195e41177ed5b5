package dev.virtfw.machine.uboot;

import dev.virtfw.testdata.QemuRunner;
import java.nio.file.Path;

/** Debian's U-Boot for qemu_arm64 (package u-boot-qemu; CI installs it, so a missing one fails). */
final class UBoot {
    private UBoot() {}

    static Path binary() {
        return QemuRunner.findUBoot().orElseThrow(() -> new AssertionError(
                "U-Boot for qemu_arm64 not found: install the Debian package u-boot-qemu (./test does)"));
    }
}
