package dev.virtfw.testdata;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * Writes a deterministic initrd: {@code size} pseudo-random bytes
 * (SplitMix64 from the seed, see {@link DeterministicBytes}). The test kernel
 * prints the CRC-32 of the initrd it was given
 * ({@code KERNEL initrd ... size=<n> crc32=<hex>}), which
 * {@link GeneratedFile#crc32()} predicts.
 */
public final class TestInitrd {
    /** Largest size accepted. */
    public static final long MAX_SIZE = 1L << 30;

    private TestInitrd() {
    }

    /** @throws IllegalArgumentException when size is negative or above {@link #MAX_SIZE} */
    public static GeneratedFile write(Path out, long size, long seed) throws IOException {
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("initrd size " + size + " outside [0, " + MAX_SIZE + "]");
        }
        CRC32 crc = new CRC32();
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            new DeterministicBytes(seed).write(ch, size, crc);
        }
        return new GeneratedFile(out, size, crc.getValue());
    }
}
