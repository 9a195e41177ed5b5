package dev.virtfw.machine.unicorn;

/**
 * Receives the guest's accesses to a region mapped with {@link Unicorn#mmioMap}. The address is
 * guest-physical (region base + offset). May throw: the engine records the exception and stops.
 */
public interface MmioHandler {
    long read(long address, int size);

    void write(long address, int size, long value);
}
