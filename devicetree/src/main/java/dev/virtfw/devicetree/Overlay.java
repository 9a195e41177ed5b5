package dev.virtfw.devicetree;

import static dev.virtfw.devicetree.FdtSpec.*;

import dev.virtfw.devicetree.FlatTree.Prop;
import dev.virtfw.devicetree.OverlayException.Error;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Applies devicetree overlays (blobs compiled from {@code /plugin/} sources with {@code dtc -@}) to
 * a base blob the way libfdt's {@code fdt_overlay_apply} does, giving the bytes
 * {@code fdtoverlay -i BASE -o OUT OVERLAY...} writes. For each overlay, in order:
 *
 * <ol>
 *   <li>every {@code phandle} and {@code linux,phandle} of the overlay is raised by the base's largest
 *       phandle, and so is every cell {@code __local_fixups__} lists (references inside the overlay);
 *   <li>every cell {@code __fixups__} lists ({@code "path:property:offset"} per label) becomes the
 *       phandle of the node the label names in the base's {@code __symbols__};
 *   <li>each fragment's {@code __overlay__} node is merged into the base node its {@code target}
 *       phandle or {@code target-path} names, depth first: properties set (an existing one keeps its
 *       place, a new one goes before the node's other properties), children merged by name (a new
 *       child goes before the existing children);
 *   <li>each overlay label inside an {@code __overlay__} node becomes a base {@code __symbols__} entry:
 *       the fragment's target path followed by the label's path below {@code __overlay__}.
 * </ol>
 *
 * <p>Node look-ups follow libfdt: a name without '@' also matches {@code name@unit}, the first
 * match in order wins, and a path not starting with '/' starts with an alias. The base is edited
 * as libfdt edits it ({@link FlatTree}), so even the padding bytes after values agree.
 */
public final class Overlay {
    private static final String OVERLAY_NODE = "__overlay__";
    private static final String OVERLAY_PATH_PART = "/__overlay__/";

    private final FlatTree base;
    private final FlatTree overlay;
    private final int index;

    private Overlay(FlatTree base, FlatTree overlay, int index) {
        this.base = base;
        this.overlay = overlay;
        this.index = index;
    }

    /**
     * The base with the overlays applied, as a new tree (the arguments are left as they are, but
     * for the phandles {@link Dtb#write} allocates to referenced nodes when it writes them).
     *
     * @throws OverlayException naming the overlay, fragment or label that cannot be applied
     */
    public static DeviceTree apply(DeviceTree base, DeviceTree... overlays) {
        return Dtb.parse(apply(Dtb.write(base), Arrays.stream(overlays).map(Dtb::write).toList()));
    }

    /**
     * Applies overlay blobs to a base blob and returns the blob {@code fdtoverlay} writes: version
     * 17, blocks packed from offset 40, the base's reservations and boot_cpuid_phys, the base's
     * strings block with the names libfdt adds appended in the order it adds them.
     *
     * @throws DtbFormatException if a blob is not a valid DTB
     * @throws OverlayException if an overlay cannot be applied, the base's version is below 16 or
     *     an overlay's below 2 (what libfdt refuses)
     */
    public static byte[] apply(byte[] base, List<byte[]> overlays) {
        DeviceTree tree = Dtb.parse(base);
        int version = MemorySegment.ofArray(base).get(BE_U32, HDR_VERSION);
        if (version < FDT_MIN_EDIT_VERSION) {
            throw new OverlayException(Error.BAD_VERSION, -1, "the base is a version " + version
                    + " blob; libfdt edits version " + FDT_MIN_EDIT_VERSION + " and later");
        }
        FlatTree flat = FlatTree.open(base, tree.reservations().size());
        for (int i = 0; i < overlays.size(); i++) {
            byte[] blob = overlays.get(i);
            DeviceTree parsed = Dtb.parse(blob);
            int overlayVersion = MemorySegment.ofArray(blob).get(BE_U32, HDR_VERSION);
            if (overlayVersion < FDT_MIN_LIBFDT_VERSION) {
                throw new OverlayException(Error.BAD_VERSION, i, "the overlay is a version " + overlayVersion
                        + " blob; libfdt reads version " + FDT_MIN_LIBFDT_VERSION + " and later");
            }
            if (overlayVersion < FDT_MIN_EDIT_VERSION) {
                blob = Dtb.write(parsed); // versions 2 and 3: only the tree matters, and it is the same
            }
            new Overlay(flat, FlatTree.open(blob, parsed.reservations().size()), i).run();
        }
        return flat.pack();
    }

