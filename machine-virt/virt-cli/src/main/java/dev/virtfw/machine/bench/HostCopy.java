package dev.virtfw.machine.bench;

import dev.virtfw.machine.memory.HostMapping;
import java.lang.foreign.MemorySegment;

/**
 * The host's memory-copy bandwidth: {@code MemorySegment.copy} between two native (anonymous,
 * huge-page advised) mappings of the same kind the machine uses for RAM, both touched first, best of
 * {@link #REPEATS} copies. DMA into warm RAM can at best reach this.
 */
public final class HostCopy {
    public static final int REPEATS = 3;

    private HostCopy() {}

    /** Bytes per second for a copy of {@code size} bytes. */
    public static double bytesPerSecond(long size) {
        try (HostMapping src = HostMapping.anonymous(roundToPage(size));
             HostMapping dst = HostMapping.anonymous(roundToPage(size))) {
            MemorySegment s = src.segment().asSlice(0, size);
            MemorySegment d = dst.segment().asSlice(0, size);
            s.fill((byte) 0x5a);
            d.fill((byte) 0);
            long best = Long.MAX_VALUE;
            for (int i = 0; i < REPEATS; i++) {
                long t0 = System.nanoTime();
                MemorySegment.copy(s, 0, d, 0, size);
                best = Math.min(best, System.nanoTime() - t0);
            }
            if (d.get(java.lang.foreign.ValueLayout.JAVA_BYTE, size - 1) != 0x5a) {
                throw new BenchException("host copy check failed: the last byte was not copied");
            }
            return size / (Math.max(best, 1) / 1e9);
        }
    }

    private static long roundToPage(long size) {
        return (size + 4095) & -4096L;
    }
}
