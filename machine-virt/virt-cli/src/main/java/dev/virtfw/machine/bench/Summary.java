package dev.virtfw.machine.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * The median of several runs with its spread (smallest and largest value). The machine's speed drifts,
 * so a figure is never a single run; {@link #spreadPercent()} says how far the runs lay apart.
 */
public record Summary(double median, double min, double max, int runs) {
    public Summary {
        if (runs < 1 || !(min <= median && median <= max)) {
            throw new IllegalArgumentException("inconsistent summary " + min + " <= " + median + " <= " + max
                    + " over " + runs + " runs");
        }
    }

    /** The summary of {@code values}: median (mean of the two middle values for an even count), min, max. */
    public static Summary of(Collection<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values to summarise");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        for (double d : v) {
            if (Double.isNaN(d)) {
                throw new IllegalArgumentException("NaN among the values");
            }
        }
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Summary(median, v[0], v[n - 1], n);
    }

    /** (max - min) / median, in percent; 0 for a single run. */
    public double spreadPercent() {
        return median == 0 ? 0 : (max - min) / Math.abs(median) * 100;
    }

    /** e.g. {@code 1234 [1200-1300]}, with {@code digits} significant digits. */
    public String format(int digits) {
        return runs == 1 ? number(median, digits)
                : number(median, digits) + " [" + number(min, digits) + "-" + number(max, digits) + "]";
    }

    /** A number with about {@code digits} significant digits, never in exponent form. */
    static String number(double v, int digits) {
        if (v == 0 || Double.isInfinite(v)) {
            return v == 0 ? "0" : String.valueOf(v);
        }
        int magnitude = (int) Math.floor(Math.log10(Math.abs(v)));
        int decimals = Math.max(0, digits - 1 - magnitude);
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