    private void run() {
        int delta = maxPhandle(base);
        adjustPhandles(delta);
        updateLocalReferences(delta);
        resolveExternalReferences();
        merge();
        updateSymbols();
    }

    private OverlayException fail(Error error, String message) {
        return new OverlayException(error, index, message);
    }

    // ---- phandles inside the overlay ----

    /** libfdt's {@code fdt_find_max_phandle}: the largest phandle (unsigned) of any node, 0 if none. */
    private static int maxPhandle(FlatTree tree) {
        int[] max = {0};
        tree.forEachNode(n -> {
            int p = tree.phandle(n);
            if (Integer.compareUnsigned(p, max[0]) > 0) {
                max[0] = p;
            }
        });
        return max[0];
    }

    private void adjustPhandles(int delta) {
        overlay.forEachNode(n -> {
            for (String key : new String[] {"phandle", "linux,phandle"}) {
                Optional<byte[]> v = overlay.property(n, key);
                if (v.isEmpty()) {
                    continue;
                }
                String where = overlay.path(n) + ":" + key;
                if (v.get().length != 4) {
                    throw fail(Error.BAD_PHANDLE, where + " is " + v.get().length + " bytes, not one cell");
                }
                long raised = Integer.toUnsignedLong(cellAt(v.get(), 0)) + Integer.toUnsignedLong(delta);
                if (raised >= 0xffff_ffffL) {
                    throw fail(Error.NO_PHANDLES, where + " 0x" + Integer.toHexString(cellAt(v.get(), 0))
                            + " raised by the base's largest phandle 0x" + Integer.toHexString(delta)
                            + " leaves the phandle range");
                }
                overlay.writeInPlace(n, key, 0, cell((int) raised));
            }
        });
    }

    /** {@code __local_fixups__} mirrors the overlay's nodes; each property lists offsets of cells holding an overlay phandle. */
    private void updateLocalReferences(int delta) {
        OptionalInt fixups = overlay.lookUp("/__local_fixups__");
        if (fixups.isEmpty()) {
            return;
        }
        record Pair(int tree, int fixup) {}
        ArrayDeque<Pair> todo = new ArrayDeque<>();
        todo.push(new Pair(overlay.root(), fixups.getAsInt()));
        while (!todo.isEmpty()) {
            Pair pair = todo.pop();
            for (Prop offsets : overlay.properties(pair.fixup())) {
                String where = overlay.path(pair.fixup()) + ":" + offsets.name();
                if (offsets.value().length % 4 != 0) {
                    throw fail(Error.BAD_FIXUP, where + " is " + offsets.value().length + " bytes, not a list of cells");
                }
                String property = overlay.path(pair.tree()) + ":" + offsets.name();
                for (int i = 0; i < offsets.value().length; i += 4) {
                    byte[] value = overlay.property(pair.tree(), offsets.name()).orElseThrow(() -> fail(
                            Error.BAD_FIXUP, where + " names " + property + ", which the overlay lacks"));
                    long at = Integer.toUnsignedLong(cellAt(offsets.value(), i));
                    requireCell(value, at, where, property);
                    overlay.writeInPlace(pair.tree(), offsets.name(), (int) at, cell(cellAt(value, (int) at) + delta));
                }
            }
            List<Integer> children = overlay.children(pair.fixup());
            for (int i = children.size() - 1; i >= 0; i--) {
                int fixupChild = children.get(i);
                String name = overlay.name(fixupChild);
                int treeChild = overlay.subnode(pair.tree(), name).orElseThrow(() -> fail(Error.BAD_FIXUP,
                        overlay.path(fixupChild) + " has no node " + name + " under " + overlay.path(pair.tree())
                                + " of the overlay to fix up"));
                todo.push(new Pair(treeChild, fixupChild));
            }
        }
    }

    private void requireCell(byte[] value, long at, String fixup, String property) {
        if (at + 4 > value.length) {
            throw fail(Error.BAD_FIXUP, fixup + ": offset " + at + " is past the " + value.length + "-byte " + property);
        }
    }

