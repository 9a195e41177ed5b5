package dev.virtfw.devicetree;

import static dev.virtfw.devicetree.FdtSpec.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntPredicate;

/**
 * A blob edited in place the way libfdt's read-write functions edit it, for results that must equal
 * libfdt's byte for byte. Nodes and properties are offsets into the structure block; an edit moves
 * everything after it ({@code fdt_splice_}), so bytes it does not write keep what stood there
 * before: the padding after a value shorter than its 4-byte slot holds whatever the move left,
 * exactly as in libfdt. A new property goes before the node's other properties, a new node before
 * the parent's other children, a new name at the end of the strings block unless the block already
 * holds it (tails of longer names included). The blob grows as needed (fdtoverlay retries with a
 * larger buffer where libfdt runs out of room); {@link #pack()} writes it as {@code fdt_pack} does.
 *
 * <p>Built only from a blob {@link DtbReader} accepted (version 16 or later), so the walk trusts
 * the structure it finds.
 */
final class FlatTree {
    private byte[] buf;
    private MemorySegment seg;
    private final int offRsvmap;
    private final int rsvSize;
    private final int offStruct;
    private int sizeStruct;
    private int offStrings;
    private int sizeStrings;
    private final int lastCompVersion;
    private final int bootCpuid;
    /** The strings block as Latin-1 text, for the search libfdt's fdt_find_string_ makes. */
    private final StringBuilder stringsText;
    private final Map<Integer, String> names = new HashMap<>();

    private FlatTree(byte[] image, int offRsvmap, int rsvSize, int offStruct, int sizeStruct, int offStrings,
            int sizeStrings, int lastCompVersion, int bootCpuid) {
        this.buf = image;
        this.seg = MemorySegment.ofArray(image);
        this.offRsvmap = offRsvmap;
        this.rsvSize = rsvSize;
        this.offStruct = offStruct;
        this.sizeStruct = sizeStruct;
        this.offStrings = offStrings;
        this.sizeStrings = sizeStrings;
        this.lastCompVersion = lastCompVersion;
        this.bootCpuid = bootCpuid;
        this.stringsText = new StringBuilder(
                new String(image, offStrings, sizeStrings, StandardCharsets.ISO_8859_1));
    }

    /**
     * libfdt's {@code fdt_open_into}: the blob as it is when its blocks stand in libfdt's order
     * (reservations, structure, strings), else repacked in that order with last_comp_version 16.
     * {@code reservations} is the number of reservation entries the reader found.
     */
    static FlatTree open(byte[] blob, int reservations) {
        MemorySegment b = MemorySegment.ofArray(blob);
        int totalSize = b.get(BE_U32, HDR_TOTALSIZE);
        int offRsvmap = b.get(BE_U32, HDR_OFF_MEM_RSVMAP);
        int offStruct = b.get(BE_U32, HDR_OFF_DT_STRUCT);
        int offStrings = b.get(BE_U32, HDR_OFF_DT_STRINGS);
        int sizeStrings = b.get(BE_U32, HDR_SIZE_DT_STRINGS);
        int rsvSize = RESERVE_ENTRY_SIZE * (reservations + 1);
        int sizeStruct = b.get(BE_U32, HDR_VERSION) >= 17 ? b.get(BE_U32, HDR_SIZE_DT_STRUCT)
                : structLength(b, offStruct);
        int bootCpuid = b.get(BE_U32, HDR_BOOT_CPUID_PHYS);
        boolean inOrder = offRsvmap >= HEADER_SIZE_V17 && offStruct >= offRsvmap + rsvSize
                && offStrings >= offStruct + sizeStruct && totalSize >= offStrings + sizeStrings;
        if (inOrder) {
            return new FlatTree(Arrays.copyOf(blob, totalSize), offRsvmap, rsvSize, offStruct, sizeStruct, offStrings,
                    sizeStrings, b.get(BE_U32, HDR_LAST_COMP_VERSION), bootCpuid);
        }
        int newStruct = HEADER_SIZE_V17 + rsvSize;
        int newStrings = newStruct + sizeStruct;
        byte[] image = new byte[Math.max(totalSize, newStrings + sizeStrings)];
        System.arraycopy(blob, offRsvmap, image, HEADER_SIZE_V17, rsvSize);
        System.arraycopy(blob, offStruct, image, newStruct, sizeStruct);
        System.arraycopy(blob, offStrings, image, newStrings, sizeStrings);
        return new FlatTree(image, HEADER_SIZE_V17, rsvSize, newStruct, sizeStruct, newStrings, sizeStrings,
                FDT_LAST_COMP_VERSION, bootCpuid);
    }

