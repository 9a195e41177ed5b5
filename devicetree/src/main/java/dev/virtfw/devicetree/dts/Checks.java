package dev.virtfw.devicetree.dts;

import dev.virtfw.devicetree.dts.Data.Marker;
import dev.virtfw.devicetree.dts.Data.MarkerType;
import dev.virtfw.devicetree.dts.LiveNode.Label;
import dev.virtfw.devicetree.dts.LiveNode.Prop;
import java.util.HashMap;
import java.util.Map;

/**
 * dtc's error-level checks, in dtc's order, and the fixups they carry out: the redundant
 * {@code name} properties go, explicit phandles are taken, references become phandles (allocated
 * from 1 in the order the references are met) and paths, unreferenced {@code /omit-if-no-ref/}
 * nodes go. The first failure is thrown in dtc's words. Warning-level checks change nothing in
 * the output and are left to {@link dev.virtfw.devicetree.Validator}.
 */
final class Checks {
    private static final String NODE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,._+-@";
    private static final String PROP_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,._+*#?-";

    private final LiveNode root;
    private final boolean plugin;
    private final DtsOptions options;
    /** Nodes by phandle value (the first given each value), for dtc's get_node_by_phandle. */
    private final Map<Integer, LiveNode> byPhandle = new HashMap<>();
    private int nextPhandle = 1;

    Checks(LiveNode root, boolean plugin, DtsOptions options) {
        this.root = root;
        this.plugin = plugin;
        this.options = options;
    }

    private interface NodeCheck {
        void check(LiveNode n);
    }

    /** Runs {@code check} on every live node, parents before children (dtc's check_nodes_props). */
    private void walk(LiveNode n, NodeCheck check) {
        check.check(n);
        for (int i = 0; i < n.children.size(); i++) {
            LiveNode c = n.children.get(i);
            if (!c.deleted) {
                walk(c, check);
            }
        }
    }

    static void fillFullpaths(LiveNode n, String prefix) {
        n.fullpath = prefix.endsWith("/") ? prefix + n.name : prefix + "/" + n.name;
        int at = n.name.indexOf('@');
        n.basenameLength = at < 0 ? n.name.length() : at;
        for (LiveNode c : n.children) {
            if (!c.deleted) {
                fillFullpaths(c, n.fullpath);
            }
        }
    }

    private static DtsException fail(String check, LiveNode n, Prop p, String text) {
        SourcePosition pos = p != null && p.pos != null ? p.pos : n.pos;
        String where = pos != null ? pos.toString() : "<stdout>";
        String line = where + ": ERROR (" + check + "): " + n.fullpath + (p != null ? ":" + p.name : "") + ": " + text;
        return new DtsException(DtsException.Kind.CHECK, pos, check, line);
    }

    void run() {
        walk(root, this::duplicateNodeNames);
        walk(root, this::duplicatePropertyNames);
        walk(root, this::nodeNameChars);
        walk(root, this::nodeNameFormat);
        walk(root, this::propertyNameChars);
        walk(root, this::nameIsString);
        walk(root, this::nameProperties);
        duplicateLabels();
        walk(root, this::explicitPhandles);
        walk(root, this::phandleReferences);
        walk(root, this::pathReferences);
        walk(root, this::omitUnused);
    }

    private void duplicateNodeNames(LiveNode n) {
        for (int i = 0; i < n.children.size(); i++) {
            LiveNode c = n.children.get(i);
            if (c.deleted) {
                continue;
            }
            for (int j = i + 1; j < n.children.size(); j++) {
                LiveNode c2 = n.children.get(j);
                if (c2.name.equals(c.name)) {
                    if (c2.fullpath == null) {
                        c2.fullpath = c.fullpath;
                    }
                    throw fail("duplicate_node_names", c2, null, "Duplicate node name");
                }
            }
        }
    }

    private void duplicatePropertyNames(LiveNode n) {
        for (int i = 0; i < n.props.size(); i++) {
            Prop p = n.props.get(i);
            if (p.deleted) {
                continue;
            }
            for (int j = i + 1; j < n.props.size(); j++) {
                Prop p2 = n.props.get(j);
                if (!p2.deleted && p2.name.equals(p.name)) {
                    throw fail("duplicate_property_names", n, p, "Duplicate property name");
                }
            }
        }
    }

