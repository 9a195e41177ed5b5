package dev.virtfw.machine.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Anonymous, lazily populated host memory (RAM or flash contents) from {@code mmap}, aligned to
 * 2 MiB with {@code MADV_HUGEPAGE} so that first touches are cheap (DESIGN.md: 8 ms instead of
 * 190-280 ms for 64 MiB). One owner; {@link #close()} invalidates the segment, then unmaps.
 */
public final class HostMapping implements AutoCloseable {
    /** Alignment and huge-page size on x86-64 and AArch64 Linux. */
    public static final long HUGE_PAGE = 2L << 20;

    private final Arena arena;
    private final MemorySegment segment;
    private final MemorySegment mapping;
    private final long mappingSize;

    private HostMapping(Arena arena, MemorySegment segment, MemorySegment mapping, long mappingSize) {
        this.arena = arena;
        this.segment = segment;
        this.mapping = mapping;
        this.mappingSize = mappingSize;
    }

    /** Binds the libc calls behind this class now (a background thread's work at start-up). */
    public static void prepare() {
        try {
            Posix.mmap.type();
        } catch (RuntimeException | Error e) {
            // reported by the first mapping
        }
    }

    /** Maps {@code size} bytes (a positive multiple of 4 KiB) of zeroed memory. */
    @SuppressWarnings("restricted")
    public static HostMapping anonymous(long size) {
        if (size <= 0 || (size & 0xfff) != 0 || size > Long.MAX_VALUE - HUGE_PAGE) {
            throw new IllegalArgumentException("mapping size must be a positive multiple of 4 KiB: " + size);
        }
        long mappingSize = size + HUGE_PAGE;
        MemorySegment raw;
        try {
            raw = (MemorySegment) Posix.mmap.invokeExact(MemorySegment.NULL, mappingSize,
                    Posix.PROT_READ | Posix.PROT_WRITE,
                    Posix.MAP_PRIVATE | Posix.MAP_ANONYMOUS | Posix.MAP_NORESERVE, -1, 0L);
        } catch (Throwable t) {
            throw new HostMemoryException(size, "mmap of " + size + " bytes could not be called: " + t);
        }
        if (raw.address() == Posix.MAP_FAILED || raw.address() == 0) {
            throw new HostMemoryException(size, "the host cannot provide " + (size >> 20) + " MiB for the guest (mmap failed)");
        }
        long aligned = (raw.address() + HUGE_PAGE - 1) & -HUGE_PAGE;
        MemorySegment start = MemorySegment.ofAddress(aligned);
        try {
            // Advisory only: a kernel without transparent huge pages still gives correct memory.
            int ignored = (int) Posix.madvise.invokeExact(start, size, Posix.MADV_HUGEPAGE);
        } catch (Throwable t) {
            // same: the hint is optional
        }
        Arena arena = Arena.ofShared();
        MemorySegment segment = start.reinterpret(size, arena, null);
        return new HostMapping(arena, segment, raw, mappingSize);
    }

    /**
     * One page of host code: mapped read-write, {@code code} copied in, then made read-execute
     * (never writable and executable at once). The page lives as long as the process. Returns
     * its address, or null when the host refuses (no memory, or no executable pages allowed).
     */
    @SuppressWarnings("restricted")
    public static MemorySegment codePage(byte[] code) {
        if (code.length == 0 || code.length > CODE_PAGE) {
            throw new IllegalArgumentException("code of " + code.length + " bytes does not fit one page");
        }
        try {
            MemorySegment page = (MemorySegment) Posix.mmap.invokeExact(MemorySegment.NULL, CODE_PAGE,
                    Posix.PROT_READ | Posix.PROT_WRITE, Posix.MAP_PRIVATE | Posix.MAP_ANONYMOUS, -1, 0L);
            if (page.address() == Posix.MAP_FAILED || page.address() == 0) {
                return null;
            }
            MemorySegment.copy(MemorySegment.ofArray(code), 0, page.reinterpret(CODE_PAGE), 0, code.length);
            if ((int) Posix.Mprotect.HANDLE.invokeExact(page, CODE_PAGE, Posix.PROT_READ | Posix.PROT_EXEC) != 0) {
                return null;    // the page stays mapped, unused
            }
            return MemorySegment.ofAddress(page.address());
        } catch (Throwable t) {
            return null;
        }
    }

    private static final long CODE_PAGE = 4096;

    /** The usable memory: {@code size} bytes, 2 MiB aligned. Invalid after {@link #close()}. */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public void close() {
        if (!arena.scope().isAlive()) {
            return;
        }
        arena.close();
        try {
            int ignored = (int) Posix.Munmap.HANDLE.invokeExact(mapping, mappingSize);
        } catch (Throwable t) {
            // Nothing sensible is left to do: the mapping stays until the process ends.
        }
    }
}