    /** {@code __fixups__}: per label of the base, the overlay cells ({@code path:property:offset}) to fill with its phandle. */
    private void resolveExternalReferences() {
        OptionalInt fixups = overlay.lookUp("/__fixups__");
        if (fixups.isEmpty()) {
            return;
        }
        OptionalInt symbols = base.lookUp("/__symbols__");
        for (Prop entry : overlay.properties(fixups.getAsInt())) {
            byte[] v = entry.value();
            int pos = 0;
            do {
                int nul = indexOfNul(v, pos);
                if (nul < 0) {
                    throw fail(Error.BAD_FIXUP, "__fixups__:" + entry.name() + " does not end with a NUL");
                }
                String fixup = new String(v, pos, nul - pos, StandardCharsets.ISO_8859_1);
                pos = nul + 1;
                fixOne(symbols, entry.name(), fixup);
            } while (pos < v.length);
        }
    }

    private void fixOne(OptionalInt symbols, String label, String fixup) {
        String where = "__fixups__:" + label + " \"" + fixup + "\"";
        int colon = fixup.indexOf(':');
        int second = colon < 0 ? -1 : fixup.indexOf(':', colon + 1);
        if (colon < 0 || colon == fixup.length() - 1 || second < 0 || second == colon + 1) {
            throw fail(Error.BAD_FIXUP, where + " is not path:property:offset");
        }
        String path = fixup.substring(0, colon);
        String propName = fixup.substring(colon + 1, second);
        long offset = parseOffset(fixup.substring(second + 1), where);

        if (symbols.isEmpty()) {
            throw fail(Error.LABEL_NOT_FOUND, "the overlay refers to label \"" + label
                    + "\" but the base has no __symbols__ (compile it with -@)");
        }
        byte[] symbol = base.property(symbols.getAsInt(), label).orElseThrow(() -> fail(Error.LABEL_NOT_FOUND,
                "label \"" + label + "\" (used at " + path + ":" + propName + ") is not in the base's __symbols__"));
        String symbolPath = FlatTree.cString(symbol);
        int labelled = base.lookUp(symbolPath).orElseThrow(() -> fail(Error.LABEL_NOT_FOUND,
                "label \"" + label + "\" names " + symbolPath + ", which is not in the base"));
        int phandle = base.phandle(labelled);
        if (phandle == 0) {
            throw fail(Error.LABEL_NOT_FOUND, "label \"" + label + "\" names " + symbolPath + ", which has no phandle");
        }
        int node = overlay.lookUp(path).orElseThrow(() -> fail(Error.BAD_FIXUP, where + ": no node " + path
                + " in the overlay"));
        byte[] value = overlay.property(node, propName).orElseThrow(() -> fail(Error.BAD_FIXUP, where
                + ": no property " + propName + " in " + path + " of the overlay"));
        requireCell(value, offset, where, path + ":" + propName);
        overlay.writeInPlace(node, propName, (int) offset, cell(phandle));
    }

    /** The offset as C's strtoul reads it in base 10 (the whole rest of the entry), cut to 32 bits as libfdt uses it. */
    private long parseOffset(String text, String where) {
        String t = text.stripLeading();
        boolean negative = t.startsWith("-");
        if (negative || t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.isEmpty() || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw fail(Error.BAD_FIXUP, where + ": offset \"" + text + "\" is not a decimal number");
        }
        long value = new java.math.BigInteger(t).longValue() & 0xffff_ffffL;
        return negative ? -value & 0xffff_ffffL : value;
    }

    // ---- merging ----

    private void merge() {
        for (int fragment : overlay.children(overlay.root())) {
            OptionalInt content = overlay.subnode(fragment, OVERLAY_NODE);
            if (content.isPresent()) {
                mergeInto(target(fragment), content.getAsInt());
            }
        }
    }

