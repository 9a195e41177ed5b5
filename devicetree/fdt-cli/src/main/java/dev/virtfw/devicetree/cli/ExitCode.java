package dev.virtfw.devicetree.cli;

/**
 * The exit statuses of {@code ./fdt}. Every path out of the command ends with one of these;
 * nothing else calls {@link System#exit(int)} with a number.
 */
public enum ExitCode {
    /** The command did what was asked; {@code validate} found nothing, {@code diff} found the trees equal. */
    OK(0, "success; validate found nothing; diff found the trees equal"),
    /** The command ran on good input and its answer is "no": {@code validate} found problems, {@code diff} found differences. */
    FOUND_PROBLEMS(1, "validate found problems; diff found differences"),
    /** The input was refused: a bad option, a missing or unreadable file, a malformed or hostile blob. */
    INVALID_INPUT(2, "invalid input: bad option, missing or unreadable file, malformed blob"),
    /** The environment got in the way of an otherwise good request, such as an output file that cannot be written. */
    UNEXPECTED_STATE(3, "unexpected state, such as a failed write of the output"),
    /** A bug in fdt itself: an exception nobody expected. */
    INTERNAL(4, "internal error in fdt");

    private final int status;
    private final String meaning;

    ExitCode(int status, String meaning) {
        this.status = status;
        this.meaning = meaning;
    }

    /** The process exit status. */
    public int status() {
        return status;
    }

    /** What the status means, as the help lists it. */
    public String meaning() {
        return meaning;
    }
}
