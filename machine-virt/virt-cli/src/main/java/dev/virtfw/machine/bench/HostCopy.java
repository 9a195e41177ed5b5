package dev.virtfw.machine.bench;

import dev.virtfw.machine.memory.BulkCopy;
import dev.virtfw.machine.memory.HostMapping;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The host's memory-copy bandwidth between two native (anonymous, huge-page advised) mappings of
 * the kind the machine uses for RAM, both touched first: the JDK's {@code MemorySegment.copy} and
 * glibc's {@code memcpy} (QEMU's copy, reached through FFM), alternating, best of {@link #REPEATS}
 * each. DMA into warm RAM can at best reach the faster of the two.
 */
public final class HostCopy {
    public static final int REPEATS = 3;

    /** Bytes per second of each copy. */
    public record Speeds(double jdk, double memcpy) {
    }

    private HostCopy() {}

    /** Both copies' bytes per second for {@code size} bytes, measured in alternation. */
    public static Speeds bytesPerSecond(long size) {
        try (HostMapping src = HostMapping.anonymous(roundToPage(size));
             HostMapping dst = HostMapping.anonymous(roundToPage(size))) {
            MemorySegment s = src.segment().asSlice(0, size);
            MemorySegment d = dst.segment().asSlice(0, size);
            s.fill((byte) 0x5a);
            d.fill((byte) 0);
            long bestJdk = Long.MAX_VALUE;
            long bestMemcpy = Long.MAX_VALUE;
            for (int i = 0; i < REPEATS; i++) {
                long t0 = System.nanoTime();
                MemorySegment.copy(s, 0, d, 0, size);
                long t1 = System.nanoTime();
                BulkCopy.memcpy(d, s, size);
                long t2 = System.nanoTime();
                bestJdk = Math.min(bestJdk, t1 - t0);
                bestMemcpy = Math.min(bestMemcpy, t2 - t1);
                if (d.get(ValueLayout.JAVA_BYTE, size - 1) != 0x5a) {
                    throw new BenchException("host copy check failed: the last byte was not copied");
                }
                d.set(ValueLayout.JAVA_BYTE, size - 1, (byte) 0);
            }
            return new Speeds(size / (Math.max(bestJdk, 1) / 1e9), size / (Math.max(bestMemcpy, 1) / 1e9));
        }
    }

    private static long roundToPage(long size) {
        return (size + 4095) & -4096L;
    }
}