    private static int span(String s, String allowed) {
        int i = 0;
        while (i < s.length() && allowed.indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    private void nodeNameChars(LiveNode n) {
        int k = span(n.name, NODE_CHARS);
        if (k < n.name.length()) {
            throw fail("node_name_chars", n, null, "Bad character '" + n.name.charAt(k) + "' in node name");
        }
    }

    private void nodeNameFormat(LiveNode n) {
        if (n.basenameLength < n.name.length() && n.name.indexOf('@', n.basenameLength + 1) >= 0) {
            throw fail("node_name_format", n, null, "multiple '@' characters in node name");
        }
    }

    private void propertyNameChars(LiveNode n) {
        for (Prop p : n.props) {
            if (p.deleted) {
                continue;
            }
            int k = span(p.name, PROP_CHARS);
            if (k < p.name.length()) {
                throw fail("property_name_chars", n, p, "Bad character '" + p.name.charAt(k) + "' in property name");
            }
        }
    }

    static boolean isOneString(Data d) {
        int len = d.length();
        if (len == 0 || d.byteAt(len - 1) != 0) {
            return false;
        }
        for (int i = 0; i < len - 1; i++) {
            if (d.byteAt(i) == 0) {
                return false;
            }
        }
        return true;
    }

    private void nameIsString(LiveNode n) {
        Prop p = n.property("name");
        if (p != null && !isOneString(p.val)) {
            throw fail("name_is_string", n, p, "property is not a string");
        }
    }

    private void nameProperties(LiveNode n) {
        Prop p = null;
        for (Prop q : n.props) {
            if (q.name.equals("name")) {
                p = q;
                break;
            }
        }
        if (p == null) {
            return;
        }
        boolean same = p.val.length() == n.basenameLength + 1;
        for (int i = 0; same && i < n.basenameLength; i++) {
            same = p.val.byteAt(i) == (byte) n.name.charAt(i);
        }
        if (!same) {
            String shown = new String(p.val.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            int nul = shown.indexOf('\0');
            throw fail("name_properties", n, null, "\"name\" property is incorrect (\"" + (nul < 0 ? shown : shown.substring(0, nul))
                    + "\" instead of base node name)");
        }
        n.props.remove(p);
    }

    /** One place a label is attached: a node, a property, or a marker in a value. */
    private record LabelSite(LiveNode node, Prop prop, Marker mark) {}

    private void duplicateLabels() {
        // The first site of each label in dtc's search order: node labels, then property labels, then value labels.
        Map<String, LabelSite> onNodes = new HashMap<>();
        Map<String, LabelSite> onProps = new HashMap<>();
        Map<String, LabelSite> inValues = new HashMap<>();
        walk(root, n -> {
            for (Label l : n.labels) {
                if (!l.deleted) {
                    onNodes.putIfAbsent(l.name, new LabelSite(n, null, null));
                }
            }
            for (Prop p : n.props) {
                if (p.deleted) {
                    continue;
                }
                for (Label l : p.labels) {
                    if (!l.deleted) {
                        onProps.putIfAbsent(l.name, new LabelSite(n, p, null));
                    }
                }
                for (Marker m : p.val.markers) {
                    if (m.type == MarkerType.LABEL) {
                        inValues.putIfAbsent(m.ref, new LabelSite(n, p, m));
                    }
                }
            }
        });
        walk(root, n -> {
            for (Label l : n.labels) {
                if (!l.deleted) {
                    sameSite(l.name, new LabelSite(n, null, null), onNodes, onProps, inValues);
                }
            }
            for (Prop p : n.props) {
                if (p.deleted) {
                    continue;
                }
                for (Label l : p.labels) {
                    if (!l.deleted) {
                        sameSite(l.name, new LabelSite(n, p, null), onNodes, onProps, inValues);
                    }
                }
                for (Marker m : p.val.markers) {
                    if (m.type == MarkerType.LABEL) {
                        sameSite(m.ref, new LabelSite(n, p, m), onNodes, onProps, inValues);
                    }
                }
            }
        });
    }

    private static void sameSite(String label, LabelSite here, Map<String, LabelSite> onNodes,
            Map<String, LabelSite> onProps, Map<String, LabelSite> inValues) {
        LabelSite first = onNodes.get(label);
        if (first == null) {
            first = onProps.get(label);
        }
        if (first == null) {
            first = inValues.get(label);
        }
        if (first == null) {
            return;
        }
        if (first.node != here.node || first.prop != here.prop || first.mark != here.mark) {
            throw fail("duplicate_label", here.node, null, "Duplicate label '" + label + "' on " + describe(here)
                    + " and " + describe(first));
        }
    }

    private static String describe(LabelSite s) {
        return (s.mark != null ? "value of " : "") + (s.prop != null ? "'" + s.prop.name + "' in " : "") + s.node.fullpath;
    }

    /** The live node holding {@code phandle}, as dtc's get_node_by_phandle finds it. */
    LiveNode nodeByPhandle(int phandle) {
        LiveNode n = byPhandle.get(phandle);
        if (n == null) {
            return null;
        }
        for (LiveNode a = n; a != null; a = a.parent) {
            if (a.deleted) {
                return null;
            }
        }
        return n;
    }

    private int phandleProp(LiveNode n, String propName) {
        Prop p = n.property(propName);
        if (p == null) {
            return 0;
        }
        if (p.val.length() != 4) {
            throw fail("explicit_phandles", n, p, "bad length (" + p.val.length() + ") " + p.name + " property");
        }
        for (Marker m : p.val.markers) {
            if (m.type == MarkerType.REF_PHANDLE) {
                if (n != DtsParser.byRef(root, m.ref)) {
                    throw fail("explicit_phandles", n, null, p.name + " is a reference to another node");
                }
                return 0;
            }
        }
        int v = p.val.u32(0);
        if (v == 0 || v == -1) {
            throw fail("explicit_phandles", n, p, String.format("bad value (0x%x) in %s property", v, p.name));
        }
        return v;
    }

    private void explicitPhandles(LiveNode n) {
        int phandle = phandleProp(n, "phandle");
        int legacy = phandleProp(n, "linux,phandle");
        if (phandle == 0 && legacy == 0) {
            return;
        }
        if (legacy != 0 && phandle != 0 && phandle != legacy) {
            throw fail("explicit_phandles", n, null, "mismatching 'phandle' and 'linux,phandle' properties");
        }
        if (phandle == 0) {
            phandle = legacy;
        }
        LiveNode other = nodeByPhandle(phandle);
        if (other != null && other != n) {
            throw fail("explicit_phandles", n, null,
                    String.format("duplicated phandle 0x%x (seen before at %s)", phandle, other.fullpath));
        }
        n.phandle = phandle;
        byPhandle.putIfAbsent(phandle, n);
    }

    /** dtc's get_node_phandle: the node's phandle, allocating the next free value and its properties if it has none. */
    int phandleOf(LiveNode n) {
        if (n.phandle != 0 && n.phandle != -1) {
            return n.phandle;
        }
        while (nodeByPhandle(nextPhandle) != null) {
            nextPhandle++;
        }
        n.phandle = nextPhandle;
        byPhandle.putIfAbsent(nextPhandle, n);
        if (options.phandles().legacy() && n.property("linux,phandle") == null) {
            n.props.add(new Prop("linux,phandle", cell(nextPhandle), null));
        }
        if (options.phandles().epapr() && n.property("phandle") == null) {
            n.props.add(new Prop("phandle", cell(nextPhandle), null));
        }
        return n.phandle;
    }

    private static Data cell(int v) {
        return new Data().addMarker(MarkerType.TYPE_UINT32, null).appendInteger(v, 32);
    }

    private void phandleReferences(LiveNode n) {
        for (int pi = 0; pi < n.props.size(); pi++) {
            Prop p = n.props.get(pi);
            if (p.deleted) {
                continue;
            }
            for (Marker m : p.val.markers) {
                if (m.type != MarkerType.REF_PHANDLE) {
                    continue;
                }
                LiveNode target = DtsParser.byRef(root, m.ref);
                if (target == null) {
                    if (!plugin) {
                        throw fail("phandle_references", n, null, "Reference to non-existent node or label \"" + m.ref + "\"");
                    }
                    p.val.setU32(m.offset, -1);
                    continue;
                }
                p.val.setU32(m.offset, phandleOf(target));
                target.referenced = true;
            }
        }
    }

    private void pathReferences(LiveNode n) {
        for (Prop p : n.props) {
            if (p.deleted) {
                continue;
            }
            for (int i = 0; i < p.val.markers.size(); i++) {
                Marker m = p.val.markers.get(i);
                if (m.type != MarkerType.REF_PATH) {
                    continue;
                }
                LiveNode target = DtsParser.byRef(root, m.ref);
                if (target == null) {
                    throw fail("path_references", n, null, "Reference to non-existent node or label \"" + m.ref + "\"");
                }
                p.val.insertAt(m, DtsParser.nulTerminated(target.fullpath));
                target.referenced = true;
            }
        }
    }

    private void omitUnused(LiveNode n) {
        if (options.symbols() && !n.labels.isEmpty()) {
            return;
        }
        if (n.omitIfUnused && !n.referenced) {
            n.delete();
        }
    }

    // --- what dtc adds after the checks: __symbols__, __fixups__, __local_fixups__ ---

    private boolean anyLabel(LiveNode n) {
        if (!n.labels.isEmpty()) {
            return true;
        }
        for (LiveNode c : n.children) {
            if (!c.deleted && anyLabel(c)) {
                return true;
            }
        }
        return false;
    }

    private LiveNode rootChild(String name) {
        LiveNode an = root.subnode(name);
        if (an == null) {
            an = new LiveNode(null);
            an.name = name;
            root.addChild(an);
        }
        return an;
    }

    void generateSymbols() {
        if (!anyLabel(root)) {
            return;
        }
        LiveNode an = rootChild("__symbols__");
        symbols(an, root);
    }

    private void symbols(LiveNode an, LiveNode n) {
        if (!n.labels.isEmpty()) {
            for (Label l : n.labels) {
                if (l.deleted || an.property(l.name) != null) {
                    continue;
                }
                byte[] path = DtsLexer.unescape(n.fullpath, null);
                Data d = new Data().addMarker(MarkerType.TYPE_STRING, null).append(path);
                an.props.add(new Prop(l.name, d, null));
            }
            phandleOf(n);
        }
        for (int i = 0; i < n.children.size(); i++) {
            LiveNode c = n.children.get(i);
            if (!c.deleted) {
                symbols(an, c);
            }
        }
    }

    private boolean anyReference(LiveNode n, boolean resolvable) {
        for (Prop p : n.props) {
            if (p.deleted) {
                continue;
            }
            for (Marker m : p.val.markers) {
                if (m.type == MarkerType.REF_PHANDLE && (DtsParser.byRef(root, m.ref) != null) == resolvable) {
                    return true;
                }
            }
        }
        for (LiveNode c : n.children) {
            if (!c.deleted && anyReference(c, resolvable)) {
                return true;
            }
        }
        return false;
    }

    private static void appendToProperty(LiveNode n, String name, byte[] bytes, MarkerType type) {
        Prop p = n.property(name);
        if (p != null) {
            p.val.addMarker(type, name).append(bytes);
        } else {
            n.props.add(new Prop(name, new Data().addMarker(type, name).append(bytes), null));
        }
    }

    void generateFixups() {
        if (anyReference(root, false)) {
            LiveNode fn = rootChild("__fixups__");
            fixups(fn, root);
        }
        if (anyReference(root, true)) {
            LiveNode lfn = rootChild("__local_fixups__");
            localFixups(lfn, root);
        }
    }

    private void fixups(LiveNode fn, LiveNode n) {
        for (int pi = 0; pi < n.props.size(); pi++) {
            Prop p = n.props.get(pi);
            if (p.deleted) {
                continue;
            }
            for (int mi = 0; mi < p.val.markers.size(); mi++) {
                Marker m = p.val.markers.get(mi);
                if (m.type == MarkerType.REF_PHANDLE && DtsParser.byRef(root, m.ref) == null) {
                    if (n.fullpath.indexOf(':') >= 0 || p.name.indexOf(':') >= 0) {
                        throw DtsException.fatal("arguments should not contain ':'");
                    }
                    String entry = n.fullpath + ":" + p.name + ":" + Integer.toUnsignedString(m.offset);
                    appendToProperty(fn, m.ref, DtsParser.nulTerminated(entry), MarkerType.TYPE_STRING);
                }
            }
        }
        for (int i = 0; i < n.children.size(); i++) {
            LiveNode c = n.children.get(i);
            if (!c.deleted) {
                fixups(fn, c);
            }
        }
    }

    private void localFixups(LiveNode lfn, LiveNode n) {
        for (int pi = 0; pi < n.props.size(); pi++) {
            Prop p = n.props.get(pi);
            if (p.deleted) {
                continue;
            }
            for (int mi = 0; mi < p.val.markers.size(); mi++) {
                Marker m = p.val.markers.get(mi);
                if (m.type == MarkerType.REF_PHANDLE && DtsParser.byRef(root, m.ref) != null) {
                    java.util.ArrayDeque<String> names = new java.util.ArrayDeque<>();
                    for (LiveNode w = n; w.parent != null; w = w.parent) {
                        names.push(w.name);
                    }
                    LiveNode wn = lfn;
                    for (String name : names) {
                        LiveNode next = wn.subnode(name);
                        if (next == null) {
                            next = new LiveNode(null);
                            next.name = name;
                            wn.addChild(next);
                        }
                        wn = next;
                    }
                    appendToProperty(wn, p.name, new Data().appendInteger(m.offset, 32).bytes(), MarkerType.TYPE_UINT32);
                }
            }
        }
        for (int i = 0; i < n.children.size(); i++) {
            LiveNode c = n.children.get(i);
            if (!c.deleted) {
                localFixups(lfn, c);
            }
        }
    }
}
