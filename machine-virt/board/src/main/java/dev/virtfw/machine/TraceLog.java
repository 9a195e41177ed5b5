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

    /** Prints {@code text} as one trace line. */
    public void line(String text) {
        if (timestamps) {
            Instant now = Instant.now();
            out.print(prefix(pid, now) + text + System.lineSeparator());
        } else {
            out.println(text);
        }
    }

    /** QEMU's prefix for a line written at {@code now} by {@code id}. */
    static String prefix(long id, Instant now) {
        return String.format("%d@%d.%06d:", id, now.getEpochSecond(), now.getNano() / 1000);
    }
}
