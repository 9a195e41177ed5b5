package dev.virtfw.devicetree;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Builds DTBs token by token, independently of {@link DtbWriter}, so a test can make any field
 * or token lie. Layout as dtc writes it: header, reservation map (one terminator), structure
 * block, strings block.
 */
final class RawBlob {
    private final ByteArrayOutputStream struct = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();

    RawBlob word(int w) {
        struct.write(w >>> 24);
        struct.write(w >>> 16);
        struct.write(w >>> 8);
        struct.write(w);
        return this;
    }

    RawBlob begin(String name) {
        word(FdtSpec.FDT_BEGIN_NODE);
        byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
        struct.writeBytes(b);
        for (int i = b.length; i < FdtSpec.align4(b.length + 1); i++) {
            struct.write(0);
        }
        return this;
    }

    RawBlob end() {
        return word(FdtSpec.FDT_END_NODE);
    }

    /** A property whose name is added to the strings block. */
    RawBlob prop(String name, byte[] value) {
        int off = strings.size();
        strings.writeBytes(name.getBytes(StandardCharsets.ISO_8859_1));
        strings.write(0);
        return prop(value.length, off, value);
    }

    /** A property with any length field and name offset; {@code value} is what follows, padded. */
    RawBlob prop(int len, int nameoff, byte[] value) {
        word(FdtSpec.FDT_PROP).word(len).word(nameoff);
        struct.writeBytes(value);
        for (int i = value.length; i < FdtSpec.align4(value.length); i++) {
            struct.write(0);
        }
        return this;
    }

    /** Raw bytes appended to the strings block (e.g. a name without terminator). */
    RawBlob rawString(byte[] b) {
        strings.writeBytes(b);
        return this;
    }

    RawBlob finish() {
        return word(FdtSpec.FDT_END);
    }

    int structSize() {
        return struct.size();
    }

    static final int OFF_RSVMAP = 40;
    static final int OFF_STRUCT = 56;

    byte[] bytes() {
        byte[] s = struct.toByteArray();
        byte[] t = strings.toByteArray();
        byte[] out = new byte[OFF_STRUCT + s.length + t.length];
        MemorySegment seg = MemorySegment.ofArray(out);
        seg.set(FdtSpec.BE_U32, FdtSpec.HDR_MAGIC, FdtSpec.FDT_MAGIC);
        seg.set(FdtSpec.BE_U32, FdtSpec.HDR_TOTALSIZE, out.length);
        seg.set(FdtSpec.BE_U32, FdtSpec.HDR_OFF_DT_STRUCT, OFF_STRUCT);
        seg.set(FdtSpec.BE_U32, FdtSpec.HDR_OFF_DT_STRINGS, OFF_STRUCT + s.length);
        seg.set(FdtSpec.BE_U32, FdtSpec.HDR_OFF_MEM_RSVMAP, OFF_RSVMAP);
        seg.set(FdtSpec.BE_U32, FdtSpec.HDR_VERSION, 17);
        seg.set(FdtSpec.BE_U32, FdtSpec.HDR_LAST_COMP_VERSION, 16);
        seg.set(FdtSpec.BE_U32, FdtSpec.HDR_SIZE_DT_STRINGS, t.length);
        seg.set(FdtSpec.BE_U32, FdtSpec.HDR_SIZE_DT_STRUCT, s.length);
        System.arraycopy(s, 0, out, OFF_STRUCT, s.length);
        System.arraycopy(t, 0, out, OFF_STRUCT + s.length, t.length);
        return out;
    }

    static byte[] set32(byte[] blob, int off, int value) {
        byte[] copy = blob.clone();
        MemorySegment.ofArray(copy).set(FdtSpec.BE_U32, off, value);
        return copy;
    }

    static int get32(byte[] blob, int off) {
        return MemorySegment.ofArray(blob).get(FdtSpec.BE_U32, off);
    }

    /** A small valid tree: / { a = "x"; child { b = <1>; }; }. */
    static RawBlob small() {
        return new RawBlob().begin("").prop("a", new byte[] {'x', 0}).begin("child")
                .prop("b", new byte[] {0, 0, 0, 1}).end().end().finish();
    }
}
