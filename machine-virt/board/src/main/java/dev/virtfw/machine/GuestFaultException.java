package dev.virtfw.machine;

/**
 * The guest did something the board cannot model (an access to unmapped memory, a register access
 * a device refuses, an exception the CPU raised): the machine stops with exit status 3. Thrown by
 * the bus and the board inside emulator callbacks; the engine records it and stops the run.
 */
public final class GuestFaultException extends MachineException {
    /** No address applies (an exception that is not a memory access). */
    public static final long NO_ADDRESS = -1L;

    private final long address;

    public GuestFaultException(String what, long address) {
        super(what);
        this.address = address;
    }

    /** The guest-physical address involved, or {@link #NO_ADDRESS}. */
    public long address() {
        return address;
    }
}
