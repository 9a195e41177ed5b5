package dev.virtfw.machine.console;

/** Where the console's received characters come from. Never blocks: the guest polls. */
@FunctionalInterface
public interface ConsoleInput {
    /** Returned by {@link #poll()} when no byte is available now. */
    int NONE = -1;

    /** The next byte (0..255), or {@link #NONE} when none is waiting. */
    int poll();

    /** No input at all. */
    static ConsoleInput none() {
        return () -> NONE;
    }
}
