package dev.virtfw.devicetree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Compares two trees: nodes and properties present on one side only, values that differ, and the
 * header data (memory reservations, boot_cpuid_phys). Child and property order is not compared.
 *
 * <p>Phandle numbering is ignored where the links are the same: the values of {@code phandle}
 * and {@code linux,phandle} are not compared (only their presence), and two values that differ
 * only in cells which, on each side, hold the phandle of nodes with the same path are equal.
 * A cell of a parsed tree counts as a link when its value is a phandle of that tree; a reference
 * built through the model ({@link Cell#ref}) counts as a link to its target.
 */
public final class TreeDiff {
    private TreeDiff() {}

    public enum Kind {
        NODE_ONLY_IN_LEFT,
        NODE_ONLY_IN_RIGHT,
        PROPERTY_ONLY_IN_LEFT,
        PROPERTY_ONLY_IN_RIGHT,
        VALUE_DIFFERS,
        RESERVATIONS_DIFFER,
        BOOT_CPUID_DIFFERS
    }

    /**
     * One difference. {@code property} is null for node and header differences; {@code left} and
     * {@code right} are the values as DTS text (as {@link DtsPrinter} prints them), null when that
     * side has nothing.
     */
    public record Difference(Kind kind, String path, String property, String left, String right) {
        /** One line: {@code /path:prop: left | right}, with {@code (absent)} for a missing side. */
        @Override
        public String toString() {
            String where = property == null ? path : path + ":" + property;
            return where + ": " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": "
                    + (left == null ? "(absent)" : left) + " | " + (right == null ? "(absent)" : right);
        }
    }

    public static List<Difference> compare(DeviceTree a, DeviceTree b) {
        List<Difference> out = new ArrayList<>();
        if (!a.reservations().equals(b.reservations())) {
            out.add(new Difference(Kind.RESERVATIONS_DIFFER, "/", null, a.reservations().toString(),
                    b.reservations().toString()));
        }
        if (a.bootCpuidPhys() != b.bootCpuidPhys()) {
            out.add(new Difference(Kind.BOOT_CPUID_DIFFERS, "/", null, "0x" + Integer.toHexString(a.bootCpuidPhys()),
                    "0x" + Integer.toHexString(b.bootCpuidPhys())));
        }
        Map<Integer, String> linksA = phandlePaths(a.root());
        Map<Integer, String> linksB = phandlePaths(b.root());
        ArrayDeque<Node[]> work = new ArrayDeque<>();
        work.push(new Node[] {a.root(), b.root()});
        while (!work.isEmpty()) {
            Node[] pair = work.pop();
            Node x = pair[0];
            Node y = pair[1];
            for (Property p : x.properties()) {
                Optional<Property> q = y.property(p.name());
                if (q.isEmpty()) {
                    out.add(new Difference(Kind.PROPERTY_ONLY_IN_LEFT, x.path(), p.name(), text(p), null));
                } else if (!isPhandleProperty(p.name()) && !sameValue(p, linksA, q.get(), linksB)) {
                    out.add(new Difference(Kind.VALUE_DIFFERS, x.path(), p.name(), text(p), text(q.get())));
                }
            }
            for (Property q : y.properties()) {
                if (x.property(q.name()).isEmpty()) {
                    out.add(new Difference(Kind.PROPERTY_ONLY_IN_RIGHT, x.path(), q.name(), null, text(q)));
                }
            }
            List<Node[]> next = new ArrayList<>();
            for (Node c : x.children()) {
                Node d = exactChild(y, c.name());
                if (d == null) {
                    out.add(new Difference(Kind.NODE_ONLY_IN_LEFT, c.path(), null, null, null));
                } else {
                    next.add(new Node[] {c, d});
                }
            }
            for (Node d : y.children()) {
                if (exactChild(x, d.name()) == null) {
                    out.add(new Difference(Kind.NODE_ONLY_IN_RIGHT, d.path(), null, null, null));
                }
            }
            for (int i = next.size() - 1; i >= 0; i--) {
                work.push(next.get(i)); // keep document order in the output
            }
        }
        return out;
    }

    private static Node exactChild(Node n, String name) {
        return n.hasChild(name) ? n.child(name).orElseThrow() : null;
    }

    private static boolean isPhandleProperty(String name) {
        return name.equals("phandle") || name.equals("linux,phandle");
    }

    private static Map<Integer, String> phandlePaths(Node root) {
        Map<Integer, String> out = new HashMap<>();
        Walk.depthFirst(root, (n, depth) -> n.phandle().ifPresent(ph -> out.putIfAbsent(ph, n.path())));
        return out;
    }

    private static boolean sameValue(Property p, Map<Integer, String> linksA, Property q, Map<Integer, String> linksB) {
        byte[] va = p.value();
        byte[] vb = q.value();
        if (va.length != vb.length) {
            return false;
        }
        if (!p.hasReferences() && !q.hasReferences() && java.util.Arrays.equals(va, vb)) {
            return true;
        }
        if (va.length % 4 != 0) {
            return false;
        }
        MemorySegment sa = MemorySegment.ofArray(va);
        MemorySegment sb = MemorySegment.ofArray(vb);
        for (int off = 0; off < va.length; off += 4) {
            String ta = refTargetAt(p, off);
            String tb = refTargetAt(q, off);
            int ca = sa.get(FdtSpec.BE_U32, off);
            int cb = sb.get(FdtSpec.BE_U32, off);
            if (ta == null && tb == null && ca == cb) {
                continue;
            }
            String la = ta != null ? ta : linksA.get(ca);
            String lb = tb != null ? tb : linksB.get(cb);
            if (la == null || !Objects.equals(la, lb)) {
                return false;
            }
        }
        return true;
    }

    private static String refTargetAt(Property p, int off) {
        int[] offs = p.referenceOffsets();
        for (int i = 0; i < offs.length; i++) {
            if (offs[i] == off) {
                return p.references().get(i).path();
            }
        }
        return null;
    }

    private static String text(Property p) {
        if (p.isEmpty()) {
            return "(empty)";
        }
        StringBuilder sb = new StringBuilder();
        try {
            DtsPrinter.appendValue(sb, p.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String s = sb.toString().strip();
        // " = <0x01>;" -> "<0x01>", ";" -> "" (an empty property)
        if (s.startsWith("=")) {
            s = s.substring(1).strip();
        }
        return s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
    }
}
