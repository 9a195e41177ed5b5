package dev.virtfw.devicetree.cli;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds DTBs byte by byte for the tests, independently of the library's writer, so that a test
 * can make any header field or token lie. By default the result is a valid version 17 blob laid
 * out like dtc's: header, reservation map, structure block, strings block.
 */
final class BlobBuilder {
    static final int FDT_MAGIC = 0xd00dfeed;
    static final int FDT_BEGIN_NODE = 0x1;
    static final int FDT_END_NODE = 0x2;
    static final int FDT_PROP = 0x3;
    static final int FDT_NOP = 0x4;
    static final int FDT_END = 0x9;

    /** Header field offsets (Devicetree Specification 5.2). */
    static final int HDR_MAGIC = 0x00;
    static final int HDR_TOTALSIZE = 0x04;
    static final int HDR_OFF_DT_STRUCT = 0x08;
    static final int HDR_OFF_DT_STRINGS = 0x0c;
    static final int HDR_OFF_MEM_RSVMAP = 0x10;
    static final int HDR_VERSION = 0x14;
    static final int HDR_LAST_COMP_VERSION = 0x18;
    static final int HDR_BOOT_CPUID_PHYS = 0x1c;
    static final int HDR_SIZE_DT_STRINGS = 0x20;
    static final int HDR_SIZE_DT_STRUCT = 0x24;
    static final int HEADER_SIZE = 0x28;

    static final ValueLayout.OfInt BE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong BE_U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final ByteArrayOutputStream struct = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new LinkedHashMap<>();
    private final List<long[]> reservations = new ArrayList<>();
    private boolean terminateReservations = true;
    private final Map<Integer, Integer> headerOverrides = new LinkedHashMap<>();
    private int bootCpuidPhys;

    /** The smallest valid tree: an empty root node. */
    static BlobBuilder emptyRoot() {
        return new BlobBuilder().beginNode("").endNode().end();
    }

    BlobBuilder beginNode(String name) {
        u32(FDT_BEGIN_NODE);
        struct.writeBytes(name.getBytes(StandardCharsets.ISO_8859_1));
        struct.write(0);
        pad();
        return this;
    }

    /** FDT_BEGIN_NODE followed by raw name bytes, written as given (no terminator, no padding). */
    BlobBuilder beginNodeRaw(byte[] nameBytes) {
        u32(FDT_BEGIN_NODE);
        struct.writeBytes(nameBytes);
        return this;
    }

    BlobBuilder endNode() {
        return token(FDT_END_NODE);
    }

    BlobBuilder end() {
        return token(FDT_END);
    }

    BlobBuilder token(int token) {
        u32(token);
        return this;
    }

    BlobBuilder prop(String name, byte[] value) {
        return propRaw(value.length, stringOffset(name), value);
    }

    BlobBuilder propU32(String name, int value) {
        byte[] bytes = new byte[4];
        MemorySegment.ofArray(bytes).set(BE_U32, 0, value);
        return prop(name, bytes);
    }

    BlobBuilder propString(String name, String value) {
        return prop(name, (value + "\0").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** FDT_PROP with the given length and nameoff fields, followed by {@code value} padded to 4 bytes. */
    BlobBuilder propRaw(int len, int nameoff, byte[] value) {
        u32(FDT_PROP);
        u32(len);
        u32(nameoff);
        struct.writeBytes(value);
        pad();
        return this;
    }

    /** Appends raw bytes to the strings block (for names without a terminator). */
    BlobBuilder rawStrings(byte[] bytes) {
        strings.writeBytes(bytes);
        return this;
    }

    int stringOffset(String name) {
        return stringOffsets.computeIfAbsent(name, n -> {
            int offset = strings.size();
            strings.writeBytes(n.getBytes(StandardCharsets.ISO_8859_1));
            strings.write(0);
            return offset;
        });
    }

    BlobBuilder reserve(long address, long size) {
        reservations.add(new long[] {address, size});
        return this;
    }

    /** Leaves out the all-zero entry that ends the reservation map. */
    BlobBuilder unterminatedReservations() {
        terminateReservations = false;
        return this;
    }

    BlobBuilder bootCpuidPhys(int id) {
        bootCpuidPhys = id;
        return this;
    }

    /** Forces a header field (one of the HDR_ offsets) to {@code value} after the layout is computed. */
    BlobBuilder header(int fieldOffset, int value) {
        headerOverrides.put(fieldOffset, value);
        return this;
    }

    int structSize() {
        return struct.size();
    }

    /** Offset the structure block will have in the built blob. */
    int structOffset() {
        return HEADER_SIZE + 16 * (reservations.size() + (terminateReservations ? 1 : 0));
    }

    byte[] build() {
        int rsvOffset = HEADER_SIZE;
        int rsvSize = 16 * (reservations.size() + (terminateReservations ? 1 : 0));
        int structOffset = rsvOffset + rsvSize;
        int stringsOffset = structOffset + struct.size();
        int total = stringsOffset + strings.size();
        MemorySegment blob = MemorySegment.ofArray(new byte[total]);
        blob.set(BE_U32, HDR_MAGIC, FDT_MAGIC);
        blob.set(BE_U32, HDR_TOTALSIZE, total);
        blob.set(BE_U32, HDR_OFF_DT_STRUCT, structOffset);
        blob.set(BE_U32, HDR_OFF_DT_STRINGS, stringsOffset);
        blob.set(BE_U32, HDR_OFF_MEM_RSVMAP, rsvOffset);
        blob.set(BE_U32, HDR_VERSION, 17);
        blob.set(BE_U32, HDR_LAST_COMP_VERSION, 16);
        blob.set(BE_U32, HDR_BOOT_CPUID_PHYS, bootCpuidPhys);
        blob.set(BE_U32, HDR_SIZE_DT_STRINGS, strings.size());
        blob.set(BE_U32, HDR_SIZE_DT_STRUCT, struct.size());
        long at = rsvOffset;
        for (long[] entry : reservations) {
            blob.set(BE_U64, at, entry[0]);
            blob.set(BE_U64, at + 8, entry[1]);
            at += 16;
        }
        MemorySegment.copy(MemorySegment.ofArray(struct.toByteArray()), 0, blob, structOffset, struct.size());
        MemorySegment.copy(MemorySegment.ofArray(strings.toByteArray()), 0, blob, stringsOffset, strings.size());
        headerOverrides.forEach((field, value) -> blob.set(BE_U32, field, value));
        return blob.toArray(ValueLayout.JAVA_BYTE);
    }

    /** A header field of a built blob. */
    static int headerField(byte[] blob, int fieldOffset) {
        return MemorySegment.ofArray(blob).get(BE_U32, fieldOffset);
    }

    private void u32(int value) {
        byte[] bytes = new byte[4];
        MemorySegment.ofArray(bytes).set(BE_U32, 0, value);
        struct.writeBytes(bytes);
    }

    private void pad() {
        while (struct.size() % 4 != 0) {
            struct.write(0);
        }
    }
}
