package dev.virtfw.testdata;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Debian 12's unmodified arm64 Linux and the pieces of its guest, as the scripts fetch them into
 * their cache (never committed): {@code scripts/lib.sh}'s {@code arm64_linux_image},
 * {@code arm64_linux_modules} and {@code arm64_busybox}, which {@code ./test} passes to Maven as
 * the system properties named here.
 *
 * @param image   the kernel package's {@code boot/vmlinuz-*}: a plain arm64 {@code Image}
 * @param modules its {@code lib/modules/<version>} folder
 * @param busybox the statically linked arm64 {@code bin/busybox} of Debian's busybox-static
 */
public record LinuxAssets(Path image, Path modules, Path busybox) {
    /** System property: path of the kernel {@code Image}. */
    public static final String IMAGE_PROPERTY = "virtfw.linux.image";
    /** System property: path of the kernel's {@code lib/modules/<version>} folder. */
    public static final String MODULES_PROPERTY = "virtfw.linux.modules";
    /** System property: path of the arm64 busybox. */
    public static final String BUSYBOX_PROPERTY = "virtfw.busybox";
    /** Where the fw_cfg sysfs driver lies under {@link #modules()} (plain .ko: the scripts decompress). */
    public static final String FW_CFG_MODULE = "kernel/drivers/firmware/qemu_fw_cfg.ko";
    /** Offset and bytes of the magic number in an arm64 Image header ({@code Documentation/arm64/booting.rst}). */
    public static final int IMAGE_MAGIC_OFFSET = 56;
    public static final byte[] IMAGE_MAGIC = {'A', 'R', 'M', 0x64};

    public LinuxAssets {
        Objects.requireNonNull(image);
        Objects.requireNonNull(modules);
        Objects.requireNonNull(busybox);
    }

    /**
     * The assets named by the system properties, each checked: the Image carries the arm64
     * magic, the module and busybox exist.
     *
     * @throws IllegalStateException (one line, saying how to get it) when a property is unset or
     *                               names something missing or wrong
     */
    public static LinuxAssets fromSystemProperties() {
        LinuxAssets assets = new LinuxAssets(property(IMAGE_PROPERTY, "arm64_linux_image"),
                property(MODULES_PROPERTY, "arm64_linux_modules"), property(BUSYBOX_PROPERTY, "arm64_busybox"));
        assets.check();
        return assets;
    }

    /** The {@code qemu_fw_cfg.ko} module of this kernel. */
    public Path fwCfgModule() {
        return modules.resolve(FW_CFG_MODULE);
    }

    /** The kernel's version: the name of the modules folder, e.g. {@code 6.1.0-50-arm64}. */
    public String kernelVersion() {
        return modules.getFileName().toString();
    }

    /** @throws IllegalStateException when a file is missing or the Image lacks the arm64 magic */
    public void check() {
        requireFile(image, IMAGE_PROPERTY);
        requireFile(fwCfgModule(), MODULES_PROPERTY);
        requireFile(busybox, BUSYBOX_PROPERTY);
        try (InputStream in = Files.newInputStream(image)) {
            in.skipNBytes(IMAGE_MAGIC_OFFSET);
            if (!Arrays.equals(in.readNBytes(IMAGE_MAGIC.length), IMAGE_MAGIC)) {
                throw new IllegalStateException(image + " is not an arm64 Image (no ARM\\x64 magic at byte "
                        + IMAGE_MAGIC_OFFSET + ")");
            }
        } catch (EOFException e) {
            throw new IllegalStateException(image + " is too short for an arm64 Image header");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + image + ": " + e.getMessage(), e);
        }
    }

    private static Path property(String name, String scriptFunction) {
        String value = System.getProperty(name, "");
        if (value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set: run ./test, or pass -D" + name
                    + "=\"$(source scripts/lib.sh; " + scriptFunction + ")\" to mvn");
        }
        return Path.of(value);
    }

    private static void requireFile(Path p, String property) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " (from " + property + ") is not a file");
        }
    }
}
