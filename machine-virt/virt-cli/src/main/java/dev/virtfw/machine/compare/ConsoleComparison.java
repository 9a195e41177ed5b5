package dev.virtfw.machine.compare;

import dev.virtfw.machine.compare.LineDiff.Edit;
import dev.virtfw.machine.compare.LineDiff.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two consoles of the same guest, QEMU's and this machine's, lined up: lines that
 * {@link KnownDifference}s drop are set aside, masked lines are compared without their masked
 * parts, and the rest is aligned by a shortest edit script. The result is equal when no line is
 * left that differs for an unexplained reason.
 */
public final class ConsoleComparison {
    /** How one row of the side-by-side view compares. */
    public enum Mark {
        /** Identical. */
        SAME(' '),
        /** Equal once a known difference is masked. */
        KNOWN('~'),
        /** A line only QEMU can print (a known difference). */
        QEMU_ONLY_KNOWN('-'),
        /** Different lines at the same place. */
        CHANGED('|'),
        /** Only QEMU printed it. */
        ONLY_QEMU('<'),
        /** Only this machine printed it. */
        ONLY_OURS('>');

        private final char symbol;

        Mark(char symbol) {
            this.symbol = symbol;
        }

        /** The character shown between the two columns. */
        public char symbol() {
            return symbol;
        }

        /** Whether the row is an unexplained difference. */
        public boolean differs() {
            return this == CHANGED || this == ONLY_QEMU || this == ONLY_OURS;
        }
    }

    /** One row: a QEMU line and/or one of ours (null where a side has none). */
    public record Row(Mark mark, String qemu, String ours) {
    }

    private record Kept(String line, String key) {
    }

    /** A QEMU-only line, shown before the kept QEMU line with index {@code keptBefore}. */
    private record Aside(int keptBefore, String line) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Integer> applied = new LinkedHashMap<>();
    private final List<String> qemuKeys = new ArrayList<>();
    private final List<String> ourKeys = new ArrayList<>();
    private final List<Edit> edits;

    private ConsoleComparison(List<String> qemu, List<String> ours, List<KnownDifference> rules) {
        rules.forEach(r -> applied.put(r.name(), 0));
        List<Aside> qemuOnly = new ArrayList<>();
        List<Kept> q = normalize(qemu, rules, true, qemuOnly);
        List<Kept> o = normalize(ours, rules, false, qemuOnly);
        q.forEach(k -> qemuKeys.add(k.key()));
        o.forEach(k -> ourKeys.add(k.key()));
        edits = LineDiff.diff(qemuKeys, ourKeys);

        int shown = 0;
        int i = 0;
        while (i < edits.size()) {
            Edit e = edits.get(i);
            if (e.op() == Op.EQUAL) {
                shown = flushQemuOnly(qemuOnly, shown, e.a());
                Kept a = q.get(e.a());
                Kept b = o.get(e.b());
                rows.add(new Row(a.line().equals(b.line()) ? Mark.SAME : Mark.KNOWN, a.line(), b.line()));
                i++;
                continue;
            }
            List<Integer> deleted = new ArrayList<>();
            List<Integer> inserted = new ArrayList<>();
            while (i < edits.size() && edits.get(i).op() != Op.EQUAL) {
                if (edits.get(i).op() == Op.DELETE) {
                    deleted.add(edits.get(i).a());
                } else {
                    inserted.add(edits.get(i).b());
                }
                i++;
            }
            for (int p = 0; p < Math.max(deleted.size(), inserted.size()); p++) {
                if (p < deleted.size()) {
                    shown = flushQemuOnly(qemuOnly, shown, deleted.get(p));
                }
                String a = p < deleted.size() ? q.get(deleted.get(p)).line() : null;
                String b = p < inserted.size() ? o.get(inserted.get(p)).line() : null;
                rows.add(new Row(a == null ? Mark.ONLY_OURS : b == null ? Mark.ONLY_QEMU : Mark.CHANGED, a, b));
            }
        }
        flushQemuOnly(qemuOnly, shown, Integer.MAX_VALUE);
    }

    /**
     * Compares {@code qemu}'s console lines with {@code ours} under {@code rules}
     * ({@link KnownDifference#QEMU_VIRT}, or only {@link KnownDifference#TIMINGS} for a strict comparison).
     */
    public static ConsoleComparison of(List<String> qemu, List<String> ours, List<KnownDifference> rules) {
        return new ConsoleComparison(List.copyOf(qemu), List.copyOf(ours), List.copyOf(rules));
    }

    /** Adds the QEMU-only rows that came before QEMU's kept line {@code keptIndex}; returns how many are shown. */
    private int flushQemuOnly(List<Aside> asides, int shown, int keptIndex) {
        while (shown < asides.size() && asides.get(shown).keptBefore() <= keptIndex) {
            rows.add(new Row(Mark.QEMU_ONLY_KNOWN, asides.get(shown).line(), null));
            shown++;
        }
        return shown;
    }

