package dev.virtfw.machine;

/**
 * How a run of the machine ended.
 *
 * @param reason     what ended it
 * @param exitStatus the process exit status the CLI uses (0 for power-off and a reset with
 *                   -no-reboot; 3 when the guest did something the board cannot model or a limit
 *                   ended it)
 * @param message    one line saying what happened (empty for a clean power-off)
 */
public record RunResult(Reason reason, int exitStatus, String message) {
    /** Exit status of a guest that did something the board cannot model, or was stopped by a limit. */
    public static final int GUEST_STOPPED = 3;

    public enum Reason {
        /** PSCI SYSTEM_OFF. */
        POWER_OFF,
        /** PSCI SYSTEM_RESET with -no-reboot. */
        RESET,
        /** The device tree was written to a file (-M virt,dumpdtb=FILE); nothing ran. */
        DTB_DUMPED,
        /** An access, instruction or exception the board cannot model. */
        GUEST_FAULT,
        /** PSCI CPU_OFF on the only CPU: nothing could run again. */
        CPU_OFF,
        /** The instruction bound was reached. */
        INSTRUCTION_LIMIT,
        /** The wall-time bound was reached. */
        TIME_LIMIT,
        /** The person at the console ended the machine (Ctrl-A x), status 0 as QEMU's. */
        TERMINATED
    }

    static RunResult ok(Reason reason, String message) {
        return new RunResult(reason, 0, message);
    }

    static RunResult stopped(Reason reason, String message) {
        return new RunResult(reason, GUEST_STOPPED, message);
    }
}
