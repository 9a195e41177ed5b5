package dev.virtfw.machine.demo;

import dev.virtfw.machine.console.ConsoleOutput;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Collects the guest's console and notes, with the host's monotonic clock, when its first byte
 * arrived: the moment the firmware was demonstrably running.
 */
final class TimedOutput implements ConsoleOutput {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private long firstByteNanos;
    private boolean any;

    @Override
    public synchronized void write(int b) {
        if (!any) {
            firstByteNanos = System.nanoTime();
            any = true;
        }
        bytes.write(b);
    }

    /** {@link System#nanoTime()} when the first byte arrived; only meaningful when {@link #any()}. */
    synchronized long firstByteNanos() {
        return firstByteNanos;
    }

    synchronized boolean any() {
        return any;
    }

    /** The console split into lines (either line ending). */
    synchronized List<String> lines() {
        return bytes.toString(StandardCharsets.ISO_8859_1).lines().toList();
    }
}
