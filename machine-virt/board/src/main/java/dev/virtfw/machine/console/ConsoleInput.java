package dev.virtfw.machine.console;

/** Where the console's received characters come from. Never blocks: the guest polls. */
@FunctionalInterface
public interface ConsoleInput {
    /** Returned by {@link #poll()} when no byte is available now. */
    int NONE = -1;

    /** The next byte (0..255), or {@link #NONE} when none is waiting. */
    int poll();

    /**
     * Waits up to {@code nanos} for a byte to become available (without taking it); returns whether
     * one is. The default sleeps the whole time: an input that cannot wait for bytes has none coming.
     */
    default boolean await(long nanos) {
        try {
            Thread.sleep(java.time.Duration.ofNanos(Math.max(0, nanos)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /**
     * What to do when the person at the console asks to end the machine (Ctrl-A x on standard
     * input, as QEMU's -nographic). Default: an input that has no such key ignores it.
     */
    default void onQuit(Runnable action) {}

    /**
     * What to do when the console's monitor asks for a system reset ({@code system_reset}).
     * Default: an input without a monitor ignores it.
     */
    default void onReset(Runnable action) {}

    /**
     * What to do when the console's monitor presses the power key ({@code system_powerdown}).
     * Default: an input without a monitor ignores it.
     */
    default void onPowerdown(Runnable action) {}

    /** No input at all. */
    static ConsoleInput none() {
        return () -> NONE;
    }
}
