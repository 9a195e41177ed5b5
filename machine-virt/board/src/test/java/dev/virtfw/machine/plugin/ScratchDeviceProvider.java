package dev.virtfw.machine.plugin;

import dev.virtfw.machine.ConfigException;
import dev.virtfw.machine.bus.DeviceEnvironment;
import dev.virtfw.machine.bus.DeviceSpec;
import dev.virtfw.machine.bus.MmioDevice;
import dev.virtfw.machine.bus.MmioDeviceProvider;

/** Registered in src/test/resources/META-INF/services: the machine finds it by ServiceLoader only. */
public final class ScratchDeviceProvider implements MmioDeviceProvider {
    @Override
    public String type() {
        return "test-scratch";
    }

    /** The environment of the last device created, for the tests to inspect. */
    static volatile DeviceEnvironment lastEnvironment;

    @Override
    public MmioDevice create(DeviceSpec spec, DeviceEnvironment environment) {
        lastEnvironment = environment;
        String id = spec.option("id").orElseThrow(() -> new ConfigException("--device test-scratch: id= is missing"));
        return new ScratchDevice(spec.base(), DeviceSpec.parseAddress(id, "--device test-scratch: id"));
    }
}
