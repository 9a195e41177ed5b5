package dev.virtfw.machine.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** The benchmark's rows, written as CSV and as an aligned text table. */
public record BenchTable(List<Row> rows, List<String> notes) {
    public static final List<String> CSV_HEADER = List.of("section", "metric", "unit", "better", "ours_median",
            "ours_min", "ours_max", "qemu_median", "qemu_min", "qemu_max", "ratio_median", "ratio_min",
            "ratio_max", "runs", "note");

    public BenchTable {
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }

    public Row row(String section, String metric) {
        return rows.stream().filter(r -> r.section().equals(section) && r.metric().equals(metric)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no row " + section + "/" + metric));
    }

    /** RFC 4180 CSV (Commons CSV does the quoting), header first, numbers in plain decimal. */
    public String csv() {
        StringBuilder b = new StringBuilder();
        try (CSVPrinter printer = new CSVPrinter(b, CSVFormat.RFC4180)) {
            printer.printRecord(CSV_HEADER);
            for (Row r : rows) {
                List<String> f = new ArrayList<>(List.of(r.section(), r.metric(), r.unit(),
                        r.higherBetter() ? "higher" : "lower"));
                for (Summary s : new Summary[] {r.ours(), r.qemu(), r.ratio()}) {
                    if (s == null) {
                        f.addAll(List.of("", "", ""));
                    } else {
                        f.addAll(List.of(plain(s.median()), plain(s.min()), plain(s.max())));
                    }
                }
                int runs = r.ours() != null ? r.ours().runs() : r.qemu() != null ? r.qemu().runs() : 0;
                f.add(Integer.toString(runs));
                f.add(Objects.requireNonNullElse(r.note(), ""));
                printer.printRecord(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not fail
        }
        return b.toString();
    }

    /** The table for a terminal: one block per section, medians with [min-max]. */
    public String text() {
        List<String[]> cells = new ArrayList<>();
        String[] head = {"metric", "unit", "ours median [min-max]", "QEMU median [min-max]", "ours/QEMU", "note"};
        int[] width = new int[head.length];
        List<Object> lines = new ArrayList<>();
        String section = null;
        for (Row r : rows) {
            if (!r.section().equals(section)) {
                section = r.section();
                lines.add("== " + section);
            }
            String[] c = {r.metric(), r.unit(), fmt(r.ours()), fmt(r.qemu()), fmt(r.ratio()),
                    Objects.requireNonNullElse(r.note(), "")};
            cells.add(c);
            lines.add(c);
        }
        for (String[] c : cells) {
            for (int i = 0; i < c.length; i++) {
                width[i] = Math.max(width[i], c[i].length());
            }
        }
        for (int i = 0; i < head.length; i++) {
            width[i] = Math.max(width[i], head[i].length());
        }
        StringBuilder b = new StringBuilder();
        appendRow(b, head, width);
        for (Object l : lines) {
            if (l instanceof String s) {
                b.append(s).append('\n');
            } else {
                appendRow(b, (String[]) l, width);
            }
        }
        for (String n : notes) {
            b.append(n).append('\n');
        }
        return b.toString();
    }

    private static void appendRow(StringBuilder b, String[] c, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < c.length; i++) {
            line.append(String.format(Locale.ROOT, i == c.length - 1 ? "%s" : "%-" + width[i] + "s  ", c[i]));
        }
        b.append(line.toString().stripTrailing()).append('\n');
    }

    private static String fmt(Summary s) {
        return s == null ? "-" : s.format(3);
    }

    static String plain(double v) {
        if (Double.isInfinite(v) || Double.isNaN(v)) {
            return "";
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
