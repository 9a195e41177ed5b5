package dev.virtfw.machine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code --config machine.json} file: the same settings as the options, e.g.
 * <pre>{@code
 * { "cpu": "cortex-a57", "memory": "512M", "bios": "u-boot.bin",
 *   "kernel": "Image", "initrd": "initrd.img", "append": "console=ttyAMA0",
 *   "fwCfg": [ {"name": "opt/hello", "string": "hi"}, {"name": "opt/blob", "file": "blob.bin"} ],
 *   "devices": [ "pl011,base=0x9040000" ],
 *   "noReboot": true, "nographic": true,
 *   "limits": { "instructions": 0, "seconds": 60 },
 *   "trace": [ "fw_cfg" ] }
 * }</pre>
 * Relative paths are relative to the file's folder. Options on the command line override single
 * values and add to lists.
 */
public record ConfigFile(
        String cpu,
        Object memory,
        String bios,
        String kernel,
        String initrd,
        String append,
        String dtb,
        List<FwCfg> fwCfg,
        List<String> devices,
        Boolean noReboot,
        Boolean nographic,
        Limits limits,
        List<String> trace) {

    /** One fw_cfg file: {@code name} and exactly one of {@code file} and {@code string}. */
    public record FwCfg(String name, String file, String string) {}

    /** Runaway bounds: instructions per boot, seconds of wall time. */
    public record Limits(Long instructions, Double seconds) {}

    /** Reads and checks the file; any problem is one {@link CliException} line. */
    public static ConfigFile read(Path path) {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        if (!java.nio.file.Files.isRegularFile(path)) {
            throw new CliException(ExitCode.INVALID_INPUT, "--config " + path + ": no such file");
        }
        try {
            ConfigFile c = mapper.readValue(path.toFile(), ConfigFile.class);
            if (c == null) {
                throw new CliException(ExitCode.INVALID_INPUT, "--config " + path + ": the file is empty");
            }
            return c;
        } catch (UnrecognizedPropertyException e) {
            throw new CliException(ExitCode.INVALID_INPUT, "--config " + path + ": unknown setting \""
                    + e.getPropertyName() + "\" (known: " + e.getKnownPropertyIds() + ")");
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new CliException(ExitCode.INVALID_INPUT, "--config " + path + ": "
                    + (loc == null ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ")
                    + e.getOriginalMessage().lines().findFirst().orElse("invalid JSON"));
        } catch (IOException e) {
            throw new CliException(ExitCode.INVALID_INPUT, "--config " + path + ": cannot read: " + e.getMessage());
        }
    }
}
