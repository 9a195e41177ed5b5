package dev.virtfw.fwcfg;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Guest memory for tests: {@code size} bytes of RAM at guest-physical {@code base}, inside one host
 * allocation with guard bytes of a known pattern before and after it. {@link #guardsIntact()} proves
 * that nothing outside RAM was written; {@link #writes()} records what the device reported written.
 */
final class GuardedRam implements GuestMemory, AutoCloseable {
    static final long DEFAULT_BASE = 0x4000_0000L;
    static final int GUARD = 4096;
    static final byte GUARD_BYTE = (byte) 0xA5;
    static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong BE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final MemorySegment GUARD_PATTERN = MemorySegment.ofArray(new byte[GUARD]).fill(GUARD_BYTE);

    record Write(long gpa, long length) {
    }

    /** One bulk copy the device asked for: into RAM ({@code toRam}) or out of it. */
    record Copy(boolean toRam, long gpa, long length) {
    }

    final long base;
    final long size;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment whole;
    final MemorySegment ram;
    private final List<Write> writes = new ArrayList<>();
    private final List<Copy> copies = new ArrayList<>();

    GuardedRam(long base, long size) {
        this.base = base;
        this.size = size;
        this.whole = arena.allocate(size + 2L * GUARD, 16);
        whole.fill(GUARD_BYTE);
        this.ram = whole.asSlice(GUARD, size);
        ram.fill((byte) 0);
    }

    GuardedRam(long size) {
        this(DEFAULT_BASE, size);
    }

    @Override
    public long ramBytesAt(GuestAddress address, long length) {
        return ramBytesAt(address.value(), length);
    }

    long ramBytesAt(long gpa, long length) {
        if (length <= 0) {
            return 0;
        }
        long off = gpa - base;
        // Unsigned: gpa below base wraps to a huge offset.
        if (Long.compareUnsigned(off, size) >= 0) {
            return 0;
        }
        long toEnd = size - off;
        long toWrap = -gpa; // bytes until 2^64 (0 means gpa == 0: no wrap limit within a long length)
        long n = Math.min(length, toEnd);
        if (toWrap != 0 && Long.compareUnsigned(n, toWrap) > 0) {
            n = toWrap;
        }
        return n;
    }

    @Override
    public MemorySegment slice(GuestAddress address, long length) {
        return slice(address.value(), length);
    }

    MemorySegment slice(long gpa, long length) {
        if (ramBytesAt(gpa, length) < length) {
            throw new AssertionError(String.format("device sliced 0x%x+0x%x, which is not wholly RAM", gpa, length));
        }
        return ram.asSlice(gpa - base, length);
    }

    /** Records the copy; like {@link #slice}, fails the test when the range is not wholly RAM. */
    @Override
    public void copyToRam(MemorySegment src, long srcOffset, GuestAddress gpa, long length) {
        MemorySegment into = slice(gpa, length);
        copies.add(new Copy(true, gpa.value(), length));
        MemorySegment.copy(src, srcOffset, into, 0, length);
    }

    @Override
    public void copyFromRam(GuestAddress gpa, MemorySegment dst, long dstOffset, long length) {
        MemorySegment from = slice(gpa, length);
        copies.add(new Copy(false, gpa.value(), length));
        MemorySegment.copy(from, 0, dst, dstOffset, length);
    }

    List<Copy> copies() {
        return copies;
    }

    @Override
    public void written(GuestAddress gpa, long length) {
        writes.add(new Write(gpa.value(), length));
    }

    List<Write> writes() {
        return writes;
    }

    boolean guardsIntact() {
        return MemorySegment.mismatch(whole, 0, GUARD, GUARD_PATTERN, 0, GUARD) < 0
                && MemorySegment.mismatch(whole, GUARD + size, GUARD + size + GUARD, GUARD_PATTERN, 0, GUARD) < 0;
    }

    long end() {
        return base + size;
    }

    byte[] bytes(long gpa, int length) {
        return ram.asSlice(gpa - base, length).toArray(ValueLayout.JAVA_BYTE);
    }

    void put(long gpa, byte[] data) {
        MemorySegment.copy(MemorySegment.ofArray(data), 0, ram, gpa - base, data.length);
    }

    void fill(long gpa, long length, byte value) {
        ram.asSlice(gpa - base, length).fill(value);
    }

    int be32(long gpa) {
        return ram.get(BE32, gpa - base);
    }

    /** Writes a FWCfgDmaAccess descriptor at {@code gpa}. */
    void descriptor(long gpa, int control, int length, long address) {
        ram.set(BE32, gpa - base, control);
        ram.set(BE32, gpa - base + 4, length);
        ram.set(BE64, gpa - base + 8, address);
    }

    @Override
    public void close() {
        arena.close();
    }
}
