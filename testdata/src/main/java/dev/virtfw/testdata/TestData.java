package dev.virtfw.testdata;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.Map;

/** Access to the committed firmware images and the fw_cfg names they use. */
public final class TestData {
    /**
     * fw_cfg file the fwcfg test firmware reads its expectations from; see
     * {@link Crc32Manifest} for the format.
     */
    public static final String CRC32_MANIFEST_FILE = "opt/virtfw/crc32";
    /**
     * When a fw_cfg file of this name exists (any content), the boot loader
     * uses the legacy interface with 8-byte reads instead of DMA.
     */
    public static final String LEGACY_SWITCH_FILE = "opt/virtfw/legacy";

    private static final Map<Firmware, byte[]> CACHE = new EnumMap<>(Firmware.class);

    private TestData() {
    }

    /** The image's bytes (a fresh copy). */
    public static byte[] bytes(Firmware firmware) {
        return load(firmware).clone();
    }

    /**
     * Writes the image into {@code dir} under {@link Firmware#fileName()},
     * replacing an older copy, and returns its path.
     */
    public static Path extract(Firmware firmware, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path out = dir.resolve(firmware.fileName());
        Path tmp = Files.createTempFile(dir, firmware.fileName(), ".tmp");
        try {
            Files.write(tmp, load(firmware));
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return out;
    }

    private static byte[] load(Firmware firmware) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(firmware, TestData::readResource);
        }
    }

    private static byte[] readResource(Firmware firmware) {
        try (InputStream in = TestData.class.getResourceAsStream(firmware.fileName())) {
            if (in == null) {
                throw new IllegalStateException("resource " + firmware.fileName() + " missing from the testdata jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + firmware.fileName(), e);
        }
    }
}
