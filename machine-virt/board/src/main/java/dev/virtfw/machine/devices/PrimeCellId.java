package dev.virtfw.machine.devices;

/**
 * The identification registers at the top of an Arm PrimeCell's 4 KiB window: one byte per 32-bit
 * word, the peripheral IDs then the PrimeCell IDs ({@code 0d f0 05 b1}), ending at offset 0xFFC.
 * As QEMU's PrimeCell models answer, any offset inside a word reads that word's byte.
 *
 * @param first the offset of the first ID word (0xFE0, or 0xFD0 when PeriphID4-7 are present)
 * @param bytes one value per word from {@code first}
 */
record PrimeCellId(int first, int... bytes) {
    /** The end of the window the IDs close. */
    static final int END = 0x1000;

    PrimeCellId {
        if (first + bytes.length * 4 != END) {
            throw new IllegalArgumentException("PrimeCell IDs from 0x" + Integer.toHexString(first)
                    + " must end at 0xFFC: " + bytes.length + " words");
        }
        bytes = bytes.clone();
    }

    /** Whether {@code offset} is one of the ID registers. */
    boolean covers(long offset) {
        return offset >= first && offset < END;
    }

    /** The ID byte of the word holding {@code offset} (which {@link #covers}). */
    int read(long offset) {
        return bytes[(int) (offset - first) >> 2];
    }
}
