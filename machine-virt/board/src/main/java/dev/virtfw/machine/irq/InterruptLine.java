package dev.virtfw.machine.irq;

/**
 * One wire from a device to the interrupt controller. Level-sensitive: the device drives it high
 * while it wants service and low once serviced, as the virt board's PrimeCell devices and the
 * generic timer do. Setting the level it already has does nothing.
 */
@FunctionalInterface
public interface InterruptLine {
    void set(boolean level);

    /** A line connected to nothing (a device built outside a board). */
    InterruptLine NONE = level -> {};
}
