package dev.virtfw.machine.irq;

/**
 * The board's interrupt controller as the CPU and the devices see it: input wires for PPIs and
 * SPIs, and the IRQ and FIQ outputs the board turns into the CPU's interrupt inputs between two
 * runs of the engine. QEMU's virt has a GICv2 ({@link Gicv2}) or, with {@code gic-version=3}, a
 * GICv3 ({@link Gicv3}).
 */
public sealed interface InterruptController permits Gicv2, Gicv3 {
    /** Whether the CPU interface signals IRQ to the CPU now. */
    boolean irqOutput();

    /** Whether the CPU interface signals FIQ to the CPU now. */
    boolean fiqOutput();

    /** Told whenever an output may have changed (called with the state already updated). */
    void setOutputListener(Runnable listener);

    /** The input wire of interrupt {@code intid} (a PPI 16-31 or an SPI 32 and up). */
    InterruptLine line(int intid);

    /** Shared peripheral interrupt {@code n}: INTID 32 + n. */
    default Spi spi(int n) {
        return new Spi(n, line(32 + n));
    }

    /** Power-on state. */
    void reset();
}
