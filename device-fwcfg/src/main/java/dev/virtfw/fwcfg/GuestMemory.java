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

    /** Called after the device wrote {@code [gpa, gpa + length)} (a board invalidates translated code there). */
    default void written(GuestAddress gpa, long length) {
    }
}
