package dev.virtfw.machine.pci;

/**
 * Where QEMU 7.2's virt board puts the generic PCIe host's windows ({@code hw/arm/virt.c},
 * base_memmap and extended_memmap). With {@code highmem} (the default) the ECAM is the 256 MiB
 * high one, 256 buses, at 0x40_1000_0000 and a 512 GiB 64-bit window sits at 0x80_0000_0000 (both
 * after the 256 GiB the memory map keeps for RAM, for every RAM size this board accepts); without
 * it the ECAM is the 16 MiB low one at 0x3F00_0000 (16 buses) and there is no 64-bit window. The
 * 32-bit memory window (0x1000_0000 to 0x3EFE_FFFF) and the 64 KiB I/O window at 0x3EFF_0000 are
 * always there.
 *
 * @param ecamBase     the ECAM window
 * @param ecamSize     its size: 1 MiB per bus
 * @param mmioBase     the 32-bit memory window, at the same PCI address
 * @param mmioSize     its size
 * @param pioBase      the I/O window (PCI I/O address 0)
 * @param pioSize      its size
 * @param highMmioBase the 64-bit memory window, at the same PCI address
 * @param highMmioSize its size, 0 when there is none
 */
public record PcieLayout(long ecamBase, long ecamSize, long mmioBase, long mmioSize, long pioBase, long pioSize,
                         long highMmioBase, long highMmioSize) {
    // hw/arm/virt.c base_memmap: VIRT_PCIE_MMIO, VIRT_PCIE_PIO, VIRT_PCIE_ECAM
    static final long MMIO_BASE = 0x1000_0000L;
    static final long MMIO_SIZE = 0x2EFF_0000L;
    static final long PIO_BASE = 0x3EFF_0000L;
    static final long PIO_SIZE = 0x1_0000L;
    static final long LOW_ECAM_BASE = 0x3F00_0000L;
    static final long LOW_ECAM_SIZE = 0x100_0000L;
    // extended_memmap after the 256 GiB RAM limit: VIRT_HIGH_PCIE_ECAM, VIRT_HIGH_PCIE_MMIO
    static final long HIGH_ECAM_BASE = 0x40_1000_0000L;
    static final long HIGH_ECAM_SIZE = 0x1000_0000L;
    static final long HIGH_MMIO_BASE = 0x80_0000_0000L;
    static final long HIGH_MMIO_SIZE = 0x80_0000_0000L;
    /** Each bus takes 1 MiB of ECAM (32 devices x 8 functions x 4 KiB). */
    static final long ECAM_BYTES_PER_BUS = 1L << 20;

    /** QEMU's virt layout with or without {@code highmem}. */
    public static PcieLayout virt(boolean highmem) {
        return highmem
                ? new PcieLayout(HIGH_ECAM_BASE, HIGH_ECAM_SIZE, MMIO_BASE, MMIO_SIZE, PIO_BASE, PIO_SIZE,
                        HIGH_MMIO_BASE, HIGH_MMIO_SIZE)
                : new PcieLayout(LOW_ECAM_BASE, LOW_ECAM_SIZE, MMIO_BASE, MMIO_SIZE, PIO_BASE, PIO_SIZE, 0, 0);
    }

    /** The number of buses the ECAM window covers. */
    public int buses() {
        return (int) (ecamSize / ECAM_BYTES_PER_BUS);
    }

    public boolean hasHighMmio() {
        return highMmioSize > 0;
    }
}
