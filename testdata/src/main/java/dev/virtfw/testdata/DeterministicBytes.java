package dev.virtfw.testdata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32;

/**
 * A reproducible byte stream: SplitMix64 (Steele, Lea, Flood 2014) from a
 * seed, each 64-bit output stored little-endian. The same seed gives the
 * same bytes on every JVM and in any other language that implements it.
 */
final class DeterministicBytes {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final int CHUNK = 1 << 16;

    private long state;

    DeterministicBytes(long seed) {
        this.state = seed;
    }

    long nextLong() {
        long z = (state += GOLDEN_GAMMA);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Writes {@code count} bytes of the stream at the channel's position, updating each CRC. */
    void write(FileChannel out, long count, CRC32... crcs) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        long left = count;
        while (left > 0) {
            buf.clear();
            int n = (int) Math.min(CHUNK, left);
            int words = (n + 7) / 8;
            for (int i = 0; i < words; i++) {
                buf.putLong(i * 8, nextLong());
            }
            buf.limit(n);
            for (CRC32 crc : crcs) {
                crc.update(buf.duplicate());
            }
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            left -= n;
        }
    }
}
