package dev.virtfw.devicetree.cli;

import java.util.Objects;

/**
 * A failure the command reports as one line on standard error and an {@link ExitCode}. The
 * message is the whole line after {@code "error: "}; the cause, if any, is shown only with
 * {@code --verbose}.
 */
public final class CliException extends RuntimeException {
    private final ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        this(exitCode, message, null);
    }

    public CliException(ExitCode exitCode, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.exitCode = Objects.requireNonNull(exitCode, "exitCode");
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
