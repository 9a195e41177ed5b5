package dev.virtfw.machine;

/**
 * Root of the machine's exception family: every failure the library reports is one of these, with
 * a message that reads as one line on its own (the CLI prints it after {@code "error: "}).
 */
public abstract class MachineException extends RuntimeException {
    protected MachineException(String message) {
        super(message);
    }

    protected MachineException(String message, Throwable cause) {
        super(message, cause);
    }
}
