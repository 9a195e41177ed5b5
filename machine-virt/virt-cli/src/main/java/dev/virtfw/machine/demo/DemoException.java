package dev.virtfw.machine.demo;

import dev.virtfw.machine.MachineException;

/** The demo could not prepare or clean up its files, or its options cannot be used. */
public final class DemoException extends MachineException {
    public DemoException(String message) {
        super(message);
    }

    public DemoException(String message, Throwable cause) {
        super(message, cause);
    }
}
