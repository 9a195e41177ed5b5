package dev.virtfw.machine.flash;

import dev.virtfw.machine.memory.HostMapping;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A bank with no backing file: its contents live as long as the store. QEMU's virt gives such a
 * bank all-zero contents (its RAM is zero-filled, it does not erase it), so this store starts
 * zero too unless firmware is loaded into it. The contents are an anonymous mapping, populated on
 * first touch: a JFR profile of U-Boot's start showed zero-filling each 64 MiB bank on the heap
 * arena costing 40-90 ms, most of it for pages the guest never reads.
 */
public final class VolatileFlashStore implements FlashStore {
    private final HostMapping mapping;
    private final MemorySegment array;

    /** A zero-filled bank of {@code size} bytes. */
    public VolatileFlashStore(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("bank size must be positive: " + size);
        }
        this.mapping = HostMapping.anonymous(size);
        this.array = mapping.segment();
    }

    /**
     * Copies {@code image} to the start of the bank, as QEMU does with {@code -bios} for bank 0.
     *
     * @throws IllegalArgumentException the image is larger than the bank
     */
    public void load(MemorySegment image) {
        Objects.requireNonNull(image, "image");
        if (image.byteSize() > array.byteSize()) {
            throw new IllegalArgumentException("image of " + image.byteSize() + " bytes does not fit the "
                    + array.byteSize() + "-byte flash bank");
        }
        MemorySegment.copy(image, 0, array, 0, image.byteSize());
    }

    @Override
    public MemorySegment array() {
        return array.asReadOnly();
    }

    @Override
    public boolean writable() {
        return true;
    }

    @Override
    public void write(long offset, MemorySegment data) {
        MemorySegment.copy(data, 0, array, offset, data.byteSize());
    }

    @Override
    public void fill(long offset, long length, byte value) {
        array.asSlice(offset, length).fill(value);
    }

    @Override
    public void close() {
        mapping.close();
    }
}
