package dev.virtfw.machine.unicorn;

import dev.virtfw.machine.MachineException;

/**
 * A Unicorn call failed or the library cannot be used. {@link #code()} is the {@code uc_err}
 * value, or {@link #NO_LIBRARY} / {@link #TOO_OLD} when the library itself is the problem.
 */
public final class UnicornException extends MachineException {
    /** The library could not be found or loaded. */
    public static final int NO_LIBRARY = -1;
    /** The library is older than the 2.1 this machine needs. */
    public static final int TOO_OLD = -2;

    private final int code;
    private final String operation;

    public UnicornException(int code, String operation, String message) {
        super(message);
        this.code = code;
        this.operation = operation;
    }

    public UnicornException(int code, String operation, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.operation = operation;
    }

    /** The {@code uc_err} code, or one of the negative library codes above. */
    public int code() {
        return code;
    }

    /** The C function (with its arguments when they explain the failure) that failed. */
    public String operation() {
        return operation;
    }
}
