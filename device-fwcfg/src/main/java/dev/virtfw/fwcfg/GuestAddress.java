package dev.virtfw.fwcfg;

/**
 * A guest-physical address: an unsigned 64-bit value, kept apart from offsets and lengths so that
 * the two cannot be mixed up where they cross from the device to the board ({@link GuestMemory}).
 *
 * @param value the address, read as unsigned
 */
public record GuestAddress(long value) {
    /** The address {@code offset} bytes further on, wrapping past 2^64 as the guest's arithmetic does. */
    public GuestAddress plus(long offset) {
        return new GuestAddress(value + offset);
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(value);
    }
}
