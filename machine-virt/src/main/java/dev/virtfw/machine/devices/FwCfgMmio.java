package dev.virtfw.machine.devices;

import dev.virtfw.fwcfg.FwCfgDevice;
import dev.virtfw.fwcfg.FwCfgItems;
import dev.virtfw.fwcfg.GuestMemory;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioDevice;

/**
 * The fw_cfg device (module device-fwcfg) on the board's bus. A system reset starts a fresh device
 * over the same items, as QEMU's fw_cfg_reset returns to the signature with no DMA address latched.
 */
public final class FwCfgMmio implements MmioDevice, AutoCloseable {
    private final long base;
    private final FwCfgItems items;
    private final GuestMemory memory;
    private FwCfgDevice device;

    public FwCfgMmio(long base, FwCfgItems items, GuestMemory memory) {
        this.base = base;
        this.items = items;
        this.memory = memory;
        this.device = new FwCfgDevice(items, memory);
    }

    @Override
    public String name() {
        return "fw_cfg";
    }

    @Override
    public long base() {
        return base;
    }

    @Override
    public long size() {
        return FwCfgDevice.MMIO_SIZE;
    }

    @Override
    public boolean accepts(long offset, int size, boolean isWrite) {
        return device.accepts(offset, size, isWrite);
    }

    @Override
    public long read(long offset, int size) {
        return device.read(offset, size);
    }

    @Override
    public void write(long offset, int size, long value) {
        device.write(offset, size, value);
    }

    @Override
    public void reset() {
        device = new FwCfgDevice(items, memory);
    }

    @Override
    public void addDeviceTreeNode(DeviceTreeContext context) {
        device.addDeviceTreeNode(context.parent(), base);
    }

    /** The items served. */
    public FwCfgItems items() {
        return items;
    }

    @Override
    public void close() {
        device.close();
    }
}
