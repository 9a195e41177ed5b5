package dev.virtfw.devicetree;

import static dev.virtfw.devicetree.FdtSpec.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a DTB into a {@link DeviceTree}. Every header field is checked against the blob before it
 * is used; every read is preceded by an overflow-safe bounds check (offsets are {@code long},
 * fields unsigned), so a hostile blob ends in one {@link DtbFormatException} naming the fault and
 * its offset. The structure block is walked with an explicit stack whose depth is bounded by
 * {@link FdtSpec#MAX_DEPTH}.
 */
final class DtbReader {
    /** Name bytes allowed beyond twice the strings block (see NAME_OVERLAP). */
    private static final long NAME_BUDGET_SLACK = 4096;

    private final MemorySegment seg;
    private final long available;

    private long version;
    private long totalSize;
    private long offStruct;
    private long structEnd;
    private long offStrings;
    private long sizeStrings;
    private long offRsvmap;
    private int bootCpuid;
    /** Versions 1 to 3: node names are full paths, values of 8 bytes or more start 8-byte aligned. */
    private boolean oldFormat;

    private DtbReader(MemorySegment seg) {
        this.seg = seg;
        this.available = seg.byteSize();
    }

    static DeviceTree read(MemorySegment blob) {
        return new DtbReader(blob).parse();
    }

    private int u32(long off) {
        return seg.get(BE_U32, off);
    }

    private long uu32(long off) {
        return Integer.toUnsignedLong(seg.get(BE_U32, off));
    }

    private DeviceTree parse() {
        readHeader();
        List<MemoryReservation> reservations = readReservations();
        Node root = readStructure();
        return new DeviceTree(root, reservations, bootCpuid);
    }

    private void readHeader() {
        if (available < 4) {
            throw new DtbFormatException(DtbError.TRUNCATED, available,
                    "blob is " + available + " bytes, too short for the magic");
        }
        int magic = u32(HDR_MAGIC);
        if (magic != FDT_MAGIC) {
            throw new DtbFormatException(DtbError.BAD_MAGIC, HDR_MAGIC,
                    String.format("magic is 0x%08x, expected 0x%08x", magic, FDT_MAGIC));
        }
        if (available < HEADER_SIZE_V1) {
            throw new DtbFormatException(DtbError.TRUNCATED, available,
                    "blob is " + available + " bytes, shorter than the " + HEADER_SIZE_V1 + "-byte header of version 1");
        }
        // Both fields are unsigned. A version above 17 is fine while last_comp_version says a
        // version 16/17 reader understands it (as libfdt reads it), up to a plausible bound.
        version = uu32(HDR_VERSION);
        long lastComp = uu32(HDR_LAST_COMP_VERSION);
        if (version == 0 || (version > FDT_LAST_OLD_VERSION && version < FDT_MIN_READ_VERSION)) {
            throw new DtbFormatException(DtbError.BAD_VERSION, HDR_VERSION, "version " + version
                    + " was never defined (this reader knows 1 to " + FDT_LAST_OLD_VERSION + " and "
                    + FDT_MIN_READ_VERSION + " onwards)");
        }
        if (version > FDT_MAX_PLAUSIBLE_VERSION) {
            throw new DtbFormatException(DtbError.BAD_VERSION, HDR_VERSION, "version " + version + " is above "
                    + FDT_MAX_PLAUSIBLE_VERSION + ", not a plausible devicetree version (the newest is " + FDT_VERSION + ")");
        }
        if (lastComp > FDT_VERSION) {
            throw new DtbFormatException(DtbError.BAD_VERSION, HDR_LAST_COMP_VERSION,
                    "last_comp_version " + lastComp + " is above " + FDT_VERSION + ", the newest this reader knows");
        }
        if (lastComp > version) {
            throw new DtbFormatException(DtbError.BAD_VERSION, HDR_LAST_COMP_VERSION,
                    "last_comp_version " + lastComp + " is above version " + version);
        }
        oldFormat = version <= FDT_LAST_OLD_VERSION;
        int headerSize = version >= 17 ? HEADER_SIZE_V17 : version >= 3 ? HEADER_SIZE_V16
                : version == 2 ? HEADER_SIZE_V2 : HEADER_SIZE_V1;
        if (available < headerSize) {
            throw new DtbFormatException(DtbError.TRUNCATED, available,
                    "blob is " + available + " bytes, shorter than the " + headerSize + "-byte header");
        }
        totalSize = uu32(HDR_TOTALSIZE);
        if (totalSize < headerSize) {
            throw new DtbFormatException(DtbError.BAD_LAYOUT, HDR_TOTALSIZE,
                    "totalsize 0x" + Long.toHexString(totalSize) + " is smaller than the header");
        }
        if (totalSize > available) {
            throw new DtbFormatException(DtbError.TRUNCATED, available, "totalsize says 0x"
                    + Long.toHexString(totalSize) + " bytes, blob has 0x" + Long.toHexString(available));
        }
        bootCpuid = version >= 2 ? u32(HDR_BOOT_CPUID_PHYS) : 0;

        offRsvmap = uu32(HDR_OFF_MEM_RSVMAP);
        if (offRsvmap < headerSize || offRsvmap % RESERVE_ALIGN != 0 || offRsvmap + RESERVE_ENTRY_SIZE > totalSize) {
            throw new DtbFormatException(DtbError.BAD_LAYOUT, HDR_OFF_MEM_RSVMAP, "off_mem_rsvmap 0x"
                    + Long.toHexString(offRsvmap) + " is not an 8-byte aligned offset inside the blob after the header");
        }
        offStruct = uu32(HDR_OFF_DT_STRUCT);
        if (offStruct < headerSize || offStruct % STRUCT_ALIGN != 0 || offStruct > totalSize) {
            throw new DtbFormatException(DtbError.BAD_LAYOUT, HDR_OFF_DT_STRUCT, "off_dt_struct 0x"
                    + Long.toHexString(offStruct) + " is not a 4-byte aligned offset inside the blob after the header");
        }
        offStrings = uu32(HDR_OFF_DT_STRINGS);
        if (offStrings < headerSize || offStrings > totalSize) {
            throw new DtbFormatException(DtbError.BAD_LAYOUT, HDR_OFF_DT_STRINGS, "off_dt_strings 0x"
                    + Long.toHexString(offStrings) + " is not inside the blob after the header");
        }
        // Before version 3 the strings block has no size: it runs to the end, as dtc reads it.
        sizeStrings = version >= 3 ? uu32(HDR_SIZE_DT_STRINGS) : totalSize - offStrings;
        if (offStrings + sizeStrings > totalSize) {
            throw new DtbFormatException(DtbError.BAD_LAYOUT, HDR_SIZE_DT_STRINGS, "strings block [0x"
                    + Long.toHexString(offStrings) + ", +0x" + Long.toHexString(sizeStrings)
                    + ") ends past totalsize 0x" + Long.toHexString(totalSize));
        }
        if (version >= 17) {
            long sizeStruct = uu32(HDR_SIZE_DT_STRUCT);
            if (offStruct + sizeStruct > totalSize) {
                throw new DtbFormatException(DtbError.BAD_LAYOUT, HDR_SIZE_DT_STRUCT, "structure block [0x"
                        + Long.toHexString(offStruct) + ", +0x" + Long.toHexString(sizeStruct)
                        + ") ends past totalsize 0x" + Long.toHexString(totalSize));
            }
            structEnd = offStruct + sizeStruct;
        } else {
            // Version 16 has no size_dt_struct: the block runs to the next block or the end.
            structEnd = totalSize;
            if (offStrings > offStruct) {
                structEnd = Math.min(structEnd, offStrings);
            }
            if (offRsvmap > offStruct) {
                structEnd = Math.min(structEnd, offRsvmap);
            }
        }
        if (sizeStrings > 0 && offStrings < structEnd && offStruct < offStrings + sizeStrings
                && structEnd > offStruct) {
            throw new DtbFormatException(DtbError.BAD_LAYOUT, HDR_OFF_DT_STRINGS,
                    "strings block overlaps the structure block");
        }
        if ((offRsvmap >= offStruct && offRsvmap < structEnd)
                || (offRsvmap >= offStrings && offRsvmap < offStrings + sizeStrings)) {
            throw new DtbFormatException(DtbError.BAD_LAYOUT, HDR_OFF_MEM_RSVMAP,
                    "memory reservation block starts inside another block");
        }
    }

    private List<MemoryReservation> readReservations() {
        long limit = totalSize;
        if (offStruct > offRsvmap) {
            limit = Math.min(limit, offStruct);
        }
        if (offStrings > offRsvmap) {
            limit = Math.min(limit, offStrings);
        }
        List<MemoryReservation> out = new ArrayList<>();
        for (long off = offRsvmap; ; off += RESERVE_ENTRY_SIZE) {
            if (off + RESERVE_ENTRY_SIZE > limit) {
                throw new DtbFormatException(DtbError.BAD_RESERVATION_MAP, off,
                        "no terminating (0, 0) entry before 0x" + Long.toHexString(limit));
            }
            long address = seg.get(BE_U64, off);
            long size = seg.get(BE_U64, off + 8);
            if (address == 0 && size == 0) {
                return out;
            }
            out.add(new MemoryReservation(address, size));
        }
    }

    private Node readStructure() {
        Map<Long, String> names = new HashMap<>();
        // Decoding names costs their length; distinct offsets into one long run could cost
        // quadratically. Valid blobs need at most the strings block once.
        long nameBudget = 2 * sizeStrings + NAME_BUDGET_SLACK;
        ArrayDeque<Node> open = new ArrayDeque<>();
        ArrayDeque<String> flatNames = new ArrayDeque<>(); // full paths of the open nodes (old format)
        Node root = null;
        long pos = offStruct;
        while (true) {
            if (pos + 4 > structEnd) {
                throw new DtbFormatException(DtbError.STRUCT_OVERRUN, pos, "structure block ends at 0x"
                        + Long.toHexString(structEnd) + " without FDT_END");
            }
            int token = u32(pos);
            switch (token) {
                case FDT_BEGIN_NODE -> {
                    long nameStart = pos + 4;
                    long nul = findNul(nameStart, structEnd);
                    if (nul < 0) {
                        throw new DtbFormatException(DtbError.UNTERMINATED_STRING, nameStart,
                                "node name runs past the end of the structure block");
                    }
                    String name = latin1(nameStart, nul);
                    if (oldFormat) {
                        String flat = name;
                        name = nameFromPath(flatNames.isEmpty() ? "" : flatNames.peek(), flat, nameStart);
                        flatNames.push(flat);
                    }
                    if (open.isEmpty()) {
                        if (root != null) {
                            throw new DtbFormatException(DtbError.BAD_STRUCTURE, pos,
                                    "a second root node after the first one ended");
                        }
                        if (!name.isEmpty()) {
                            throw new DtbFormatException(DtbError.BAD_NAME, nameStart,
                                    "root node name is \"" + name + "\", expected empty");
                        }
                        root = Node.root();
                        open.push(root);
                    } else {
                        if (open.size() >= MAX_DEPTH) {
                            throw new DtbFormatException(DtbError.TOO_DEEP, pos,
                                    "nodes nested deeper than " + MAX_DEPTH + " levels");
                        }
                        Node parent = open.peek();
                        if (name.isEmpty() || name.indexOf('/') >= 0) {
                            throw new DtbFormatException(DtbError.BAD_NAME, nameStart,
                                    "node name \"" + name + "\" under " + parent.path() + " is empty or contains '/'");
                        }
                        if (parent.hasChild(name)) {
                            // dtc refuses such a blob too (without -f), in these words
                            throw new DtbFormatException(DtbError.DUPLICATE_NAME, nameStart, "ERROR (duplicate_node_names): "
                                    + parent.path() + (parent.parent().isPresent() ? "/" : "") + name
                                    + ": Duplicate node name");
                        }
                        open.push(parent.addChild(name));
                    }
                    pos = align(nul + 1, STRUCT_ALIGN);
                }
                case FDT_END_NODE -> {
                    if (open.isEmpty()) {
                        throw new DtbFormatException(DtbError.BAD_STRUCTURE, pos, "FDT_END_NODE without an open node");
                    }
                    open.pop();
                    if (oldFormat) {
                        flatNames.pop();
                    }
                    pos += 4;
                }
                case FDT_PROP -> {
                    if (pos + 12 > structEnd) {
                        throw new DtbFormatException(DtbError.STRUCT_OVERRUN, pos,
                                "property header runs past the end of the structure block at 0x"
                                        + Long.toHexString(structEnd));
                    }
                    if (open.isEmpty()) {
                        throw new DtbFormatException(DtbError.BAD_STRUCTURE, pos, "FDT_PROP outside any node");
                    }
                    long len = uu32(pos + 4);
                    long nameoff = uu32(pos + 8);
                    long valueStart = pos + 12;
                    if (oldFormat && len >= OLD_FORMAT_WIDE_VALUE) {
                        // counted from the start of the structure block, as dtc realigns
                        valueStart = offStruct + align(valueStart - offStruct, OLD_FORMAT_WIDE_VALUE);
                    }
                    if (len > structEnd - valueStart) {
                        throw new DtbFormatException(DtbError.PROPERTY_OVERRUN, pos + 4, "property length 0x"
                                + Long.toHexString(len) + " runs past the end of the structure block at 0x"
                                + Long.toHexString(structEnd));
                    }
                    if (len > Integer.MAX_VALUE - 8) {
                        throw new DtbFormatException(DtbError.PROPERTY_OVERRUN, pos + 4,
                                "property length 0x" + Long.toHexString(len) + " too large for one value");
                    }
                    String name = names.get(nameoff);
                    if (name == null) {
                        if (nameoff >= sizeStrings) {
                            throw new DtbFormatException(DtbError.BAD_STRING_OFFSET, pos + 8, "name offset 0x"
                                    + Long.toHexString(nameoff) + " is outside the strings block of 0x"
                                    + Long.toHexString(sizeStrings) + " bytes");
                        }
                        long start = offStrings + nameoff;
                        long nul = findNul(start, offStrings + sizeStrings);
                        if (nul < 0) {
                            throw new DtbFormatException(DtbError.UNTERMINATED_STRING, start,
                                    "property name runs past the end of the strings block");
                        }
                        nameBudget -= nul - start + 1;
                        if (nameBudget < 0) {
                            throw new DtbFormatException(DtbError.NAME_OVERLAP, pos + 8, "name offset 0x"
                                    + Long.toHexString(nameoff) + " brings the property names past twice the"
                                    + " strings block of 0x" + Long.toHexString(sizeStrings) + " bytes");
                        }
                        name = latin1(start, nul);
                        names.put(nameoff, name);
                    }
                    Node node = open.peek();
                    if (node.hasProperty(name)) {
                        throw new DtbFormatException(DtbError.DUPLICATE_NAME, pos, "ERROR (duplicate_property_names): "
                                + node.path() + ":" + name + ": Duplicate property name");
                    }
                    byte[] value = new byte[(int) len];
                    MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, valueStart, value, 0, (int) len);
                    node.put(Property.wrap(name, value));
                    pos = align(valueStart + len, STRUCT_ALIGN);
                }
                case FDT_NOP -> pos += 4;
                case FDT_END -> {
                    if (!open.isEmpty()) {
                        throw new DtbFormatException(DtbError.BAD_STRUCTURE, pos,
                                "FDT_END while node " + open.peek().path() + " is still open");
                    }
                    if (root == null) {
                        throw new DtbFormatException(DtbError.BAD_STRUCTURE, pos, "FDT_END before any node");
                    }
                    return root;
                }
                default -> throw new DtbFormatException(DtbError.BAD_TOKEN, pos,
                        String.format("token 0x%08x", token));
            }
        }
    }

    /**
     * A node's name from the full path an old-format blob stores (dtc's nodename_from_path): the
     * path must extend its parent's; the root's path "/" gives the empty name.
     */
    private static String nameFromPath(String parentPath, String path, long offset) {
        int cut = parentPath.length() + (parentPath.equals("/") ? 0 : 1);
        if (!path.startsWith(parentPath) || cut > path.length()) {
            throw new DtbFormatException(DtbError.BAD_NAME, offset,
                    "path \"" + path + "\" is not valid as a child of \"" + parentPath + "\"");
        }
        return path.substring(cut);
    }

    /** Offset of the first NUL in [from, end), or -1. */
    private long findNul(long from, long end) {
        for (long i = from; i < end; i++) {
            if (seg.get(ValueLayout.JAVA_BYTE, i) == 0) {
                return i;
            }
        }
        return -1;
    }

    private String latin1(long from, long to) {
        byte[] b = new byte[(int) (to - from)];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, from, b, 0, b.length);
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
