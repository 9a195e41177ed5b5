package dev.virtfw.fwcfg;

import java.lang.foreign.MemorySegment;

/**
 * Guest-physical memory as the fw_cfg DMA engine sees it. The board implements it over its RAM;
 * the device only asks and never creates or maps memory.
 */
public interface GuestMemory {
    /**
     * How many bytes of {@code [gpa, gpa + length)}, starting at {@code gpa}, are contiguous guest RAM:
     * 0 if {@code gpa} is not RAM. The length is an unsigned 64-bit value; a range that would wrap
     * past 2^64 counts as RAM only up to the wrap.
     */
    long ramBytesAt(GuestAddress gpa, long length);

    /** A view of {@code [gpa, gpa + length)}, which {@link #ramBytesAt} said is wholly RAM. */
    MemorySegment slice(GuestAddress gpa, long length);

    /**
     * Copies {@code length} bytes of {@code src} from {@code srcOffset} into RAM at {@code gpa}, a
     * range {@link #ramBytesAt} said is wholly RAM: a DMA's bulk store. The default is
     * {@link MemorySegment#copy} into {@link #slice}; a board may use a faster host copy, with the
     * same bounds checks (the range must still be wholly RAM, {@code src} must hold the bytes).
     * The caller reports the write with {@link #written}.
     */
    default void copyToRam(MemorySegment src, long srcOffset, GuestAddress gpa, long length) {
        MemorySegment.copy(src, srcOffset, slice(gpa, length), 0, length);
    }

    /**
     * Copies {@code length} bytes of RAM at {@code gpa}, a range {@link #ramBytesAt} said is wholly
     * RAM, into {@code dst} from {@code dstOffset}: a DMA's bulk load. Default and contract as
     * {@link #copyToRam}.
     */
    default void copyFromRam(GuestAddress gpa, MemorySegment dst, long dstOffset, long length) {
        MemorySegment.copy(slice(gpa, length), 0, dst, dstOffset, length);
    }

    /**
     * What a store outside RAM did: {@code bytes} (at least 1) of the data were consumed, and they
     * reached something ({@code decoded}) or were dropped at an address where nothing is mapped.
     */
    record Outside(long bytes, boolean decoded) {
        public Outside {
            if (bytes < 1) {
                throw new IllegalArgumentException("a store outside RAM must consume at least one byte");
            }
        }
    }

    /**
     * Stores the start of {@code data} at {@code gpa}, an address that is not RAM ({@link
     * #ramBytesAt} is 0 there), as the board's memory map routes it, the way QEMU's
     * {@code address_space_write} does for a DMA: bytes aimed at a device's registers are written
     * to it, bytes aimed at nothing are dropped (QEMU's decode error). Returns how much of
     * {@code data} it consumed; the caller goes on with the rest (which may be RAM again). The
     * default is a board with nothing but RAM: everything up to the next 4 KiB boundary is dropped.
     */
    default Outside storeOutsideRam(GuestAddress gpa, MemorySegment data) {
        long toPage = PAGE - (gpa.value() & (PAGE - 1));
        return new Outside(Math.min(toPage, data.byteSize()), false);
    }

    /**
     * Loads the start of {@code into} from {@code gpa}, an address that is not RAM, as the board's
     * memory map routes it (a ROM or a device's registers), the way QEMU's
     * {@code address_space_read} does for a DMA; bytes from nowhere read as zero and are not
     * decoded. Returns how much of {@code into} it filled. Default: nothing but RAM.
     */
    default Outside loadOutsideRam(GuestAddress gpa, MemorySegment into) {
        long toPage = PAGE - (gpa.value() & (PAGE - 1));
        long n = Math.min(toPage, into.byteSize());
        into.asSlice(0, n).fill((byte) 0);
        return new Outside(n, false);
    }

    /** The granule {@link #storeOutsideRam}'s default steps by. */
    long PAGE = 4096;

    /** Called after the device wrote {@code [gpa, gpa + length)} (a board invalidates translated code there). */
    default void written(GuestAddress gpa, long length) {
    }
}
