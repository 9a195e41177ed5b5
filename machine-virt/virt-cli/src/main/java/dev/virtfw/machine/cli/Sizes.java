package dev.virtfw.machine.cli;

import java.math.BigDecimal;
import java.util.Locale;

/** QEMU's size syntax for {@code -m}: a number of MiB, or a number with a B/K/M/G/T/P/E suffix (fractions allowed). */
public final class Sizes {
    private Sizes() {}

    /** Bytes for {@code text}; throws {@link CliException} for anything else. */
    public static long parseMegabytesDefault(String option, String text) {
        String t = text.strip();
        if (t.startsWith("size=")) {
            t = t.substring("size=".length());
        }
        if (t.contains(",")) {
            throw invalid(option, text, "only a size is supported (no slots= or maxmem=)");
        }
        if (t.isEmpty()) {
            throw invalid(option, text, "the size is empty");
        }
        char last = Character.toUpperCase(t.charAt(t.length() - 1));
        int shift;
        String number = t.substring(0, t.length() - 1);
        switch (last) {
            case 'B' -> shift = 0;
            case 'K' -> shift = 10;
            case 'M' -> shift = 20;
            case 'G' -> shift = 30;
            case 'T' -> shift = 40;
            case 'P' -> shift = 50;
            case 'E' -> shift = 60;
            default -> {
                shift = 20;
                number = t;
            }
        }
        if (!number.isEmpty() && number.length() <= 18 && number.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // Whole numbers, the common case, without BigDecimal: its first use costs ~18 ms of start-up.
            long whole = Long.parseLong(number);
            if (whole > Long.MAX_VALUE >> shift) {
                throw invalid(option, text, "the size is too large");
            }
            return whole << shift;
        }
        BigDecimal value;
        try {
            value = new BigDecimal(number);
        } catch (NumberFormatException e) {
            throw invalid(option, text, "not a size (a number of MiB, or with a K/M/G/T suffix)");
        }
        if (value.signum() < 0) {
            throw invalid(option, text, "a size cannot be negative");
        }
        BigDecimal bytes = value.multiply(BigDecimal.valueOf(2).pow(shift));
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw invalid(option, text, "the size is too large");
        }
        try {
            return bytes.longValueExact();
        } catch (ArithmeticException e) {
            throw invalid(option, text, "not a whole number of bytes");
        }
    }

    private static CliException invalid(String option, String text, String why) {
        return new CliException(ExitCode.INVALID_INPUT, option + " " + text + ": " + why.toLowerCase(Locale.ROOT));
    }
}
