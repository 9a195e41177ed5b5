package dev.virtfw.machine.cli;

/** A command-line problem: printed as one line, the process exits with {@link #exitCode()}. */
public final class CliException extends RuntimeException {
    private final ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
