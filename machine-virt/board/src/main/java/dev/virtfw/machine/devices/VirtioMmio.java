package dev.virtfw.machine.devices;

import dev.virtfw.devicetree.Node;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioWindow;
import dev.virtfw.machine.irq.Spi;

/**
 * A virtio-mmio transport with no device behind it, as QEMU 7.2's {@code hw/virtio/virtio-mmio.c}
 * answers when nothing is plugged into it (the virt board has 32 of them): MagicValue reads
 * "virt", Version reads 1 (the legacy interface: QEMU's {@code force-legacy} defaults to on, and a
 * guest on QEMU 7.2's virt reads 1), VendorID reads "QEMU", every other register (DeviceID
 * included: 0 means "no device", so no driver claims it) reads 0, and writes are ignored (Virtual
 * I/O Device specification 1.1, section 4.2.2 "MMIO Device Register Layout" for the offsets).
 * A value is answered at its register's offset; a narrower read there gets its low bytes, as on
 * QEMU.
 */
public final class VirtioMmio extends MmioWindow {
    /** QEMU's virt: each transport's window. */
    public static final long SIZE = 0x200;

    // Register offsets (virtio 1.1, 4.2.2).
    static final int MAGIC_VALUE = 0x000;
    static final int VERSION = 0x004;
    static final int DEVICE_ID = 0x008;
    static final int VENDOR_ID = 0x00C;

    /** "virt" in little-endian order. */
    static final int MAGIC = 0x7472_6976;
    /** The legacy (pre-1.0) interface. */
    static final int VERSION_LEGACY = 1;
    /** "QEMU" in little-endian order: QEMU's VIRT_VENDOR. */
    static final int VENDOR_QEMU = 0x554D_4551;

    private final Spi irq;

    public VirtioMmio(long base, Spi irq) {
        super("virtio-mmio", base, SIZE);
        this.irq = irq;
    }

    @Override
    public long read(long offset, int size) {
        return switch ((int) offset) {
            case MAGIC_VALUE -> MAGIC;
            case VERSION -> VERSION_LEGACY;
            case VENDOR_ID -> VENDOR_QEMU;
            default -> 0;   // DeviceID 0: no device
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        // no backend: every register ignores writes
    }

    @Override
    public void addDeviceTreeNode(DeviceTreeContext context) {
        Node node = context.parent().addChild("virtio_mmio@" + Long.toHexString(base()));
        node.putEmpty("dma-coherent");
        node.putU32("interrupts", irq.cells(Spi.FDT_EDGE_RISING));
        node.putU64("reg", base(), SIZE);
        node.putString("compatible", "virtio,mmio");
    }
}
