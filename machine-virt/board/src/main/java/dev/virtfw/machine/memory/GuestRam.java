package dev.virtfw.machine.memory;

import dev.virtfw.fwcfg.GuestAddress;
import dev.virtfw.fwcfg.GuestMemory;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The guest's RAM: one host mapping that the guest (through {@code uc_mem_map_ptr}), the devices
 * (through {@link #slice}) and the host all see without copies. Every guest-physical range is
 * checked overflow-safely before it becomes a view; nothing outside RAM is ever reachable.
 */
public final class GuestRam implements GuestMemory, AutoCloseable {
    /** Told which guest range the host or a device wrote, so translated code there is dropped. */
    @FunctionalInterface
    public interface WriteListener {
        void written(long gpa, long length);
    }

    private final long base;
    private final long size;
    private final HostMapping mapping;
    private volatile WriteListener listener = (gpa, length) -> {};

    public GuestRam(long base, long size) {
        if (base < 0 || size <= 0 || base > Long.MAX_VALUE - size) {
            throw new IllegalArgumentException("RAM [0x" + Long.toHexString(base) + ", +0x" + Long.toHexString(size) + ") is not addressable");
        }
        this.base = base;
        this.size = size;
        this.mapping = HostMapping.anonymous(size);
    }

    public long base() {
        return base;
    }

    public long size() {
        return size;
    }

    /** One past the last RAM address. */
    public long end() {
        return base + size;
    }

    /** The whole of RAM, as mapped into the guest. */
    public MemorySegment segment() {
        return mapping.segment();
    }

    /** Sets who hears of host-side writes (the running engine); replaces the previous listener. */
    public void setWriteListener(WriteListener l) {
        this.listener = Objects.requireNonNull(l, "listener");
    }

    /** True when {@code [gpa, gpa + length)} lies wholly in RAM (unsigned, overflow-safe). */
    public boolean contains(long gpa, long length) {
        return length >= 0 && ramBytesAt(gpa, length) == length;
    }

    @Override
    public long ramBytesAt(GuestAddress gpa, long length) {
        return ramBytesAt(gpa.value(), length);
    }

    /** {@link #ramBytesAt(GuestAddress, long)} for the board's own addresses. */
    public long ramBytesAt(long gpa, long length) {
        // Unsigned comparisons: gpa and length are guest-controlled 64-bit values.
        if (Long.compareUnsigned(gpa, base) < 0 || Long.compareUnsigned(gpa, end()) >= 0) {
            return 0;
        }
        long available = end() - gpa;
        return Long.compareUnsigned(length, available) < 0 ? length : available;
    }

    @Override
    public MemorySegment slice(GuestAddress gpa, long length) {
        return slice(gpa.value(), length);
    }

    /** {@link #slice(GuestAddress, long)} for the board's own addresses. */
    public MemorySegment slice(long gpa, long length) {
        if (!contains(gpa, length)) {
            throw new IndexOutOfBoundsException("[0x" + Long.toHexString(gpa) + ", +0x" + Long.toHexString(length)
                    + ") is not wholly guest RAM");
        }
        return mapping.segment().asSlice(gpa - base, length);
    }

    /** {@inheritDoc} Large copies go to the host's {@code memcpy} ({@link BulkCopy}). */
    @Override
    public void copyToRam(MemorySegment src, long srcOffset, GuestAddress gpa, long length) {
        BulkCopy.copy(src, srcOffset, slice(gpa, length), 0, length);
    }

    /** {@inheritDoc} Large copies go to the host's {@code memcpy} ({@link BulkCopy}). */
    @Override
    public void copyFromRam(GuestAddress gpa, MemorySegment dst, long dstOffset, long length) {
        BulkCopy.copy(slice(gpa, length), 0, dst, dstOffset, length);
    }

    @Override
    public void written(GuestAddress gpa, long length) {
        written(gpa.value(), length);
    }

    /** {@link #written(GuestAddress, long)} for the board's own addresses. */
    public void written(long gpa, long length) {
        if (length > 0) {
            listener.written(gpa, length);
        }
    }

    /** Copies {@code data} into RAM at {@code gpa} (a host load: kernel, initrd, device tree). */
    public void load(long gpa, MemorySegment data) {
        BulkCopy.copy(data, 0, slice(gpa, data.byteSize()), 0, data.byteSize());
        written(gpa, data.byteSize());
    }

    @Override
    public void close() {
        mapping.close();
    }
}
