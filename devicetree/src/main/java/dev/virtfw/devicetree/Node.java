package dev.virtfw.devicetree;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A devicetree node: a name (with its unit address, {@code "uart@9000000"}), properties in
 * insertion order and children in insertion order. Not thread-safe.
 *
 * <p>Names are kept as Latin-1 text: each char is one byte of the blob, so any name read from a
 * blob is written back unchanged. Names may not contain NUL or '/'; everything else the
 * specification forbids is left to {@link Validator}.
 */
public final class Node {
    private final String name;
    private final Node parent;
    private final List<Node> children = new ArrayList<>();
    private final Map<String, Node> childByName = new HashMap<>();
    private final List<Property> properties = new ArrayList<>();
    private final Map<String, Property> propertyByName = new HashMap<>();

    private Node(String name, Node parent) {
        this.name = name;
        this.parent = parent;
    }

    /** A new root node (name ""). */
    public static Node root() {
        return new Node("", null);
    }

    /** Full name including the unit address, {@code ""} for the root. */
    public String name() {
        return name;
    }

    /** The name without the unit address ("node-name" of spec 2.2.1). */
    public String baseName() {
        int at = name.indexOf('@');
        return at < 0 ? name : name.substring(0, at);
    }

    /** The unit address, the text after the first '@', if there is one. */
    public Optional<String> unitAddress() {
        int at = name.indexOf('@');
        return at < 0 ? Optional.empty() : Optional.of(name.substring(at + 1));
    }

    public Optional<Node> parent() {
        return Optional.ofNullable(parent);
    }

    /** Appends a child. @throws IllegalArgumentException if the name is taken or not storable */
    public Node addChild(String childName) {
        checkNodeName(childName);
        if (childByName.containsKey(childName)) {
            throw new IllegalArgumentException("node " + path() + " already has a child " + childName);
        }
        Node child = new Node(childName, this);
        children.add(child);
        childByName.put(childName, child);
        return child;
    }

    /** The child named {@code name@unit} exactly or, for a query without '@', the first child whose name before '@' matches. */
    public Optional<Node> child(String query) {
        Node exact = childByName.get(query);
        if (exact != null || query.indexOf('@') >= 0) {
            return Optional.ofNullable(exact);
        }
        for (Node c : children) {
            if (c.name.startsWith(query) && c.name.length() > query.length() && c.name.charAt(query.length()) == '@') {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Removes the named child (exact name); returns whether it existed. */
    public boolean removeChild(String childName) {
        Node c = childByName.remove(childName);
        if (c == null) {
            return false;
        }
        children.remove(c);
        return true;
    }

    /**
     * Moves the named child (exact name) after all the others: a blob lists children in this
     * order. Returns whether it existed.
     */
    public boolean moveChildToEnd(String childName) {
        Node c = childByName.get(childName);
        if (c == null) {
            return false;
        }
        children.remove(c);
        children.add(c);
        return true;
    }

    /** Children in insertion order (unmodifiable view). */
    public List<Node> children() {
        return Collections.unmodifiableList(children);
    }

    /**
     * The node at {@code path}: an absolute path ("/a/b@1") starts at this node's root, a relative
     * one at this node. Each component matches as {@link #child(String)} does.
     */
    public Optional<Node> find(String path) {
        Node n = path.startsWith("/") ? top() : this;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            Optional<Node> next = n.child(part);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            n = next.get();
        }
        return Optional.of(n);
    }

    /** The root of the tree this node belongs to. */
    public Node top() {
        Node n = this;
        while (n.parent != null) {
            n = n.parent;
        }
        return n;
    }

    /** The absolute path, "/" for the root. */
    public String path() {
        if (parent == null) {
            return "/";
        }
        ArrayDeque<String> parts = new ArrayDeque<>();
        for (Node n = this; n.parent != null; n = n.parent) {
            parts.push(n.name);
        }
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            sb.append('/').append(p);
        }
        return sb.toString();
    }

    /** Depth below the root (the root is 0). */
    public int depth() {
        int d = 0;
        for (Node n = this; n.parent != null; n = n.parent) {
            d++;
        }
        return d;
    }

    public Node putEmpty(String prop) {
        return put(Property.wrap(prop, new byte[0]));
    }

    /** A cell array (one cell for a single u32). */
    public Node putU32(String prop, int... cells) {
        byte[] b = new byte[Math.multiplyExact(cells.length, 4)];
        var seg = java.lang.foreign.MemorySegment.ofArray(b);
        for (int i = 0; i < cells.length; i++) {
            seg.set(FdtSpec.BE_U32, 4L * i, cells[i]);
        }
        return put(Property.wrap(prop, b));
    }

    /** Each value as two cells, most significant first. */
    public Node putU64(String prop, long... values) {
        byte[] b = new byte[Math.multiplyExact(values.length, 8)];
        var seg = java.lang.foreign.MemorySegment.ofArray(b);
        for (int i = 0; i < values.length; i++) {
            seg.set(FdtSpec.BE_U64, 8L * i, values[i]);
        }
        return put(Property.wrap(prop, b));
    }

    /** A string or string list, each encoded as UTF-8 and NUL-terminated. Strings may not contain NUL. */
    public Node putString(String prop, String... strings) {
        var out = new java.io.ByteArrayOutputStream();
        for (String s : strings) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            for (byte x : b) {
                if (x == 0) {
                    throw new IllegalArgumentException("string for " + prop + " contains NUL");
                }
            }
            out.writeBytes(b);
            out.write(0);
        }
        return put(Property.wrap(prop, out.toByteArray()));
    }

