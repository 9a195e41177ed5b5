package dev.virtfw.machine.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One {@code TIME <what> <bytes> <ticks> <freq>} line of the test firmware (testdata/README.md):
 * {@code ticks} of the generic timer counter at {@code freq} Hz.
 */
public record TimeLine(String what, long bytes, long ticks, long freq) {
    public TimeLine {
        if (freq <= 0 || bytes < 0 || ticks < 0) {
            throw new IllegalArgumentException("TIME line with a negative value or no frequency");
        }
    }

    /** Seconds the ticks stand for. */
    public double seconds() {
        return (double) ticks / freq;
    }

    /** Bytes per second (MiB/s = this / 2^20); infinite when no tick passed. */
    public double bytesPerSecond() {
        return ticks == 0 ? Double.POSITIVE_INFINITY : bytes / seconds();
    }

    /**
     * Parses one console line; empty when it is not a well-formed TIME line (other console lines,
     * a line cut short, numbers out of range). A trailing carriage return is ignored.
     */
    public static Optional<TimeLine> parse(String line) {
        String[] w = line.strip().split(" ");
        if (w.length != 5 || !w[0].equals("TIME") || w[1].isEmpty()) {
            return Optional.empty();
        }
        try {
            long bytes = Long.parseLong(w[2]);
            long ticks = Long.parseLong(w[3]);
            long freq = Long.parseLong(w[4]);
            if (bytes < 0 || ticks < 0 || freq <= 0) {
                return Optional.empty();
            }
            return Optional.of(new TimeLine(w[1], bytes, ticks, freq));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Every well-formed TIME line of {@code lines}, in order. */
    public static List<TimeLine> parseAll(List<String> lines) {
        List<TimeLine> out = new ArrayList<>();
        for (String l : lines) {
            parse(l).ifPresent(out::add);
        }
        return out;
    }
}
