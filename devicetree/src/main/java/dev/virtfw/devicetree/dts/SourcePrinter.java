package dev.virtfw.devicetree.dts;

import dev.virtfw.devicetree.dts.Data.Marker;
import dev.virtfw.devicetree.dts.Data.MarkerType;
import dev.virtfw.devicetree.dts.LiveNode.Label;
import dev.virtfw.devicetree.dts.LiveNode.Prop;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints a compiled tree as DTS the way {@code dtc -I dts -O dts} (1.6.1) does: labels kept, each
 * value written in the form its source gave it (the type markers: strings, {@code <cells>},
 * {@code /bits/ N}, byte strings), the form guessed as dtc guesses it where the source gave none.
 * The text is Latin-1, one char per byte dtc writes.
 */
final class SourcePrinter {
    private final StringBuilder out = new StringBuilder();

    private SourcePrinter() {}

    static String print(LiveNode root, List<DtsParser.Reserve> reserves) {
        SourcePrinter p = new SourcePrinter();
        p.out.append("/dts-v1/;\n\n");
        for (DtsParser.Reserve r : reserves) {
            for (Label l : r.labels) {
                if (!l.deleted) {
                    p.out.append(l.name).append(": ");
                }
            }
            p.out.append(String.format("/memreserve/\t0x%016x 0x%016x;\n", r.address, r.size));
        }
        p.node(root, 0);
        return p.out.toString();
    }

    private void indent(int level) {
        out.append("\t".repeat(level));
    }

    private void node(LiveNode n, int level) {
        indent(level);
        for (Label l : n.labels) {
            if (!l.deleted) {
                out.append(l.name).append(": ");
            }
        }
        out.append(n.name.isEmpty() ? "/" : n.name).append(" {\n");
        for (Prop p : n.props) {
            if (p.deleted) {
                continue;
            }
            indent(level + 1);
            for (Label l : p.labels) {
                if (!l.deleted) {
                    out.append(l.name).append(": ");
                }
            }
            out.append(p.name);
            value(p);
        }
        for (LiveNode c : n.children) {
            if (!c.deleted) {
                out.append('\n');
                node(c, level + 1);
            }
        }
        indent(level);
        out.append("};\n");
    }

    private static boolean isPrint(int c) {
        return c >= 0x20 && c < 0x7f;
    }

    private static boolean isStringByte(int c) {
        return isPrint(c) || c == 0 || (c >= 7 && c <= 13);
    }

    private static MarkerType guess(Data d) {
        int len = d.length();
        int notString = 0;
        int nul = 0;
        for (int i = 0; i < len; i++) {
            int c = d.byteAt(i) & 0xff;
            if (!isStringByte(c)) {
                notString++;
            }
            if (c == 0) {
                nul++;
            }
        }
        int notStringLabel = 0;
        int notCellLabel = 0;
        for (Marker m : d.markers) {
            if (m.type != MarkerType.LABEL) {
                continue;
            }
            if (m.offset > 0 && d.byteAt(m.offset - 1) != 0) {
                notStringLabel++;
            }
            if (m.offset % 4 != 0) {
                notCellLabel++;
            }
        }
        if (d.byteAt(len - 1) == 0 && notString == 0 && nul <= len - nul && notStringLabel == 0) {
            return MarkerType.TYPE_STRING;
        }
        if (len % 4 == 0 && notCellLabel == 0) {
            return MarkerType.TYPE_UINT32;
        }
        return MarkerType.TYPE_UINT8;
    }

    private static int nextTypeOffset(List<Marker> ms, int from) {
        for (int k = from; k < ms.size(); k++) {
            if (ms.get(k).type.isType()) {
                return k;
            }
        }
        return -1;
    }

    private void value(Prop p) {
        Data d = p.val;
        int len = d.length();
        if (len == 0) {
            out.append(";\n");
            return;
        }
        out.append(" =");
        List<Marker> ms = new ArrayList<>(d.markers);
        if (nextTypeOffset(ms, 0) < 0) {
            ms.addFirst(new Marker(guess(d), 0, null));
        }
        MarkerType emit = MarkerType.TYPE_NONE;
        for (int k = 0; k < ms.size(); k++) {
            Marker m = ms.get(k);
            int chunk = (k + 1 < ms.size() ? ms.get(k + 1).offset : len) - m.offset;
            int nextType = nextTypeOffset(ms, k + 1);
            int typeLength = nextType < 0 ? 0 : ms.get(nextType).offset - m.offset;
            int dataLength = typeLength != 0 ? typeLength : len - m.offset;
            if (m.type.isType()) {
                emit = m.type;
                out.append(' ').append(start(emit));
            } else if (m.type == MarkerType.LABEL) {
                out.append(' ').append(m.ref).append(':');
            } else if (m.offset != 0) {
                out.append(' ');
            }
            if (emit == MarkerType.TYPE_NONE) {
                continue;
            }
            switch (emit) {
                case TYPE_UINT16 -> ints(d, m.offset, chunk, 2);
                case TYPE_UINT32 -> ints(d, m.offset, chunk, 4);
                case TYPE_UINT64 -> ints(d, m.offset, chunk, 8);
                case TYPE_STRING -> string(d, m.offset, chunk);
                default -> ints(d, m.offset, chunk, 1);
            }
            if (chunk == dataLength) {
                out.append(end(emit));
                if (m.offset + chunk != len) {
                    out.append(',');
                }
                emit = MarkerType.TYPE_NONE;
            }
        }
        out.append(";\n");
    }

    private static String start(MarkerType t) {
        return switch (t) {
            case TYPE_UINT8 -> "[";
            case TYPE_UINT16 -> "/bits/ 16 <";
            case TYPE_UINT32 -> "<";
            case TYPE_UINT64 -> "/bits/ 64 <";
            default -> "";
        };
    }

    private static String end(MarkerType t) {
        return switch (t) {
            case TYPE_UINT8 -> "]";
            case TYPE_UINT16, TYPE_UINT32, TYPE_UINT64 -> ">";
            default -> "";
        };
    }

    private void ints(Data d, int offset, int length, int width) {
        for (int p = offset; p < offset + length; p += width) {
            long v = 0;
            for (int i = 0; i < width && p + i < d.length(); i++) {
                v = (v << 8) | (d.byteAt(p + i) & 0xff);
            }
            if (width == 1) {
                out.append(String.format("%02x", v));
            } else {
                out.append("0x").append(v < 16 && v >= 0 ? "0" : "").append(Long.toHexString(v));
            }
            if (p + width < offset + length) {
                out.append(' ');
            }
        }
    }

    private void string(Data d, int offset, int length) {
        if (length == 0) {
            return;
        }
        out.append('"');
        for (int i = offset; i < offset + length - 1; i++) {
            byte b = d.byteAt(i);
            int c = b & 0xff;
            switch (c) {
                case 7 -> out.append("\\a");
                case 8 -> out.append("\\b");
                case 9 -> out.append("\\t");
                case 10 -> out.append("\\n");
                case 11 -> out.append("\\v");
                case 12 -> out.append("\\f");
                case 13 -> out.append("\\r");
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case 0 -> out.append("\\0");
                default -> {
                    if (isPrint(c)) {
                        out.append((char) c);
                    } else {
                        // dtc prints the char as a signed int in hex: bytes from 0x80 show as ffffffXX.
                        out.append("\\x").append(String.format("%02x", (int) b));
                    }
                }
            }
        }
        out.append('"');
    }
}
