package dev.virtfw.machine.bus;

import dev.virtfw.machine.ConfigException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A device asked for by configuration: {@code --device TYPE,base=0x...,key=value} or a
 * {@code devices} entry of the JSON configuration.
 *
 * @param type    the provider's {@link MmioDeviceProvider#type()}
 * @param base    guest-physical base address
 * @param options the other {@code key=value} pairs, in the order given
 */
public record DeviceSpec(String type, long base, Map<String, String> options) {
    public DeviceSpec {
        Objects.requireNonNull(type, "type");
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** Parses {@code TYPE,base=ADDR[,key=value...]}; ADDR is decimal or 0x-hexadecimal. */
    public static DeviceSpec parse(String text) {
        String[] parts = text.split(",", -1);
        String type = parts[0].strip();
        if (type.isEmpty() || type.contains("=")) {
            throw new ConfigException("--device " + text + ": expected TYPE,base=ADDRESS[,key=value...]");
        }
        Long base = null;
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--device " + text + ": '" + parts[i] + "' is not key=value");
            }
            String key = parts[i].substring(0, eq).strip();
            String value = parts[i].substring(eq + 1).strip();
            if (key.equals("base")) {
                base = parseAddress(value, "--device " + text + ": base");
            } else if (options.putIfAbsent(key, value) != null) {
                throw new ConfigException("--device " + text + ": option '" + key + "' given twice");
            }
        }
        if (base == null) {
            throw new ConfigException("--device " + text + ": base=ADDRESS is missing");
        }
        return new DeviceSpec(type, base, options);
    }

    /** An option's value. */
    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }

    /** Parses an address or number: decimal, or hexadecimal with 0x. */
    public static long parseAddress(String value, String what) {
        try {
            String v = value.strip().replace("_", "");
            if (v.startsWith("0x") || v.startsWith("0X")) {
                return Long.parseUnsignedLong(v.substring(2), 16);
            }
            return Long.parseUnsignedLong(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(what + ": '" + value + "' is not a number (decimal or 0x hexadecimal)");
        }
    }
}
