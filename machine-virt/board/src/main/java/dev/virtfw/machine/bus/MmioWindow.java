package dev.virtfw.machine.bus;

import java.util.Objects;

/**
 * The common part of a device whose window is fixed when it is built: its name, base and size,
 * given once. Subclasses implement the registers and the device-tree node.
 */
public abstract class MmioWindow implements MmioDevice {
    private final String name;
    private final long base;
    private final long size;

    protected MmioWindow(String name, long base, long size) {
        this.name = Objects.requireNonNull(name, "name");
        this.base = base;
        this.size = size;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final long base() {
        return base;
    }

    @Override
    public final long size() {
        return size;
    }

    @Override
    public String toString() {
        return name + " at 0x" + Long.toHexString(base);
    }
}
