package dev.virtfw.machine.cli;

/** The exit statuses of {@code ./virt}. */
public enum ExitCode {
    /** The guest powered off (or reset with -no-reboot), or the device tree was dumped. */
    OK(0),
    /** An I/O or host failure outside the guest. */
    ERROR(1),
    /** The command line or configuration cannot be used. */
    INVALID_INPUT(2),
    /** The guest did something the board cannot model, or a bound stopped it. */
    GUEST_STOPPED(3),
    /** A bug in the machine itself. */
    INTERNAL(4);

    private final int status;

    ExitCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
