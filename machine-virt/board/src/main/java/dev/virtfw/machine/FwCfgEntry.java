package dev.virtfw.machine;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A named fw_cfg file given by configuration: {@code -fw_cfg [name=]NAME,file=PATH} or
 * {@code -fw_cfg [name=]NAME,string=STR}. Exactly one of {@code file} and {@code string} is set.
 */
public record FwCfgEntry(String name, Path file, String string) {
    public FwCfgEntry {
        Objects.requireNonNull(name, "name");
        if ((file == null) == (string == null)) {
            throw new IllegalArgumentException("fw_cfg entry " + name + ": exactly one of file and string");
        }
    }

    public static FwCfgEntry ofFile(String name, Path file) {
        return new FwCfgEntry(name, Objects.requireNonNull(file, "file"), null);
    }

    public static FwCfgEntry ofString(String name, String string) {
        return new FwCfgEntry(name, null, Objects.requireNonNull(string, "string"));
    }

    /**
     * Parses QEMU's {@code -fw_cfg} argument: {@code [name=]NAME,file=PATH} or
     * {@code [name=]NAME,string=STR} (a string may itself hold commas, QEMU's ",," is one comma).
     */
    public static FwCfgEntry parse(String text) {
        String rest = text;
        String name;
        int comma = rest.indexOf(',');
        String first = comma < 0 ? rest : rest.substring(0, comma);
        if (first.startsWith("name=")) {
            name = first.substring("name=".length());
        } else if (first.contains("=")) {
            throw new ConfigException("-fw_cfg " + text + ": expected [name=]NAME,file=PATH or [name=]NAME,string=STR");
        } else {
            name = first;
        }
        if (name.isEmpty()) {
            throw new ConfigException("-fw_cfg " + text + ": the name is empty");
        }
        if (comma < 0) {
            throw new ConfigException("-fw_cfg " + text + ": file=PATH or string=STR is missing");
        }
        String source = rest.substring(comma + 1).replace(",,", ",");
        if (source.startsWith("file=")) {
            String path = source.substring("file=".length());
            if (path.isEmpty()) {
                throw new ConfigException("-fw_cfg " + text + ": file= is empty");
            }
            return ofFile(name, Path.of(path));
        }
        if (source.startsWith("string=")) {
            return ofString(name, source.substring("string=".length()));
        }
        throw new ConfigException("-fw_cfg " + text + ": expected file=PATH or string=STR after the name");
    }
}
