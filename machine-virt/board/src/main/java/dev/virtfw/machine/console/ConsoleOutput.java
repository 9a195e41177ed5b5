package dev.virtfw.machine.console;

/** Where the console's transmitted characters go. */
public interface ConsoleOutput {
    /** One byte the guest transmitted (the low 8 bits count). */
    void write(int b);

    /** Makes everything written so far visible (called when the guest waits for input, and at the end). */
    default void flush() {}

    /** Discards output. */
    static ConsoleOutput discard() {
        return b -> {};
    }
}