    private List<Kept> normalize(List<String> lines, List<KnownDifference> rules, boolean qemuSide,
            List<Aside> qemuOnly) {
        List<Kept> kept = new ArrayList<>();
        lines:
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String key = line;
            for (KnownDifference r : rules) {
                switch (r.kind()) {
                    case DROP_BOTH -> {
                        if (r.matches(line)) {
                            applied.merge(r.name(), 1, Integer::sum);
                            continue lines;
                        }
                    }
                    case DROP_QEMU -> {
                        if (qemuSide && r.matches(line)) {
                            applied.merge(r.name(), 1, Integer::sum);
                            qemuOnly.add(new Aside(kept.size(), line));
                            continue lines;
                        }
                    }
                    case MASK -> {
                        String masked = r.mask(key);
                        if (!masked.equals(key)) {
                            applied.merge(r.name(), 1, Integer::sum);
                            key = masked;
                        }
                    }
                }
            }
            kept.add(new Kept(line, key));
        }
        return kept;
    }

    /** Every row, in console order. */
    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** The rows that differ for no known reason. */
    public List<Row> differences() {
        return rows.stream().filter(r -> r.mark().differs()).toList();
    }

    /** Whether no unexplained difference is left. */
    public boolean equal() {
        return differences().isEmpty();
    }

    /** For each rule, by name: how many lines (of both sides) it dropped or masked. */
    public Map<String, Integer> applied() {
        return Map.copyOf(applied);
    }

    /**
     * The two consoles in two columns of {@code (width - 3) / 2} characters with a mark between
     * them ({@link Mark#symbol()}); longer lines are cut and end in "...".
     */
    public String sideBySide(int width, String qemuTitle, String ourTitle) {
        int column = Math.max(20, (width - 3) / 2);
        StringBuilder sb = new StringBuilder();
        sb.append(cell(qemuTitle, column)).append("   ").append(cut(ourTitle, column)).append(System.lineSeparator());
        sb.append("-".repeat(column)).append("   ").append("-".repeat(column)).append(System.lineSeparator());
        for (Row r : rows) {
            sb.append(cell(r.qemu() == null ? "" : r.qemu(), column)).append(' ').append(r.mark().symbol()).append(' ')
                    .append(r.ours() == null ? "" : cut(r.ours(), column));
            trimEnd(sb);
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    /**
     * The unexplained differences as a unified diff of the compared lines (masked parts read
     * {@value KnownDifference#MASK}) with {@code context} lines around each; empty when equal.
     */
    public String unified(int context, String qemuTitle, String ourTitle) {
        if (equal()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("--- ").append(qemuTitle).append(System.lineSeparator());
        sb.append("+++ ").append(ourTitle).append(System.lineSeparator());
        List<Integer> changes = new ArrayList<>();
        for (int i = 0; i < edits.size(); i++) {
            if (edits.get(i).op() != Op.EQUAL) {
                changes.add(i);
            }
        }
        int c = 0;
        while (c < changes.size()) {
            int from = Math.max(0, changes.get(c) - context);
            int last = c;
            while (last + 1 < changes.size() && changes.get(last + 1) - changes.get(last) <= 2 * context + 1) {
                last++;
            }
            int to = Math.min(edits.size(), changes.get(last) + context + 1);
            hunk(sb, from, to);
            c = last + 1;
        }
        return sb.toString();
    }

    private void hunk(StringBuilder sb, int from, int to) {
        int aLen = 0;
        int bLen = 0;
        int aBefore = 0;
        int bBefore = 0;
        for (int i = 0; i < from; i++) {
            Op op = edits.get(i).op();
            aBefore += op == Op.INSERT ? 0 : 1;
            bBefore += op == Op.DELETE ? 0 : 1;
        }
        StringBuilder body = new StringBuilder();
        for (int i = from; i < to; i++) {
            Edit e = edits.get(i);
            switch (e.op()) {
                case EQUAL -> {
                    body.append(' ').append(qemuKeys.get(e.a()));
                    aLen++;
                    bLen++;
                }
                case DELETE -> {
                    body.append('-').append(qemuKeys.get(e.a()));
                    aLen++;
                }
                case INSERT -> {
                    body.append('+').append(ourKeys.get(e.b()));
                    bLen++;
                }
            }
            body.append(System.lineSeparator());
        }
        // unified format: a range of length 0 names the line before it
        int aStart = aLen == 0 ? aBefore : aBefore + 1;
        int bStart = bLen == 0 ? bBefore : bBefore + 1;
        sb.append(String.format(Locale.ROOT, "@@ -%d,%d +%d,%d @@%n", aStart, aLen, bStart, bLen)).append(body);
    }

    private static String cell(String text, int width) {
        String t = cut(text, width);
        return t + " ".repeat(width - t.length());
    }

    private static String cut(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 3) + "...";
    }

    private static void trimEnd(StringBuilder sb) {
        int n = sb.length();
        while (n > 0 && sb.charAt(n - 1) == ' ') {
            n--;
        }
        sb.setLength(n);
    }
}
