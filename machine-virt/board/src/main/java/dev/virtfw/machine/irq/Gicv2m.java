package dev.virtfw.machine.irq;

import dev.virtfw.devicetree.Node;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioWindow;

/**
 * A GICv2m MSI frame (Arm's "Server Base System Architecture", appendix on the GICv2m MSI frame),
 * as QEMU 7.2's {@code hw/intc/arm_gicv2m.c} models it: MSI_TYPER gives the first SPI's INTID and
 * how many SPIs the frame owns, MSI_IIDR names QEMU (product ID 'Q'), and a write of an INTID the
 * frame owns to MSI_SETSPI_NS pulses that SPI (so it latches when the guest configured it
 * edge-triggered, as MSI users do). Reads must be 32-bit and writes 16- or 32-bit; anything else
 * reads 0 or is ignored, as QEMU logs and ignores it.
 *
 * <p>The board describes the frame itself, as a {@code v2m@...} child of the GIC's node
 * ({@link #addFrameNode}); {@link #addDeviceTreeNode} adds nothing.
 */
public final class Gicv2m extends MmioWindow {
    /** QEMU's virt: the frame's window. */
    public static final long SIZE = 0x1000;
    /** QEMU's virt: the phandle of the v2m node, which PCIe's msi-map refers to. */
    public static final int PHANDLE = 0x8003;

    static final int MSI_TYPER = 0x008;
    static final int MSI_SETSPI_NS = 0x040;
    static final int MSI_IIDR = 0xFCC;
    /** QEMU's product ID in MSI_IIDR bits 31:20: ASCII 'Q'. */
    static final int PRODUCT_ID_QEMU = 0x51;

    private final int firstSpi;
    private final InterruptLine[] lines;

    /**
     * A frame at {@code base} owning SPIs {@code firstSpi} to {@code firstSpi + count - 1} of
     * {@code gic} (QEMU's virt: 48 and 64).
     */
    public Gicv2m(long base, Gicv2 gic, int firstSpi, int count) {
        super("gicv2m", base, SIZE);
        this.firstSpi = firstSpi;
        this.lines = new InterruptLine[count];
        for (int i = 0; i < count; i++) {
            lines[i] = gic.spi(firstSpi + i).line();
        }
    }

    @Override
    public long read(long offset, int size) {
        if (size != 4) {
            return 0;
        }
        return switch ((int) offset) {
            case MSI_TYPER -> (firstIntid() << 16) | lines.length;
            case MSI_IIDR -> PRODUCT_ID_QEMU << 20;   // implementer and revision 0
            default -> 0;                            // IIDR0-11 and the rest: reserved
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        if ((size != 2 && size != 4) || offset != MSI_SETSPI_NS) {
            return;
        }
        int spi = (int) (value & 0x3FF) - firstIntid();
        if (spi >= 0 && spi < lines.length) {
            lines[spi].set(true);
            lines[spi].set(false);
        }
    }

    private int firstIntid() {
        return Gicv2.INTERNAL + firstSpi;
    }

    @Override
    public void addDeviceTreeNode(DeviceTreeContext context) {
        // described by the board under the GIC's node (addFrameNode)
    }

    /** Adds the frame's {@code v2m@...} node under the GIC's node {@code gic}, as QEMU's virt does. */
    public Node addFrameNode(Node gic) {
        Node node = gic.addChild("v2m@" + Long.toHexString(base()));
        node.putU32("phandle", PHANDLE);
        node.putU64("reg", base(), SIZE);
        node.putEmpty("msi-controller");
        node.putString("compatible", "arm,gic-v2m-frame");
        return node;
    }
}
