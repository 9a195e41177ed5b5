package dev.virtfw.machine.console;

/** Input from a fixed byte sequence, offered one byte at a time, then nothing. */
public final class ScriptedInput implements ConsoleInput {
    private final byte[] bytes;
    private int next;

    public ScriptedInput(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    @Override
    public synchronized int poll() {
        return next < bytes.length ? bytes[next++] & 0xff : NONE;
    }

    @Override
    public synchronized boolean await(long nanos) {
        return next < bytes.length || ConsoleInput.super.await(nanos);
    }
}
