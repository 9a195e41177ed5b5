package dev.virtfw.machine;

/** The machine's configuration cannot be used: a missing file, a malformed option, a size out of range. */
public final class ConfigException extends MachineException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
