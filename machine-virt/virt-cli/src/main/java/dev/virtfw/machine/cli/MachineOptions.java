package dev.virtfw.machine.cli;

import dev.virtfw.machine.MachineConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code -M}/{@code -machine} options as QEMU 7.2 reads them: every occurrence is a
 * comma-separated list, the first item without {@code =} being the machine type (or
 * {@code type=...}), and the occurrences merge, a later value of a property replacing an earlier
 * one ({@code -M virt,dumpdtb=x -machine highmem=off}). The type is {@code virt} or its versioned
 * alias {@code virt-7.2}; the properties this board takes:
 *
 * <ul>
 *   <li>{@code dumpdtb=FILE}: write the device tree and run nothing;</li>
 *   <li>{@code highmem=on|off}: the PCIe host's high ECAM and 64-bit window, or QEMU's 32-bit layout;</li>
 *   <li>{@code acpi=off|auto}: the board never builds ACPI tables, so both mean what {@code off} means
 *       on QEMU; {@code acpi=on} is refused;</li>
 *   <li>{@code gic-version=2|3|max}: the GICv2 (the default) or the GICv3, which {@code max}
 *       means without virtualization, as on QEMU; 4 and host are refused with QEMU's reasons;</li>
 *   <li>{@code its=on|off}: a GICv3's ITS (on by default); without effect on a GICv2.</li>
 * </ul>
 *
 * Switches take QEMU's spellings: on/off, yes/no, true/false, y/n. Anything else is one
 * {@link CliException} line with {@link ExitCode#INVALID_INPUT}.
 */
final class MachineOptions {
    static final List<String> TYPES = List.of("virt", "virt-7.2");

    private MachineOptions() {}

    /** Merges the {@code -M} values, in order, and applies them to {@code b}. */
    static void apply(List<String> values, MachineConfig.Builder b) {
        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        for (String value : values) {
            String[] parts = value.split(",", -1);
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                int eq = part.indexOf('=');
                if (eq < 0 && i == 0) {
                    part = "type=" + part;
                    eq = "type".length();
                } else if (eq <= 0) {
                    throw invalid(value, "expected '=' after parameter '" + part + "'");
                }
                String key = part.substring(0, eq);
                properties.put(key, part.substring(eq + 1));
                origin.put(key, value);
            }
        }
        String type = properties.remove("type");
        if (type != null && !TYPES.contains(type)) {
            throw invalid(origin.get("type"), "only the virt machine is supported");
        }
        for (var e : properties.entrySet()) {
            String spec = origin.get(e.getKey());
            String v = e.getValue();
            switch (e.getKey()) {
                case "dumpdtb" -> {
                    if (v.isEmpty()) {
                        throw invalid(spec, "dumpdtb needs a file name");
                    }
                    b.dumpDtb(Path.of(v));
                }
                case "highmem" -> b.highmem(onOff(spec, "highmem", v));
                case "its" -> b.its(onOff(spec, "its", v));
                case "acpi" -> {
                    if (!v.equals("auto") && onOff(spec, "acpi", v)) {
                        throw invalid(spec, "ACPI tables are not generated (only acpi=off or auto)");
                    }
                }
                case "gic-version" -> {
                    switch (v.toLowerCase(Locale.ROOT)) {
                        case "2" -> b.gicVersion(2);
                        case "3", "max" -> b.gicVersion(3);
                        case "4" -> throw invalid(spec, "gic-version=4 requires virtualization enabled,"
                                + " which this board does not emulate");
                        case "host" -> throw invalid(spec, "gic-version=host requires KVM");
                        default -> throw invalid(spec, "gic-version: valid values are 2, 3, 4, host and max");
                    }
                }
                default -> throw invalid(spec, "unsupported machine option '" + e.getKey() + "=" + v
                        + "' (supported: dumpdtb, highmem, acpi, its, gic-version)");
            }
        }
    }

    /** QEMU's boolean spellings. */
    private static boolean onOff(String spec, String key, String v) {
        return switch (v) {
            case "on", "yes", "true", "y" -> true;
            case "off", "no", "false", "n" -> false;
            default -> throw invalid(spec, "parameter '" + key + "' expects 'on' or 'off'");
        };
    }

    private static CliException invalid(String spec, String what) {
        return new CliException(ExitCode.INVALID_INPUT, "-M " + spec + ": " + what);
    }
}
