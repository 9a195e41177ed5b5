package dev.virtfw.machine.pci;

import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioWindow;

/**
 * One of the host bridge's windows onto the PCI bus (32-bit memory, I/O, 64-bit memory) with
 * nothing behind it: as QEMU 7.2's gpex answers with its default {@code allow-unmapped-accesses},
 * reads return all ones and writes are dropped, with no error for the guest.
 */
final class PcieWindow extends MmioWindow {

    PcieWindow(String name, long base, long size) {
        super(name, base, size);
    }

    @Override
    public long read(long offset, int size) {
        return -1L;
    }

    @Override
    public void write(long offset, int size, long value) {
        // nothing behind the window
    }

    @Override
    public void addDeviceTreeNode(DeviceTreeContext context) {
        // described by the host's node (on the ECAM window)
    }
}
