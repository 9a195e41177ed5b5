package dev.virtfw.machine.bus;

/**
 * Creates devices of one type from configuration. Providers are found with
 * {@link java.util.ServiceLoader} (a jar lists its class in
 * {@code META-INF/services/dev.virtfw.machine.bus.MmioDeviceProvider}), so a device from another
 * jar on the class path is added with {@code --device TYPE,base=...} and no change to the machine.
 */
public interface MmioDeviceProvider {
    /** The TYPE of {@code --device TYPE,...}. */
    String type();

    /**
     * A new device at {@code spec.base()}; throws {@link dev.virtfw.machine.ConfigException} for an
     * option it does not know or cannot use.
     */
    MmioDevice create(DeviceSpec spec, DeviceEnvironment environment);
}
