package dev.virtfw.machine.memory;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The host's fastest copy between memory segments, for DMA into and out of guest RAM. The JDK's
 * {@link MemorySegment#copy} moves large blocks slower than glibc's {@code memcpy}, which picks
 * vector or {@code rep movsb} code for the CPU; for small blocks the JDK's copy wins, because the
 * call into C has a fixed cost. So copies of {@link #NATIVE_THRESHOLD} bytes or more go to
 * {@code memcpy} (a critical downcall), smaller ones stay in Java. Both ends are bounds-checked by
 * slicing before any byte moves, exactly as {@link MemorySegment#copy} checks them; overlapping
 * ranges, for which {@code memcpy} is undefined, take the JDK's copy, which behaves as
 * {@code memmove}.
 */
public final class BulkCopy {
    /**
     * From this many bytes on, {@code memcpy} is used. Chosen from CopyBenchmark (this module's
     * JMH benchmark, README "Performance"): passing two segments of a shared arena to a downcall
     * costs ~40 ns (the arena is acquired and released for each), so the JDK's copy wins up to
     * 16-24 KiB and {@code memcpy} from 32 KiB on.
     */
    public static final long NATIVE_THRESHOLD = 32 * 1024;

    private BulkCopy() {}

    /**
     * Binds {@code memcpy} and links one call of it now (the start-up thread's work), so that the
     * guest's first large DMA pays neither.
     */
    public static void prepare() {
        try {
            if (Native.available()) {
                memcpy(MemorySegment.ofArray(new byte[8]), MemorySegment.ofArray(new byte[8]), 8);
            }
        } catch (RuntimeException | Error e) {
            // only the optimisation is lost: copy() falls back on the JDK's copy
        }
    }

    /**
     * Copies {@code length} bytes from {@code src} at {@code srcOffset} to {@code dst} at
     * {@code dstOffset}, with the checks and exceptions of {@link MemorySegment#copy(MemorySegment,
     * long, MemorySegment, long, long)}.
     */
    public static void copy(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long length) {
        if (length < NATIVE_THRESHOLD || !Native.available()) {
            MemorySegment.copy(src, srcOffset, dst, dstOffset, length);
            return;
        }
        MemorySegment from = src.asSlice(srcOffset, length);
        MemorySegment to = dst.asSlice(dstOffset, length);
        if (to.isReadOnly() || mayOverlap(from, to)) {
            // The JDK's copy refuses a read-only target with its own exception and handles overlap.
            MemorySegment.copy(from, 0, to, 0, length);
            return;
        }
        memcpy(to, from, length);
    }

    /**
     * glibc's {@code memcpy(dst, src, length)} with no threshold: the benchmark's "glibc memcpy" row.
     * The caller guarantees that both segments hold {@code length} bytes and do not overlap.
     */
    public static void memcpy(MemorySegment dst, MemorySegment src, long length) {
        if (length > dst.byteSize() || length > src.byteSize() || length < 0) {
            throw new IndexOutOfBoundsException("memcpy of " + length + " bytes between segments of "
                    + src.byteSize() + " and " + dst.byteSize());
        }
        try {
            Posix.Memcpy.HANDLE.invokeExact(dst, src, length);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("memcpy threw a checked exception", t);
        }
    }

    /**
     * Whether two ranges may share bytes: native ranges are compared by address; two heap ranges
     * are assumed to (their arrays cannot always be told apart); a heap and a native range never do.
     */
    static boolean mayOverlap(MemorySegment a, MemorySegment b) {
        if (a.isNative() != b.isNative()) {
            return false;
        }
        if (!a.isNative()) {
            return true;
        }
        long a0 = a.address();
        long b0 = b.address();
        return a0 < b0 + b.byteSize() && b0 < a0 + a.byteSize();
    }

    /** Whether libc's memcpy could be bound (it always can on glibc; a failure keeps the JDK's copy). */
    private static final class Native {
        private static final boolean AVAILABLE = bind();

        static boolean available() {
            return AVAILABLE;
        }

        private static boolean bind() {
            try {
                MethodHandle h = Posix.Memcpy.HANDLE;
                return h != null;
            } catch (LinkageError | RuntimeException e) {
                return false;
            }
        }
    }
}
