package dev.virtfw.machine.pci;

import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioWindow;

/**
 * The host bridge's ECAM window (PCI Express Base Specification, section 7.2.2 "PCI Express
 * Enhanced Configuration Access Mechanism"): address bits 27:20 the bus, 19:15 the device, 14:12
 * the function, 11:0 the register. Only the host bridge function 00:00.0 exists; every other
 * function, like QEMU's empty slots, reads all ones and ignores writes. The window also carries
 * the {@code pcie@...} node of the whole host ({@link Gpex#addDeviceTreeNode}).
 */
final class PcieEcam extends MmioWindow {
    private static final int DEVFN_SHIFT = 12;
    private static final int REGISTER_MASK = 0xFFF;

    private final Gpex host;
    private final HostBridgeConfig bridge = new HostBridgeConfig();

    PcieEcam(Gpex host) {
        super("pcie-ecam", host.layout().ecamBase(), host.layout().ecamSize());
        this.host = host;
    }

    @Override
    public long read(long offset, int size) {
        return isBridge(offset) ? bridge.read((int) offset & REGISTER_MASK, size) : -1L;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (isBridge(offset)) {
            bridge.write((int) offset & REGISTER_MASK, size, value);
        }
    }

    /** Bus 0, device 0, function 0. */
    private static boolean isBridge(long offset) {
        return offset >>> DEVFN_SHIFT == 0;
    }

    @Override
    public void reset() {
        bridge.reset();
    }

    @Override
    public void addDeviceTreeNode(DeviceTreeContext context) {
        host.addDeviceTreeNode(context);
    }
}
