package dev.virtfw.devicetree;

import dev.virtfw.devicetree.Finding.Severity;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a tree against the rules of the Devicetree Specification v0.4 and reports every
 * violation as a {@link Finding} with the node path (and property). Checks are named entries of
 * {@link #CHECKS}, run on every node in document order; names follow dtc's checks where dtc has
 * the same rule.
 */
public final class Validator {
    private Validator() {}

    /**
     * What to check beyond the spec's rules for any tree.
     *
     * @param machine also require what a machine's tree needs to boot an OS: {@code /chosen},
     *     {@code /cpus} and a {@code /memory} node (spec 3.4, 3.6, 3.7). Default: false.
     */
    public record Options(boolean machine) {
        public static Options defaults() {
            return new Options(false);
        }

        public static Options forMachine() {
            return new Options(true);
        }
    }

    /** One named check: a level and the rule, applied to each node. */
    public record Check(String name, Severity severity, Rule rule) {}

    @FunctionalInterface
    public interface Rule {
        void check(Context ctx, Node node);
    }

    /** What a rule sees besides its node: the tree's phandles, the options, and where to report. */
    public static final class Context {
        private final Options options;
        private final Map<Integer, Node> byPhandle;
        private final Set<Node> inTree;
        private final List<Finding> findings;
        private Check current;

        private Context(Options options, Map<Integer, Node> byPhandle, Set<Node> inTree, List<Finding> findings) {
            this.options = options;
            this.byPhandle = byPhandle;
            this.inTree = inTree;
            this.findings = findings;
        }

        public Options options() {
            return options;
        }

        /** The node with this phandle, the first in document order if several claim it. */
        public Optional<Node> nodeByPhandle(int phandle) {
            return Optional.ofNullable(byPhandle.get(phandle));
        }

        public boolean contains(Node n) {
            return inTree.contains(n);
        }

        public void fail(Node n, String property, String message) {
            findings.add(new Finding(current.severity(), current.name(), n.path(), property, message));
        }
    }

    /** Node names (2.2.1): characters allowed in a node name, unit address included. */
    static final String NODE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,._+-@";
    /** Property names (2.2.4, table 2.2). */
    static final String PROPERTY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,._+?#-";
    static final int MAX_NAME_LENGTH = 31;

    /** Properties holding a phandle followed by as many cells as the target's #...-cells says. */
    static final Map<String, String> PHANDLE_ARGS = Map.ofEntries(
            Map.entry("clocks", "#clock-cells"),
            Map.entry("resets", "#reset-cells"),
            Map.entry("power-domains", "#power-domain-cells"),
            Map.entry("pwms", "#pwm-cells"),
            Map.entry("dmas", "#dma-cells"),
            Map.entry("phys", "#phy-cells"),
            Map.entry("mboxes", "#mbox-cells"),
            Map.entry("iommus", "#iommu-cells"),
            Map.entry("interrupts-extended", "#interrupt-cells"),
            Map.entry("cooling-device", "#cooling-cells"),
            Map.entry("thermal-sensors", "#thermal-sensor-cells"),
            Map.entry("gpios", "#gpio-cells"));

    /**
     * The checks in the order they run. A rule dtc also enforces on blobs is an ERROR as in dtc
     * (dtc refuses such a blob without {@code -f}); every other rule is a WARNING, so a tree dtc
     * accepts, such as a kernel tree with 40-character vendor property names, has no error.
     */
    public static final List<Check> CHECKS = List.of(
            new Check("node_name_chars", Severity.ERROR, Validator::nodeNameChars),
            new Check("node_name_format", Severity.ERROR, Validator::nodeNameFormat),
            new Check("node_name_spec", Severity.WARNING, Validator::nodeNameSpec),
            new Check("node_name_length", Severity.WARNING, Validator::nodeNameLength),
            new Check("property_name_chars", Severity.ERROR, Validator::propertyNameChars),
            new Check("property_name_length", Severity.WARNING, Validator::propertyNameLength),
            new Check("root_properties", Severity.WARNING, Validator::rootProperties),
            new Check("cells_property_format", Severity.WARNING, Validator::cellsPropertyFormat),
            new Check("string_property", Severity.WARNING, Validator::stringProperties),
            new Check("reg_format", Severity.WARNING, Validator::regFormat),
            new Check("ranges_format", Severity.WARNING, Validator::rangesFormat),
            new Check("avoid_default_addr_size", Severity.WARNING, Validator::defaultAddrSize),
            new Check("unit_address_vs_reg", Severity.WARNING, Validator::unitAddressVsReg),
            new Check("unit_address_format", Severity.WARNING, Validator::unitAddressFormat),
            new Check("unit_address_matches_reg", Severity.WARNING, Validator::unitAddressMatchesReg),
            new Check("explicit_phandles", Severity.ERROR, Validator::explicitPhandles),
            new Check("phandle_references", Severity.ERROR, Validator::phandleReferences),
            new Check("phandle_args", Severity.WARNING, Validator::phandleArgs),
            new Check("machine_nodes", Severity.ERROR, Validator::machineNodes),
            new Check("memory_node", Severity.WARNING, Validator::memoryNode));

    public static List<Finding> validate(DeviceTree tree) {
        return validate(tree, Options.defaults());
    }

    public static List<Finding> validate(DeviceTree tree, Options options) {
        List<Node> nodes = new ArrayList<>();
        Walk.depthFirst(tree.root(), (n, depth) -> nodes.add(n));
        Set<Node> inTree = Collections.newSetFromMap(new IdentityHashMap<>());
        inTree.addAll(nodes);
        Map<Integer, Node> byPhandle = new HashMap<>();
        for (Node n : nodes) {
            n.phandle().ifPresent(ph -> byPhandle.putIfAbsent(ph, n));
        }
        List<Finding> findings = new ArrayList<>();
        Context ctx = new Context(options, byPhandle, inTree, findings);
        for (Node n : nodes) {
            for (Check c : CHECKS) {
                ctx.current = c;
                c.rule().check(ctx, n);
            }
        }
        return findings;
    }

    // --- names (2.2.1, 2.2.4) ---

    private static void nodeNameChars(Context ctx, Node n) {
        for (char c : n.name().toCharArray()) {
            if (NODE_CHARS.indexOf(c) < 0) {
                ctx.fail(n, null, "Bad character '" + printable(c) + "' in node name");
                return;
            }
        }
    }

    /** dtc's node_name_format: one '@' at most. */
    private static void nodeNameFormat(Context ctx, Node n) {
        int at = n.name().indexOf('@');
        if (n.parent().isPresent() && at >= 0 && n.name().indexOf('@', at + 1) >= 0) {
            ctx.fail(n, null, "multiple '@' in node name");
        }
    }

    /** The spec's shape of a node name (2.2.1) beyond what dtc checks: a name before '@', a unit after it, a letter first. */
    private static void nodeNameSpec(Context ctx, Node n) {
        if (n.parent().isEmpty()) {
            return;
        }
        String name = n.name();
        int at = name.indexOf('@');
        if (at == 0) {
            ctx.fail(n, null, "node name is empty before '@'");
        }
        if (at >= 0 && at == name.length() - 1) {
            ctx.fail(n, null, "empty unit address after '@'");
        }
        if (at != 0 && !Character.isLetter(name.charAt(0)) && !isGeneratedNode(name)) {
            ctx.fail(n, null, "node name does not start with a letter");
        }
    }

    /** Nodes dtc itself generates for overlays and symbols: {@code __symbols__}, {@code __fixups__}, ... */
    static boolean isGeneratedNode(String name) {
        return name.length() > 4 && name.startsWith("__") && name.endsWith("__");
    }

    private static void nodeNameLength(Context ctx, Node n) {
        if (n.parent().isPresent() && n.baseName().length() > MAX_NAME_LENGTH) {
            ctx.fail(n, null, "node name is " + n.baseName().length() + " characters, more than " + MAX_NAME_LENGTH);
        }
    }

    private static void propertyNameChars(Context ctx, Node n) {
        for (Property p : n.properties()) {
            for (char c : p.name().toCharArray()) {
                if (PROPERTY_CHARS.indexOf(c) < 0) {
                    ctx.fail(n, p.name(), "Bad character '" + printable(c) + "' in property name");
                    break;
                }
            }
        }
    }

    private static void propertyNameLength(Context ctx, Node n) {
        for (Property p : n.properties()) {
            if (p.name().isEmpty()) {
                ctx.fail(n, p.name(), "property name is empty");
            } else if (p.name().length() > MAX_NAME_LENGTH) {
                ctx.fail(n, p.name(), "property name is " + p.name().length() + " characters, more than "
                        + MAX_NAME_LENGTH);
            }
        }
    }

    // --- required and typed properties (3.2, 2.3) ---

    private static void rootProperties(Context ctx, Node n) {
        if (n.parent().isPresent()) {
            return;
        }
        for (String req : List.of("#address-cells", "#size-cells", "model", "compatible")) {
            if (n.property(req).isEmpty()) {
                ctx.fail(n, null, "missing required property '" + req + "'");
            }
        }
    }

    private static void cellsPropertyFormat(Context ctx, Node n) {
        for (Property p : n.properties()) {
            if (p.name().startsWith("#") && p.name().endsWith("-cells") && p.length() != 4) {
                ctx.fail(n, p.name(), "property is not a single cell (" + p.length() + " bytes)");
            }
        }
    }

    /**
     * As dtc's checks: {@code model}, {@code status} and {@code device_type} hold one
     * NUL-terminated string, {@code compatible} a list of them. Any byte but NUL may stand in a
     * string (dtc accepts tabs and the like there too).
     */
    private static void stringProperties(Context ctx, Node n) {
        for (String name : List.of("model", "status", "device_type")) {
            n.property(name).ifPresent(p -> {
                if (!isOneString(p.value())) {
                    ctx.fail(n, name, "property is not a string");
                }
            });
        }
        n.property("compatible").ifPresent(p -> {
            if (!isStringList(p.value())) {
                ctx.fail(n, "compatible", "property is not a string list");
            }
        });
    }

    /** Non-empty and NUL-terminated. */
    private static boolean isStringList(byte[] v) {
        return v.length > 0 && v[v.length - 1] == 0;
    }

    /** NUL-terminated with no other NUL. */
    private static boolean isOneString(byte[] v) {
        if (!isStringList(v)) {
            return false;
        }
        for (int i = 0; i < v.length - 1; i++) {
            if (v[i] == 0) {
                return false;
            }
        }
        return true;
    }

    // --- addressing (2.3.5, 2.3.6, 2.3.8) ---

    /** #address-cells of the node (as a parent), with the spec's default of 2. */
    static int addressCells(Node n) {
        return cells(n, "#address-cells", 2);
    }

    static int sizeCells(Node n) {
        return cells(n, "#size-cells", 1);
    }

    private static int cells(Node n, String name, int dflt) {
        return n.property(name).filter(p -> p.length() == 4).map(Property::asU32).orElse(dflt);
    }

    private static void regFormat(Context ctx, Node n) {
        Optional<Node> parent = n.parent();
        Optional<Property> reg = n.property("reg");
        if (parent.isEmpty() || reg.isEmpty()) {
            return;
        }
        int ac = addressCells(parent.get());
        int sc = sizeCells(parent.get());
        long entry = 4L * (ac + (long) sc);
        int len = reg.get().length();
        if (len == 0 || entry == 0 || len % entry != 0) {
            ctx.fail(n, "reg", "property has invalid length (" + len + " bytes) (#address-cells == " + ac
                    + ", #size-cells == " + sc + ")");
        }
    }

    private static void rangesFormat(Context ctx, Node n) {
        Optional<Node> parent = n.parent();
        if (parent.isEmpty()) {
            return;
        }
        for (String name : List.of("ranges", "dma-ranges")) {
            Optional<Property> ranges = n.property(name);
            if (ranges.isEmpty() || ranges.get().isEmpty()) {
                continue;
            }
            int pac = addressCells(parent.get());
            int cac = addressCells(n);
            int csc = sizeCells(n);
            long entry = 4L * (cac + (long) pac + csc);
            int len = ranges.get().length();
            if (entry == 0 || len % entry != 0) {
                ctx.fail(n, name, "property has invalid length (" + len + " bytes) (parent #address-cells == " + pac
                        + ", child #address-cells == " + cac + ", #size-cells == " + csc + ")");
            }
        }
    }

    private static void defaultAddrSize(Context ctx, Node n) {
        Optional<Node> parent = n.parent();
        if (parent.isEmpty() || n.property("reg").isEmpty()) {
            return;
        }
        if (parent.get().property("#address-cells").isEmpty()) {
            ctx.fail(n, null, "Relying on default #address-cells value");
        }
        if (parent.get().property("#size-cells").isEmpty()) {
            ctx.fail(n, null, "Relying on default #size-cells value");
        }
    }

    private static void unitAddressVsReg(Context ctx, Node n) {
        if (n.parent().isEmpty()) {
            return;
        }
        boolean hasAddr = n.property("reg").isPresent() || n.property("ranges").isPresent();
        if (n.unitAddress().isPresent() && !hasAddr) {
            ctx.fail(n, null, "node has a unit name, but no reg or ranges property");
        } else if (n.unitAddress().isEmpty() && n.property("reg").isPresent()) {
            ctx.fail(n, null, "node has a reg or ranges property, but no unit name");
        }
    }

    private static void unitAddressFormat(Context ctx, Node n) {
        Optional<String> unit = n.unitAddress();
        if (unit.isEmpty() || unit.get().isEmpty()) {
            return;
        }
        String u = unit.get();
        if (u.startsWith("0x") || u.startsWith("0X")) {
            ctx.fail(n, null, "unit name should not have leading \"0x\"");
        } else if (u.length() > 1 && u.charAt(0) == '0' && u.indexOf(',') != 1) {
            ctx.fail(n, null, "unit name should not have leading 0s");
        }
    }

    private static void unitAddressMatchesReg(Context ctx, Node n) {
        Optional<String> unit = n.unitAddress();
        Optional<Node> parent = n.parent();
        Optional<Property> reg = n.property("reg");
        if (unit.isEmpty() || parent.isEmpty() || reg.isEmpty() || unit.get().indexOf(',') >= 0) {
            return;
        }
        int ac = addressCells(parent.get());
        if (ac < 1 || ac > 2 || reg.get().length() < 4 * ac) {
            return;
        }
        MemorySegment v = MemorySegment.ofArray(reg.get().value());
        long addr = ac == 1 ? Integer.toUnsignedLong(v.get(FdtSpec.BE_U32, 0)) : v.get(FdtSpec.BE_U64, 0);
        String expected = Long.toHexString(addr);
        if (!unit.get().equals(expected)) {
            ctx.fail(n, "reg", "unit address \"" + unit.get() + "\" does not match the first reg address, expected \""
                    + expected + "\"");
        }
    }

    // --- phandles (2.3.3) ---

    private static void explicitPhandles(Context ctx, Node n) {
        Integer value = null;
        for (String name : List.of("phandle", "linux,phandle")) {
            Optional<Property> p = n.property(name);
            if (p.isEmpty()) {
                continue;
            }
            if (p.get().length() != 4) {
                ctx.fail(n, name, "bad length (" + p.get().length() + ") " + name + " property");
                continue;
            }
            int v = p.get().asU32();
            if (v == 0 || v == -1) {
                ctx.fail(n, name, "bad value (0x" + Integer.toHexString(v) + ") in " + name + " property");
                continue;
            }
            if (value != null && value != v) {
                ctx.fail(n, name, "mismatching 'phandle' and 'linux,phandle' properties");
                continue;
            }
            if (value == null) {
                Node owner = ctx.byPhandle.get(v);
                if (owner != null && owner != n) {
                    ctx.fail(n, name, "duplicated phandle 0x" + Integer.toHexString(v) + " (seen before at "
                            + owner.path() + ")");
                }
            }
            value = v;
        }
    }

    /** References built through the model must point into the tree (dtc's phandle_references: a label that resolves). */
    private static void phandleReferences(Context ctx, Node n) {
        for (Property p : n.properties()) {
            for (Node target : p.references()) {
                if (!ctx.contains(target)) {
                    ctx.fail(n, p.name(), "reference to " + target.path() + ", a node outside this tree");
                }
            }
        }
    }

    /** Phandle cells in values (as dtc's clocks_property, gpios_property, interrupts_property... warn). */
    private static void phandleArgs(Context ctx, Node n) {
        for (Property p : n.properties()) {
            if (p.hasReferences()) {
                continue; // references built through the model are phandle_references' business
            }
            String name = p.name();
            if (name.equals("interrupt-parent")) {
                if (p.length() != 4) {
                    ctx.fail(n, name, "property is not a single phandle (" + p.length() + " bytes)");
                } else if (ctx.nodeByPhandle(p.asU32()).isEmpty()) {
                    ctx.fail(n, name, "dangling phandle 0x" + Integer.toHexString(p.asU32()));
                }
                continue;
            }
            String cellsName = PHANDLE_ARGS.get(name);
            if (cellsName == null && (name.endsWith("-gpios") || name.endsWith(",gpios"))) {
                cellsName = "#gpio-cells";
            }
            if ("#gpio-cells".equals(cellsName) && n.property("gpio-hog").isPresent()) {
                continue; // a GPIO hog's gpios holds its controller's cells without a phandle (as dtc skips it)
            }
            if (cellsName != null) {
                phandleArgCells(ctx, n, p, cellsName);
            }
        }
    }

    private static void phandleArgCells(Context ctx, Node n, Property p, String cellsName) {
        if (p.length() % 4 != 0) {
            ctx.fail(n, p.name(), "property size (" + p.length() + ") is not a multiple of 4");
            return;
        }
        int[] cells = p.asU32Array();
        int i = 0;
        while (i < cells.length) {
            int ph = cells[i];
            if (ph == 0 || ph == -1) {
                i++; // an empty entry
                continue;
            }
            Optional<Node> target = ctx.nodeByPhandle(ph);
            if (target.isEmpty()) {
                ctx.fail(n, p.name(), "dangling phandle 0x" + Integer.toHexString(ph) + " in cell " + i);
                return;
            }
            Optional<Property> argc = target.get().property(cellsName);
            if (argc.isEmpty() || argc.get().length() != 4) {
                ctx.fail(n, p.name(), "missing property '" + cellsName + "' in node " + target.get().path()
                        + " or bad phandle (referred from cell " + i + ")");
                return;
            }
            long next = i + 1L + Integer.toUnsignedLong(argc.get().asU32());
            if (next > cells.length) {
                ctx.fail(n, p.name(), "property size (" + p.length() + ") too small for cell size "
                        + argc.get().asU32() + " at cell " + i);
                return;
            }
            i = (int) next;
        }
    }

    // --- what a machine needs (3.4 /memory, 3.6 /chosen, 3.7 /cpus) ---

    private static void machineNodes(Context ctx, Node n) {
        if (!ctx.options().machine() || n.parent().isPresent()) {
            return;
        }
        if (n.child("chosen").isEmpty()) {
            ctx.fail(n, null, "missing /chosen node");
        }
        if (n.child("cpus").isEmpty()) {
            ctx.fail(n, null, "missing /cpus node");
        }
        boolean memory = n.children().stream().anyMatch(c -> c.baseName().equals("memory")
                && c.property("device_type").map(p -> isStringList(p.value()) && p.asStrings().getFirst()
                        .equals("memory")).orElse(false));
        if (!memory) {
            ctx.fail(n, null, "missing /memory node (a node named memory with device_type = \"memory\")");
        }
    }

    private static void memoryNode(Context ctx, Node n) {
        Optional<Property> type = n.property("device_type");
        if (type.isEmpty() || !isStringList(type.get().value()) || !type.get().asStrings().getFirst().equals("memory")) {
            return;
        }
        if (n.property("reg").isEmpty()) {
            ctx.fail(n, null, "memory node has no reg property");
        }
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c);
    }
}