    /** A version 16 blob has no size_dt_struct: the block ends after its FDT_END token. */
    private static int structLength(MemorySegment b, int offStruct) {
        int off = 0;
        while (true) {
            int tag = b.get(BE_U32, offStruct + off);
            if (tag == FDT_END) {
                return off + 4;
            }
            off = next(b, offStruct, off, tag);
        }
    }

    /** The offset after the token at {@code off} (offsets relative to the structure block). */
    private static int next(MemorySegment b, int offStruct, int off, int tag) {
        return switch (tag) {
            case FDT_BEGIN_NODE -> {
                int p = offStruct + off + 4;
                while (b.get(ValueLayout.JAVA_BYTE, p) != 0) {
                    p++;
                }
                yield (int) align(p + 1 - offStruct, STRUCT_ALIGN);
            }
            case FDT_PROP -> off + 12 + align4(b.get(BE_U32, offStruct + off + 4));
            default -> off + 4;
        };
    }

    private int tag(int off) {
        return seg.get(BE_U32, offStruct + off);
    }

    private int next(int off) {
        return next(seg, offStruct, off, tag(off));
    }

    // ---- reading ----

    /** The root node's offset. */
    int root() {
        return 0;
    }

    String name(int node) {
        int start = offStruct + node + 4;
        int p = start;
        while (buf[p] != 0) {
            p++;
        }
        return new String(buf, start, p - start, StandardCharsets.ISO_8859_1);
    }

    /** The offset of the node's first property or child token (after its name), NOPs included. */
    private int contentStart(int node) {
        return next(node);
    }

    /** The offset of the first of this node's properties named {@code name}, if any. */
    private OptionalInt propertyOffset(int node, String name) {
        for (int off = contentStart(node); ; off = next(off)) {
            int t = tag(off);
            if (t == FDT_PROP) {
                if (propertyName(off).equals(name)) {
                    return OptionalInt.of(off);
                }
            } else if (t != FDT_NOP) {
                return OptionalInt.empty();
            }
        }
    }

    private String propertyName(int prop) {
        int nameoff = seg.get(BE_U32, offStruct + prop + 8);
        return names.computeIfAbsent(nameoff, o -> {
            int end = stringsText.indexOf("\0", o);
            return stringsText.substring(o, end);
        });
    }

    /** libfdt's {@code fdt_getprop}: the value of the node's first property of that name. */
    Optional<byte[]> property(int node, String name) {
        OptionalInt off = propertyOffset(node, name);
        if (off.isEmpty()) {
            return Optional.empty();
        }
        int start = offStruct + off.getAsInt() + 12;
        return Optional.of(Arrays.copyOfRange(buf, start, start + seg.get(BE_U32, start - 8)));
    }

    /** A property as iteration yields it. */
    record Prop(String name, byte[] value) {}

    /** The node's properties in order (libfdt's fdt_for_each_property_offset). */
    List<Prop> properties(int node) {
        List<Prop> out = new ArrayList<>();
        for (int off = contentStart(node); ; off = next(off)) {
            int t = tag(off);
            if (t == FDT_PROP) {
                int start = offStruct + off + 12;
                out.add(new Prop(propertyName(off),
                        Arrays.copyOfRange(buf, start, start + seg.get(BE_U32, start - 8))));
            } else if (t != FDT_NOP) {
                return out;
            }
        }
    }

    /** The offsets of the node's children in order (libfdt's fdt_for_each_subnode). */
    List<Integer> children(int node) {
        List<Integer> out = new ArrayList<>();
        int depth = 0;
        for (int off = contentStart(node); ; off = next(off)) {
            switch (tag(off)) {
                case FDT_BEGIN_NODE -> {
                    if (depth++ == 0) {
                        out.add(off);
                    }
                }
                case FDT_END_NODE -> {
                    if (depth-- == 0) {
                        return out;
                    }
                }
                case FDT_END -> {
                    return out;
                }
                default -> {}
            }
        }
    }