    public Node putBytes(String prop, byte[] bytes) {
        return put(Property.wrap(prop, bytes.clone()));
    }

    /** One cell holding the phandle of {@code target}, resolved when the tree is written. */
    public Node putReference(String prop, Node target) {
        return putCells(prop, Cell.ref(target));
    }

    /** Mixed cells: numbers and references. */
    public Node putCells(String prop, Cell... cells) {
        return put(Property.ofCells(prop, cells));
    }

    /** Adds the property, replacing in place one of the same name. */
    public Node put(Property p) {
        Property old = propertyByName.put(p.name(), p);
        if (old == null) {
            properties.add(p);
        } else {
            properties.set(properties.indexOf(old), p);
        }
        return this;
    }

    public Optional<Property> property(String prop) {
        return Optional.ofNullable(propertyByName.get(prop));
    }

    /** Properties in insertion order (unmodifiable view). */
    public List<Property> properties() {
        return Collections.unmodifiableList(properties);
    }

    /** Removes the property if present. */
    public Node remove(String prop) {
        Property old = propertyByName.remove(prop);
        if (old != null) {
            properties.remove(old);
        }
        return this;
    }

    /** This node's phandle: the 4-byte {@code phandle} property, else {@code linux,phandle}. */
    public OptionalInt phandle() {
        for (String key : new String[] {"phandle", "linux,phandle"}) {
            Property p = propertyByName.get(key);
            if (p != null) {
                OptionalInt v = p.u32IfCell();
                if (v.isPresent()) {
                    return v;
                }
            }
        }
        return OptionalInt.empty();
    }

    /** Adds a property read from a blob (duplicate names are the caller's check). */
    boolean hasProperty(String prop) {
        return propertyByName.containsKey(prop);
    }

    boolean hasChild(String childName) {
        return childByName.containsKey(childName);
    }

    @Override
    public String toString() {
        return "Node[" + path() + "]";
    }

    static String checkNodeName(String n) {
        Objects.requireNonNull(n, "name");
        if (n.isEmpty()) {
            throw new IllegalArgumentException("node name is empty");
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c == 0 || c == '/' || c > 0xff) {
                throw new IllegalArgumentException("node name " + n + " has a character that cannot be stored: U+"
                        + String.format("%04X", (int) c));
            }
        }
        return n;
    }

    static String checkPropertyName(String n) {
        Objects.requireNonNull(n, "name");
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c == 0 || c > 0xff) {
                throw new IllegalArgumentException("property name " + n + " has a character that cannot be stored: U+"
                        + String.format("%04X", (int) c));
            }
        }
        return n;
    }
}
