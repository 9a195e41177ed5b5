package dev.virtfw.machine.plugin;

import dev.virtfw.machine.bus.DeviceEnvironment;
import dev.virtfw.machine.bus.DeviceSpec;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioDevice;
import dev.virtfw.machine.bus.MmioDeviceProvider;

/** A device with a bug: every read throws. The machine must report it, not die. */
public final class FaultyDeviceProvider implements MmioDeviceProvider {
    @Override
    public String type() {
        return "test-faulty";
    }

    @Override
    public MmioDevice create(DeviceSpec spec, DeviceEnvironment environment) {
        return new MmioDevice() {
            @Override
            public String name() {
                return "faulty";
            }

            @Override
            public long base() {
                return spec.base();
            }

            @Override
            public long size() {
                return 0x1000;
            }

            @Override
            public long read(long offset, int size) {
                throw new IllegalStateException("device bug at offset " + offset);
            }

            @Override
            public void write(long offset, int size, long value) {}

            @Override
            public void addDeviceTreeNode(DeviceTreeContext context) {}
        };
    }
}