    /**
     * libfdt's {@code fdt_setprop_inplace_namelen_partial}: {@code bytes} written over the value
     * of the node's property at {@code index}; the caller has checked that they fit.
     */
    void writeInPlace(int node, String name, int index, byte[] bytes) {
        int prop = propertyOffset(node, name).orElseThrow();
        System.arraycopy(bytes, 0, buf, offStruct + prop + 12 + index, bytes.length);
    }

    /** libfdt's {@code fdt_get_phandle}: a 4-byte {@code phandle}, else a 4-byte {@code linux,phandle}, else 0. */
    int phandle(int node) {
        for (String key : new String[] {"phandle", "linux,phandle"}) {
            Optional<byte[]> v = property(node, key);
            if (v.isPresent() && v.get().length == 4) {
                return MemorySegment.ofArray(v.get()).get(BE_U32, 0);
            }
        }
        return 0;
    }

    /**
     * libfdt's {@code fdt_subnode_offset}: the first child named {@code query} or, for a query
     * without '@', named {@code query@...}.
     */
    OptionalInt subnode(int parent, String query) {
        boolean withUnit = query.indexOf('@') >= 0;
        for (int child : children(parent)) {
            String n = name(child);
            if (n.equals(query) || (!withUnit && n.length() > query.length() && n.startsWith(query)
                    && n.charAt(query.length()) == '@')) {
                return OptionalInt.of(child);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * libfdt's {@code fdt_path_offset}: components matched as {@link #subnode} does, empty ones
     * skipped, a first component without a leading '/' taken as an alias of {@code /aliases}.
     */
    OptionalInt lookUp(String path) {
        int at = root();
        String rest = path;
        if (!path.startsWith("/")) {
            int slash = path.indexOf('/');
            String alias = slash < 0 ? path : path.substring(0, slash);
            Optional<String> target = lookUp("/aliases").stream().boxed()
                    .flatMap(a -> property(a, alias).stream()).map(FlatTree::cString)
                    .filter(p -> p.startsWith("/")).findFirst();
            if (target.isEmpty()) {
                return OptionalInt.empty();
            }
            OptionalInt aliased = lookUp(target.get());
            if (aliased.isEmpty()) {
                return aliased;
            }
            at = aliased.getAsInt();
            rest = slash < 0 ? "" : path.substring(slash);
        }
        for (String part : rest.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            OptionalInt child = subnode(at, part);
            if (child.isEmpty()) {
                return child;
            }
            at = child.getAsInt();
        }
        return OptionalInt.of(at);
    }

    /** Each node's offset in document order; {@code action} may edit values in place, not move anything. */
    void forEachNode(java.util.function.IntConsumer action) {
        firstNode(n -> {
            action.accept(n);
            return false;
        });
    }

    /** The first node, in document order, that passes {@code test} (given its offset). */
    OptionalInt firstNode(IntPredicate test) {
        for (int off = 0; ; off = next(off)) {
            int t = tag(off);
            if (t == FDT_BEGIN_NODE && test.test(off)) {
                return OptionalInt.of(off);
            }
            if (t == FDT_END) {
                return OptionalInt.empty();
            }
        }
    }

    /** libfdt's {@code fdt_get_path}. */
    String path(int node) {
        ArrayDeque<String> open = new ArrayDeque<>();
        for (int off = 0; ; off = next(off)) {
            switch (tag(off)) {
                case FDT_BEGIN_NODE -> {
                    open.addLast(name(off));
                    if (off == node) {
                        if (open.size() == 1) {
                            return "/";
                        }
                        StringBuilder sb = new StringBuilder();
                        open.stream().skip(1).forEach(n -> sb.append('/').append(n));
                        return sb.toString();
                    }
                }
                case FDT_END_NODE -> open.removeLast();
                case FDT_END -> throw new IllegalArgumentException("no node at offset " + node);
                default -> {}
            }
        }
    }

    /** A string property's value as C reads it: up to its first NUL. */
    static String cString(byte[] v) {
        int n = 0;
        while (n < v.length && v[n] != 0) {
            n++;
        }
        return new String(v, 0, n, StandardCharsets.ISO_8859_1);
    }

    // ---- editing ----

    /**
     * libfdt's {@code fdt_setprop}: an existing property is resized in place and takes the new
     * value; a new one is inserted before the node's first property, its name found in or added to
     * the strings block. The padding after the value is left as the move left it.
     */
    void setProperty(int node, String name, byte[] value) {
        OptionalInt existing = propertyOffset(node, name);
        int prop;
        if (existing.isPresent()) {
            prop = existing.getAsInt();
            int oldLen = seg.get(BE_U32, offStruct + prop + 4);
            spliceStruct(offStruct + prop + 12, align4(oldLen), align4(value.length));
        } else {
            int nameoff = stringOffset(name);
            prop = contentStart(node);
            spliceStruct(offStruct + prop, 0, 12 + align4(value.length));
            seg.set(BE_U32, offStruct + prop, FDT_PROP);
            seg.set(BE_U32, offStruct + prop + 8, nameoff);
        }
        seg.set(BE_U32, offStruct + prop + 4, value.length);
        System.arraycopy(value, 0, buf, offStruct + prop + 12, value.length);
    }

    /**
     * libfdt's {@code fdt_add_subnode}, for a name {@link #subnode} does not find: an empty node
     * inserted after the parent's properties, before its first child. Returns its offset.
     */
    int addSubnode(int parent, String name) {
        int off = contentStart(parent);
        while (tag(off) == FDT_PROP || tag(off) == FDT_NOP) {
            off = next(off);
        }
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        int nameSlot = align4(n.length + 1);
        spliceStruct(offStruct + off, 0, 4 + nameSlot + 4);
        seg.set(BE_U32, offStruct + off, FDT_BEGIN_NODE);
        Arrays.fill(buf, offStruct + off + 4, offStruct + off + 4 + nameSlot, (byte) 0);
        System.arraycopy(n, 0, buf, offStruct + off + 4, n.length);
        seg.set(BE_U32, offStruct + off + 4 + nameSlot, FDT_END_NODE);
        return off;
    }

    /** libfdt's {@code fdt_find_add_string_}: the first place the name and a NUL stand, else appended. */
    private int stringOffset(String name) {
        int at = stringsText.indexOf(name + '\0');
        if (at >= 0) {
            return at;
        }
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        at = sizeStrings;
        splice(offStrings + sizeStrings, 0, n.length + 1);
        System.arraycopy(n, 0, buf, offStrings + at, n.length);
        buf[offStrings + at + n.length] = 0;
        sizeStrings += n.length + 1;
        stringsText.append(name).append('\0');
        return at;
    }

    private void spliceStruct(int at, int oldLen, int newLen) {
        splice(at, oldLen, newLen);
        sizeStruct += newLen - oldLen;
        offStrings += newLen - oldLen;
    }

    /** libfdt's {@code fdt_splice_}: moves the data after {@code at + oldLen} to {@code at + newLen}. */
    private void splice(int at, int oldLen, int newLen) {
        int dataEnd = offStrings + sizeStrings;
        int needed = dataEnd - oldLen + newLen;
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(needed, buf.length + (buf.length >> 1)));
            seg = MemorySegment.ofArray(buf);
        }
        System.arraycopy(buf, at + oldLen, buf, at + newLen, dataEnd - (at + oldLen));
    }

    /** libfdt's {@code fdt_pack}: header, reservation block, structure block, strings block, no gaps. */
    byte[] pack() {
        int newStruct = HEADER_SIZE_V17 + rsvSize;
        int newStrings = newStruct + sizeStruct;
        int total = newStrings + sizeStrings;
        byte[] out = new byte[total];
        MemorySegment o = MemorySegment.ofArray(out);
        o.set(BE_U32, HDR_MAGIC, FDT_MAGIC);
        o.set(BE_U32, HDR_TOTALSIZE, total);
        o.set(BE_U32, HDR_OFF_DT_STRUCT, newStruct);
        o.set(BE_U32, HDR_OFF_DT_STRINGS, newStrings);
        o.set(BE_U32, HDR_OFF_MEM_RSVMAP, HEADER_SIZE_V17);
        o.set(BE_U32, HDR_VERSION, FDT_VERSION);
        o.set(BE_U32, HDR_LAST_COMP_VERSION, lastCompVersion);
        o.set(BE_U32, HDR_BOOT_CPUID_PHYS, bootCpuid);
        o.set(BE_U32, HDR_SIZE_DT_STRINGS, sizeStrings);
        o.set(BE_U32, HDR_SIZE_DT_STRUCT, sizeStruct);
        System.arraycopy(buf, offRsvmap, out, HEADER_SIZE_V17, rsvSize);
        System.arraycopy(buf, offStruct, out, newStruct, sizeStruct);
        System.arraycopy(buf, offStrings, out, newStrings, sizeStrings);
        return out;
    }
}
