package dev.virtfw.machine;

import java.time.Duration;

/**
 * Bounds for runaway guests.
 *
 * @param maxInstructions instructions per boot before the machine is stopped; 0: no bound. Counting
 *                        adds a per-instruction hook inside Unicorn (about 2x slower).
 * @param wallTime        real time for the whole run before the machine is stopped; null: no bound
 */
public record Limits(long maxInstructions, Duration wallTime) {
    public static final Limits NONE = new Limits(0, null);

    public Limits {
        if (maxInstructions < 0) {
            throw new ConfigException("instruction limit must not be negative: " + maxInstructions);
        }
        if (wallTime != null && (wallTime.isNegative() || wallTime.isZero())) {
            throw new ConfigException("time limit must be positive: " + wallTime);
        }
    }
}
