package dev.virtfw.machine.irq;

import java.util.Objects;

/**
 * A shared peripheral interrupt as a device sees it: its SPI number (what the device tree names,
 * INTID - 32) and the wire to the GIC.
 *
 * @param number the SPI number, 0 and up
 * @param line   the wire, driven by the device
 */
public record Spi(int number, InterruptLine line) {
    /** GIC_FDT_IRQ_TYPE_SPI: the first cell of a GIC interrupt specifier for an SPI. */
    public static final int FDT_TYPE_SPI = 0;
    /** GIC_FDT_IRQ_FLAGS_EDGE_LO_HI. */
    public static final int FDT_EDGE_RISING = 1;
    /** GIC_FDT_IRQ_FLAGS_LEVEL_HI. */
    public static final int FDT_LEVEL_HIGH = 4;

    public Spi {
        if (number < 0) {
            throw new IllegalArgumentException("SPI " + number);
        }
        Objects.requireNonNull(line, "line");
    }

    /** An SPI wired to nothing (a device built outside a board). */
    public static Spi unconnected(int number) {
        return new Spi(number, InterruptLine.NONE);
    }

    /** The three cells of this interrupt in a device tree under the GIC: type, number, {@code flags}. */
    public int[] cells(int flags) {
        return new int[] {FDT_TYPE_SPI, number, flags};
    }
}