    /** The base node a fragment's {@code target} phandle (preferred) or {@code target-path} names. */
    private int target(int fragment) {
        String name = overlay.path(fragment);
        Optional<byte[]> phandle = overlay.property(fragment, "target");
        if (phandle.isPresent()) {
            byte[] v = phandle.get();
            if (v.length != 4 || cellAt(v, 0) == -1) {
                throw fail(Error.BAD_PHANDLE, "fragment " + name + ": target is not one phandle cell");
            }
            int wanted = cellAt(v, 0);
            if (wanted != 0) {
                return base.firstNode(n -> base.phandle(n) == wanted).orElseThrow(() -> fail(
                        Error.TARGET_NOT_FOUND, "fragment " + name + ": target phandle 0x"
                                + Integer.toHexString(wanted) + " is not in the base"));
            }
        }
        String path = targetPath(fragment).orElseThrow(() -> fail(Error.NO_TARGET, "fragment " + name
                + " has an __overlay__ node but neither target nor target-path"));
        return base.lookUp(path).orElseThrow(() -> fail(Error.TARGET_NOT_FOUND,
                "fragment " + name + ": target-path \"" + path + "\" is not in the base"));
    }

    /** The fragment's target-path, when its target is given by path (no target phandle). */
    private Optional<String> targetPath(int fragment) {
        Optional<byte[]> phandle = overlay.property(fragment, "target");
        if (phandle.isPresent() && phandle.get().length == 4 && cellAt(phandle.get(), 0) != 0) {
            return Optional.empty();
        }
        return overlay.property(fragment, "target-path").map(FlatTree::cString);
    }

    /** libfdt's overlay_apply_node, depth first with an explicit stack: properties first, then each child. */
    private void mergeInto(int target, int content) {
        record Step(int parent, int source, boolean top) {}
        ArrayDeque<Step> todo = new ArrayDeque<>();
        todo.push(new Step(target, content, true));
        while (!todo.isEmpty()) {
            Step step = todo.pop();
            int into = step.parent();
            if (!step.top()) {
                String name = overlay.name(step.source());
                into = base.subnode(step.parent(), name).orElseGet(() -> base.addSubnode(step.parent(), name));
            }
            for (Prop p : overlay.properties(step.source())) {
                base.setProperty(into, p.name(), p.value());
            }
            List<Integer> children = overlay.children(step.source());
            for (int i = children.size() - 1; i >= 0; i--) {
                todo.push(new Step(into, children.get(i), false));
            }
        }
    }

    // ---- symbols ----

    private void updateSymbols() {
        OptionalInt labels = overlay.subnode(overlay.root(), "__symbols__");
        if (labels.isEmpty()) {
            return;
        }
        // Edits inside __symbols__ never move it: its offset holds for the whole loop.
        int symbols = base.subnode(base.root(), "__symbols__")
                .orElseGet(() -> base.addSubnode(base.root(), "__symbols__"));
        for (Prop label : overlay.properties(labels.getAsInt())) {
            byte[] v = label.value();
            if (v.length < 1 || indexOfNul(v, 0) != v.length - 1 || v[0] != '/') {
                throw fail(Error.BAD_SYMBOL, "__symbols__:" + label.name() + " is not one absolute path");
            }
            String path = new String(v, 0, v.length - 1, StandardCharsets.ISO_8859_1);
            int slash = path.indexOf('/', 1);
            if (slash < 0) {
                continue; // a label outside any fragment does not reach the base
            }
            String rest = path.substring(slash);
            String relative;
            if (rest.startsWith(OVERLAY_PATH_PART)) {
                relative = rest.substring(OVERLAY_PATH_PART.length());
            } else if (rest.equals("/" + OVERLAY_NODE)) {
                relative = "";
            } else {
                continue; // a label on a fragment node itself
            }
            String fragmentName = path.substring(1, slash);
            int fragment = overlay.subnode(overlay.root(), fragmentName)
                    .stream().filter(f -> overlay.subnode(f, OVERLAY_NODE).isPresent()).findFirst()
                    .orElseThrow(() -> fail(Error.BAD_SYMBOL, "__symbols__:" + label.name() + " names " + path
                            + ", but the overlay has no fragment " + fragmentName + " with an __overlay__ node"));
            int target = target(fragment);
            String start = targetPath(fragment).orElseGet(() -> base.path(target));
            String value = (start.length() > 1 ? start : "") + "/" + relative + '\0';
            base.setProperty(symbols, label.name(), value.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static int indexOfNul(byte[] v, int from) {
        for (int i = from; i < v.length; i++) {
            if (v[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static int cellAt(byte[] v, int offset) {
        return MemorySegment.ofArray(v).get(BE_U32, offset);
    }

    private static byte[] cell(int value) {
        byte[] b = new byte[4];
        MemorySegment.ofArray(b).set(BE_U32, 0, value);
        return b;
    }
}
