package dev.virtfw.machine.devices;

import dev.virtfw.fwcfg.FwCfgDevice;
import dev.virtfw.fwcfg.FwCfgItems;
import dev.virtfw.fwcfg.FwCfgSelectObserver;
import dev.virtfw.fwcfg.GuestAddress;
import dev.virtfw.fwcfg.GuestMemory;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioDevice;

/**
 * The fw_cfg device (module device-fwcfg) on the board's bus. A system reset is the device's own
 * {@link FwCfgDevice#reset()}, QEMU's fw_cfg_reset: the signature selected, no DMA address latched.
 */
public final class FwCfgMmio implements MmioDevice, AutoCloseable {
    private final long base;
    private final FwCfgDevice device;

    public FwCfgMmio(long base, FwCfgItems items, GuestMemory memory) {
        this.base = base;
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
        device.reset();
    }

    @Override
    public void addDeviceTreeNode(DeviceTreeContext context) {
        device.addDeviceTreeNode(context.parent(), new GuestAddress(base));
    }

    /** The items served. */
    public void observeSelects(FwCfgSelectObserver observer) {
        device.observeSelects(observer);
    }

    public FwCfgItems items() {
        return device.items();
    }

    @Override
    public void close() {
        device.close();
    }
}
