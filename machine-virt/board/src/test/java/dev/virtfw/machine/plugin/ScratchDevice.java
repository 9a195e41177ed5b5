package dev.virtfw.machine.plugin;

import dev.virtfw.devicetree.Node;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioDevice;

/**
 * A device from outside the machine's code: a read-only 64-bit ID register at +0 (from the
 * {@code id=} option) and a 64-bit scratch register at +8, both reachable with 4- and 8-byte
 * accesses (an 8-byte access arrives as two 4-byte halves, lower first).
 */
final class ScratchDevice implements MmioDevice {
    static final long SIZE = 0x1000;
    private final long base;
    private final long id;
    private long scratch;

    ScratchDevice(long base, long id) {
        this.base = base;
        this.id = id;
    }

    @Override
    public String name() {
        return "scratch";
    }

    @Override
    public long base() {
        return base;
    }

    @Override
    public long size() {
        return SIZE;
    }

    @Override
    public boolean accepts(long offset, int size, boolean isWrite) {
        return (size == 4 || size == 8) && (offset & (size - 1)) == 0 && offset + size <= 16 && !(isWrite && offset < 8);
    }

    @Override
    public long read(long offset, int size) {
        long reg = offset < 8 ? id : scratch;
        long v = reg >>> ((offset & 4) * 8);
        return size == 8 ? v : v & 0xFFFF_FFFFL;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (size == 8) {
            scratch = value;
        } else {
            int shift = (int) (offset & 4) * 8;
            scratch = (scratch & ~(0xFFFF_FFFFL << shift)) | ((value & 0xFFFF_FFFFL) << shift);
        }
    }

    @Override
    public void addDeviceTreeNode(DeviceTreeContext context) {
        Node n = context.parent().addChild("scratch@" + Long.toHexString(base));
        n.putU64("reg", base, SIZE);
        n.putString("compatible", "virtfw,test-scratch");
    }
}
