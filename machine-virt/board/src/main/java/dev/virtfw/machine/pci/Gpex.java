package dev.virtfw.machine.pci;

import dev.virtfw.devicetree.Cell;
import dev.virtfw.devicetree.Node;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioDevice;
import dev.virtfw.machine.irq.Spi;
import java.util.ArrayList;
import java.util.List;

/**
 * QEMU 7.2's generic PCI Express host bridge ({@code hw/pci-host/gpex.c}) as the virt board
 * places it, with an empty bus: the ECAM window, where only the host bridge function 00:00.0
 * answers, and the memory and I/O windows, which read all ones and drop writes. Its
 * {@code pcie@...} node is QEMU's: {@code pci-host-ecam-generic}, the windows in {@code ranges},
 * legacy INTx swizzled over four SPIs in {@code interrupt-map}, MSIs through the GICv2m frame
 * ({@code msi-map}).
 */
public final class Gpex {
    /** PCI address space codes of a {@code ranges} entry's first cell (PCI bus binding, 2.2.1.1). */
    static final int SPACE_IO = 0x0100_0000;
    static final int SPACE_MEM32 = 0x0200_0000;
    static final int SPACE_MEM64 = 0x0300_0000;
    /** INTA to INTD. */
    static final int PCI_NUM_PINS = 4;
    /** interrupt-map covers device numbers 0-3; the swizzle repeats from there (mask 0x1800). */
    static final int MAP_DEVICES = 4;
    /** A device number sits at bit 11 of the unit address's first cell. */
    static final int DEVICE_SHIFT = 11;
    /** interrupt-map-mask's last cell: the pin (1-4) counts in full. */
    static final int PIN_MASK = 0x7;
    /** The highest requester ID the msi-map covers, plus one: the whole 16-bit space. */
    static final int MSI_MAP_LENGTH = 0x1_0000;

    private final PcieLayout layout;
    private final int firstIntxSpi;
    private final PcieEcam ecam;
    private final List<MmioDevice> windows = new ArrayList<>();

    /**
     * A host with {@code layout}'s windows whose INTA-INTD are the four SPIs from
     * {@code firstIntxSpi} (QEMU's virt: SPI 3 to 6). Nothing on the bus raises them.
     */
    public Gpex(PcieLayout layout, int firstIntxSpi) {
        this.layout = layout;
        this.firstIntxSpi = firstIntxSpi;
        this.ecam = new PcieEcam(this);
        windows.add(new PcieWindow("pcie-mmio", layout.mmioBase(), layout.mmioSize()));
        windows.add(new PcieWindow("pcie-pio", layout.pioBase(), layout.pioSize()));
        if (layout.hasHighMmio()) {
            windows.add(new PcieWindow("pcie-mmio-high", layout.highMmioBase(), layout.highMmioSize()));
        }
    }

    public PcieLayout layout() {
        return layout;
    }

    /** The ECAM window: it carries the host's device-tree node. */
    public MmioDevice ecam() {
        return ecam;
    }

    /** The memory and I/O windows (no device-tree node of their own). */
    public List<MmioDevice> windows() {
        return List.copyOf(windows);
    }

    /** QEMU's {@code pcie@<32-bit window base>} node, properties in QEMU's order. */
    void addDeviceTreeNode(DeviceTreeContext context) {
        Node gic = context.interruptController();
        Node node = context.parent().addChild("pcie@" + Long.toHexString(layout.mmioBase()));
        node.putU32("interrupt-map-mask", (MAP_DEVICES - 1) << DEVICE_SHIFT, 0, 0, PIN_MASK);
        node.putCells("interrupt-map", interruptMap(gic));
        node.putU32("#interrupt-cells", 1);
        List<Integer> ranges = new ArrayList<>(List.of(
                SPACE_IO, 0, 0, hi(layout.pioBase()), lo(layout.pioBase()), hi(layout.pioSize()), lo(layout.pioSize()),
                SPACE_MEM32, hi(layout.mmioBase()), lo(layout.mmioBase()), hi(layout.mmioBase()), lo(layout.mmioBase()),
                hi(layout.mmioSize()), lo(layout.mmioSize())));
        if (layout.hasHighMmio()) {
            ranges.addAll(List.of(SPACE_MEM64, hi(layout.highMmioBase()), lo(layout.highMmioBase()),
                    hi(layout.highMmioBase()), lo(layout.highMmioBase()), hi(layout.highMmioSize()),
                    lo(layout.highMmioSize())));
        }
        node.putU32("ranges", ranges.stream().mapToInt(Integer::intValue).toArray());
        node.putU64("reg", layout.ecamBase(), layout.ecamSize());
        context.msiController().ifPresent(msi ->
                node.putCells("msi-map", Cell.u32(0), Cell.ref(msi), Cell.u32(0), Cell.u32(MSI_MAP_LENGTH)));
        node.putEmpty("dma-coherent");
        node.putU32("bus-range", 0, layout.buses() - 1);
        node.putU32("linux,pci-domain", 0);
        node.putU32("#size-cells", 2);
        node.putU32("#address-cells", 3);
        node.putString("device_type", "pci");
        node.putString("compatible", "pci-host-ecam-generic");
    }

    /**
     * Each device's INTx pin on the GIC: pin p (1-4) of device d goes to SPI first + (p - 1 + d) % 4,
     * the swizzle of the PCI-to-PCI bridge specification (virt.c create_pcie_irq_map).
     */
    private Cell[] interruptMap(Node gic) {
        List<Cell> cells = new ArrayList<>();
        for (int device = 0; device < MAP_DEVICES; device++) {
            for (int pin = 1; pin <= PCI_NUM_PINS; pin++) {
                int spi = firstIntxSpi + (pin - 1 + device) % PCI_NUM_PINS;
                // child unit address (3 cells), pin; the GIC, its unit address (2 cells), the SPI
                cells.addAll(List.of(Cell.u32(device << DEVICE_SHIFT), Cell.u32(0), Cell.u32(0), Cell.u32(pin),
                        Cell.ref(gic), Cell.u32(0), Cell.u32(0),
                        Cell.u32(Spi.FDT_TYPE_SPI), Cell.u32(spi), Cell.u32(Spi.FDT_LEVEL_HIGH)));
            }
        }
        return cells.toArray(Cell[]::new);
    }

    private static int hi(long v) {
        return (int) (v >>> 32);
    }

    private static int lo(long v) {
        return (int) v;
    }
}
