package dev.virtfw.machine;

/** The machine itself failed (a device or host-side bug), not the guest: reported, never hidden. */
public final class MachineFailureException extends MachineException {
    public MachineFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
