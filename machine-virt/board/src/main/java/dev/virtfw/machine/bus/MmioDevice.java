package dev.virtfw.machine.bus;

/**
 * A memory-mapped device on the board's bus: the service-provider interface every device
 * implements, built-in (PL011, fw_cfg) or from another jar (see {@link MmioDeviceProvider}).
 *
 * <p>Offsets are relative to {@link #base()}; values are what a little-endian guest's register
 * holds (the low {@code size} bytes count). The bus calls a device from one thread at a time and
 * only for accesses wholly inside {@code [0, size())} that {@link #accepts} allows. An 8-byte
 * guest access reaches the device as two 4-byte accesses, lower offset first (a Unicorn property):
 * a device that has 8-byte registers must give the same result both ways.
 */
public interface MmioDevice {
    /** A short name for messages and traces ("pl011", "fw_cfg"). */
    String name();

    /** Guest-physical base address. */
    long base();

    /** Size of the register window in bytes. */
    long size();

    /** A read of {@code size} (1, 2, 4 or 8) bytes at {@code offset}. */
    long read(long offset, int size);

    /** A write of {@code size} bytes at {@code offset}. */
    void write(long offset, int size, long value);

    /**
     * Whether the device takes this access; a refused access is never performed: the machine stops
     * and says what the guest did. Must have no side effect. Default: every access.
     */
    default boolean accepts(long offset, int size, boolean isWrite) {
        return true;
    }

    /** Adds this device's node(s) to the board's device tree; devices the guest finds otherwise add none. */
    void addDeviceTreeNode(DeviceTreeContext context);

    /** Returns to the power-on state (system reset). Default: nothing to do. */
    default void reset() {}
}
