package dev.virtfw.devicetree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;

/**
 * Prints a tree as devicetree source exactly as {@code dtc -I dtb -O dts} (dtc 1.6.1) prints the
 * same blob: "/dts-v1/;", a blank line, one {@code /memreserve/} line per reservation, then the
 * nodes with tab indentation, a blank line before each child node, and each value printed in
 * the form dtc guesses for it ({@link #guessKind}).
 *
 * <p>The output is text whose every char stands for one byte (node and property names are
 * Latin-1, see {@link Node}); values are always printed in ASCII. For names in ASCII the string
 * equals dtc's output; in general, encode it as ISO-8859-1 to get dtc's bytes.
 */
public final class DtsPrinter {
    private DtsPrinter() {}

    /** How dtc shows a value read from a blob (which carries no type information). */
    public enum ValueKind {
        /** Zero length: {@code prop;}. */
        EMPTY,
        /** One quoted string; embedded NULs print as {@code \0}. */
        STRING,
        /** {@code <0x..>} cells. */
        CELLS,
        /** {@code [..]} bytes. */
        BYTES
    }

    /** Parses and prints a blob. @throws DtbFormatException if it is not a valid DTB */
    public static String print(byte[] blob) {
        return print(Dtb.parse(blob));
    }

    /** The bytes dtc would print for this blob: {@link #print(byte[])} encoded one byte per char (ISO-8859-1). */
    public static byte[] printBytes(byte[] blob) {
        return print(blob).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    public static String print(DeviceTree tree) {
        StringBuilder sb = new StringBuilder();
        try {
            print(tree, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // StringBuilder never throws
        }
        return sb.toString();
    }

    public static void print(DeviceTree tree, Appendable out) throws IOException {
        out.append("/dts-v1/;\n\n");
        for (MemoryReservation r : tree.reservations()) {
            out.append("/memreserve/\t0x").append(hex16(r.address())).append(" 0x").append(hex16(r.size()))
                    .append(";\n");
        }
        IOException[] failure = {null};
        Walk.depthFirst(tree.root(), new Walk.Visitor() {
            @Override
            public void enter(Node n, int depth) {
                if (failure[0] != null) {
                    return;
                }
                try {
                    if (depth > 0) {
                        out.append('\n');
                    }
                    indent(out, depth);
                    out.append(n.name().isEmpty() ? "/" : n.name()).append(" {\n");
                    for (Property p : n.properties()) {
                        if (isRedundantName(n, p)) {
                            continue;
                        }
                        indent(out, depth + 1);
                        out.append(p.name());
                        appendValue(out, p.value());
                    }
                } catch (IOException e) {
                    failure[0] = e;
                }
            }

            @Override
            public void exit(Node n, int depth) {
                if (failure[0] != null) {
                    return;
                }
                try {
                    indent(out, depth);
                    out.append("};\n");
                } catch (IOException e) {
                    failure[0] = e;
                }
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /**
     * dtc's name_properties check drops a {@code name} property that repeats the node's name before
     * '@' (the old blob versions carry one in every node): its length is that name's plus one and
     * it starts with that name.
     */
    static boolean isRedundantName(Node n, Property p) {
        if (!p.name().equals("name")) {
            return false;
        }
        byte[] base = n.baseName().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] v = p.value();
        return v.length == base.length + 1 && java.util.Arrays.equals(v, 0, base.length, base, 0, base.length);
    }

    /**
     * The form dtc 1.6.1 chooses for a value without type markers: a string when it ends in NUL,
     * every byte is printable or one of {@code \a \b \t \n \v \f \r} or NUL, and NULs are no more
     * than the other bytes; else cells when the length is a multiple of 4; else bytes.
     */
    public static ValueKind guessKind(byte[] v) {
        if (v.length == 0) {
            return ValueKind.EMPTY;
        }
        int nul = 0;
        boolean allStringChars = true;
        for (byte b : v) {
            if (b == 0) {
                nul++;
            } else if (!isPrint(b) && !isCEscape(b)) {
                allStringChars = false;
            }
        }
        if (v[v.length - 1] == 0 && allStringChars && nul <= v.length - nul) {
            return ValueKind.STRING;
        }
        return v.length % 4 == 0 ? ValueKind.CELLS : ValueKind.BYTES;
    }

    /** Appends " = value;\n" (or ";\n" for an empty value) the way dtc does. */
    static void appendValue(Appendable out, byte[] v) throws IOException {
        switch (guessKind(v)) {
            case EMPTY -> out.append(";\n");
            case STRING -> {
                out.append(" = \"");
                for (int i = 0; i < v.length - 1; i++) {
                    appendStringChar(out, v[i]);
                }
                out.append("\";\n");
            }
            case CELLS -> {
                out.append(" = <");
                MemorySegment seg = MemorySegment.ofArray(v);
                for (int i = 0; i < v.length; i += 4) {
                    if (i > 0) {
                        out.append(' ');
                    }
                    int c = seg.get(FdtSpec.BE_U32, i);
                    out.append("0x");
                    if (Integer.compareUnsigned(c, 0x10) < 0) {
                        out.append('0');
                    }
                    out.append(Integer.toHexString(c));
                }
                out.append(">;\n");
            }
            case BYTES -> {
                out.append(" = [");
                for (int i = 0; i < v.length; i++) {
                    if (i > 0) {
                        out.append(' ');
                    }
                    appendHexByte(out, v[i]);
                }
                out.append("];\n");
            }
        }
    }

    private static void appendStringChar(Appendable out, byte b) throws IOException {
        switch (b) {
            case 0 -> out.append("\\0");
            case 0x07 -> out.append("\\a");
            case 0x08 -> out.append("\\b");
            case '\t' -> out.append("\\t");
            case '\n' -> out.append("\\n");
            case 0x0b -> out.append("\\v");
            case '\f' -> out.append("\\f");
            case '\r' -> out.append("\\r");
            case '\\' -> out.append("\\\\");
            case '"' -> out.append("\\\"");
            default -> {
                if (isPrint(b)) {
                    out.append((char) b);
                } else {
                    // not reached for guessed strings; kept so the function is total
                    out.append("\\x");
                    appendHexByte(out, b);
                }
            }
        }
    }

    private static void appendHexByte(Appendable out, byte b) throws IOException {
        out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }

    /** C isprint() in the C locale. */
    private static boolean isPrint(byte b) {
        return b >= 0x20 && b < 0x7f;
    }

    private static boolean isCEscape(byte b) {
        return b >= 0x07 && b <= 0x0d; // \a \b \t \n \v \f \r
    }

    private static void indent(Appendable out, int depth) throws IOException {
        for (int i = 0; i < depth; i++) {
            out.append('\t');
        }
    }

    private static String hex16(long v) {
        String h = Long.toHexString(v);
        return "0".repeat(16 - h.length()) + h;
    }
}
