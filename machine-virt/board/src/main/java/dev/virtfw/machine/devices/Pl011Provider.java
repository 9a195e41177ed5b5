package dev.virtfw.machine.devices;

import dev.virtfw.machine.ConfigException;
import dev.virtfw.machine.bus.DeviceEnvironment;
import dev.virtfw.machine.bus.DeviceSpec;
import dev.virtfw.machine.bus.MmioDevice;
import dev.virtfw.machine.bus.MmioDeviceProvider;

/** {@code --device pl011,base=ADDR}: another PL011 on the machine's console, through the same SPI as any device. */
public final class Pl011Provider implements MmioDeviceProvider {
    @Override
    public String type() {
        return "pl011";
    }

    @Override
    public MmioDevice create(DeviceSpec spec, DeviceEnvironment environment) {
        if (!spec.options().isEmpty()) {
            throw new ConfigException("--device pl011: unknown option(s) " + spec.options().keySet() + " (only base=)");
        }
        return new Pl011(spec.base(), environment.console());
    }
}
