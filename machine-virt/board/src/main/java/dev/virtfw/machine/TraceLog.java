package dev.virtfw.machine;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Objects;

/**
 * Where trace lines go ({@code --trace}, {@code -trace fw_cfg_select}), one line each, with QEMU's
 * {@code -msg timestamp=on} prefix when asked: {@code <id>@<seconds>.<microseconds>:} in wall-clock
 * time, as QEMU's log trace backend writes it (QEMU prints its thread's id, here the process id).
 */
public final class TraceLog {
    private final PrintStream out;
    private final boolean timestamps;
    private final long pid = ProcessHandle.current().pid();

    public TraceLog(PrintStream out, boolean timestamps) {
        this.out = Objects.requireNonNull(out, "out");
        this.timestamps = timestamps;
    }

    /** Whether lines carry the time (read it before building an event's text, as {@link #line(Instant, String)} wants). */
    public boolean timestamps() {
        return timestamps;
    }

    /** Prints {@code text} as one trace line, stamped now. */
    public void line(String text) {
        line(timestamps ? Instant.now() : null, text);
    }

    /** Prints {@code text} as one trace line of an event that happened {@code at} (ignored without timestamps). */
    public void line(Instant at, String text) {
        if (timestamps) {
            out.print(prefix(pid, at).append(text).append(System.lineSeparator()));
        } else {
            out.println(text);
        }
    }

    /** QEMU's prefix for a line written at {@code now} by {@code id} (no String.format: cheap from the first line). */
    static StringBuilder prefix(long id, Instant now) {
        StringBuilder b = new StringBuilder(96).append(id).append('@').append(now.getEpochSecond()).append('.');
        String micros = Integer.toString(now.getNano() / 1000);
        for (int i = micros.length(); i < 6; i++) {
            b.append('0');
        }
        return b.append(micros).append(':');
    }
}
