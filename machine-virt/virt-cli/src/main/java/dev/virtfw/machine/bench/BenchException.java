package dev.virtfw.machine.bench;

import dev.virtfw.machine.MachineException;

/** The benchmark could not measure: an emulator failed, a guest reported an error or loaded wrong bytes. */
public final class BenchException extends MachineException {
    public BenchException(String message) {
        super(message);
    }

    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
