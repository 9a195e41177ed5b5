package dev.virtfw.devicetree.dts;

import dev.virtfw.devicetree.dts.LiveNode.Prop;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a compiled tree as a version 17 blob laid out exactly as dtc lays it out: header,
 * reservation block at offset 40, structure block, strings block in which a name that is the tail
 * of a name already stored reuses its bytes (dtc searches the whole block for a match), then the
 * layout's padding.
 */
final class BlobFlattener {
    private static final int FDT_MAGIC = 0xd00dfeed;
    private static final int VERSION = 17;
    private static final int LAST_COMP_VERSION = 16;
    private static final int HEADER_SIZE = 40;
    private static final int RESERVE_ENTRY_SIZE = 16;
    private static final int FDT_BEGIN_NODE = 1;
    private static final int FDT_END_NODE = 2;
    private static final int FDT_PROP = 3;
    private static final int FDT_END = 9;

    private final ByteArrayOutputStream struct = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    /** The strings block as text (Latin-1), searched for a NUL-terminated match. */
    private final StringBuilder stringsText = new StringBuilder();

    private BlobFlattener() {}

    static byte[] flatten(LiveNode root, List<DtsParser.Reserve> reserves, int bootCpuid, BlobLayout layout) {
        BlobFlattener f = new BlobFlattener();
        f.node(root);
        f.cell(FDT_END);
        byte[] dt = f.struct.toByteArray();
        byte[] str = f.strings.toByteArray();
        int reserveSize = (reserves.size() + layout.reserveEntries() + 1) * RESERVE_ENTRY_SIZE;
        long total = (long) HEADER_SIZE + reserveSize + dt.length + str.length;
        long pad = 0;
        if (layout.minSize() > 0) {
            pad = Math.max(0, layout.minSize() - total);
        }
        if (layout.padding() > 0) {
            pad = layout.padding();
        }
        if (layout.align() > 0) {
            pad = ((total + pad + layout.align() - 1) & -(long) layout.align()) - total;
        }
        if (total + pad > Integer.MAX_VALUE - 8) {
            throw DtsException.fatal("tree too large for one blob: " + (total + pad) + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) (total + pad));
        int[] header = {
            FDT_MAGIC, (int) (total + pad), HEADER_SIZE + reserveSize, HEADER_SIZE + reserveSize + dt.length,
            HEADER_SIZE, VERSION, LAST_COMP_VERSION, bootCpuid, str.length, dt.length
        };
        for (int v : header) {
            writeCell(out, v);
        }
        for (DtsParser.Reserve r : reserves) {
            writeCell(out, (int) (r.address >>> 32));
            writeCell(out, (int) r.address);
            writeCell(out, (int) (r.size >>> 32));
            writeCell(out, (int) r.size);
        }
        out.writeBytes(new byte[(layout.reserveEntries() + 1) * RESERVE_ENTRY_SIZE]);
        out.writeBytes(dt);
        out.writeBytes(str);
        out.writeBytes(new byte[(int) pad]);
        return out.toByteArray();
    }

    private static void writeCell(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private void cell(int v) {
        writeCell(struct, v);
    }

    private void align4() {
        while (struct.size() % 4 != 0) {
            struct.write(0);
        }
    }

    private void node(LiveNode n) {
        if (n.deleted) {
            return;
        }
        cell(FDT_BEGIN_NODE);
        struct.writeBytes(n.name.getBytes(StandardCharsets.ISO_8859_1));
        struct.write(0);
        align4();
        for (Prop p : n.props) {
            if (p.deleted) {
                continue;
            }
            int nameOffset = stringOffset(p.name);
            cell(FDT_PROP);
            cell(p.val.length());
            cell(nameOffset);
            struct.writeBytes(p.val.bytes());
            align4();
        }
        for (LiveNode c : n.children) {
            node(c);
        }
        cell(FDT_END_NODE);
    }

    /** dtc's stringtable_insert: the first offset where the name and its NUL already stand, else appended. */
    private int stringOffset(String name) {
        String wanted = name + '\0';
        int at = stringsText.indexOf(wanted);
        if (at >= 0) {
            return at;
        }
        at = stringsText.length();
        stringsText.append(wanted);
        strings.writeBytes(wanted.getBytes(StandardCharsets.ISO_8859_1));
        return at;
    }
}
