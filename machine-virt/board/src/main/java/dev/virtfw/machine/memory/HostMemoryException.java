package dev.virtfw.machine.memory;

import dev.virtfw.machine.MachineException;

/** The host could not provide memory for the guest (mmap failed). */
public final class HostMemoryException extends MachineException {
    private final long size;

    public HostMemoryException(long size, String message) {
        super(message);
        this.size = size;
    }

    /** Bytes that were asked for. */
    public long size() {
        return size;
    }
}
