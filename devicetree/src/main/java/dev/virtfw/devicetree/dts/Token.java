package dev.virtfw.devicetree.dts;

/** One token of DTS source, as dtc's lexer cuts it. */
record Token(Type type, String text, long value, byte[] bytes, SourcePosition pos) {

    /** Token kinds; {@link #CHAR} is any single character the grammar uses as itself. */
    enum Type {
        V1, PLUGIN, MEMRESERVE, BITS, DEL_PROP, DEL_NODE, OMIT_NO_REF,
        LABEL, LITERAL, CHAR_LITERAL, LABEL_REF, PATH_REF, BYTE, PROPNODENAME, INCBIN, STRING,
        LSHIFT, RSHIFT, LE, GE, EQ, NE, AND, OR, CHAR, EOF
    }

    boolean is(char c) {
        return type == Type.CHAR && text.charAt(0) == c;
    }

    boolean is(Type t) {
        return type == t;
    }

    /** How dtc's grammar names the token in a message. */
    String describe() {
        return type == Type.CHAR ? "'" + text + "'" : type.name();
    }
}
