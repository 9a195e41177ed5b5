package dev.virtfw.devicetree;

/** What is wrong with a blob; each carries a short description used in messages. */
public enum DtbError {
    /** The blob is shorter than the header, or than its totalsize field. */
    TRUNCATED("blob truncated"),
    /** The magic field is not 0xd00dfeed. */
    BAD_MAGIC("bad magic"),
    /** version below 16, last_comp_version above 17, or last_comp_version above version. */
    BAD_VERSION("unsupported version"),
    /** A header offset or size points outside the blob, is misaligned, or blocks overlap. */
    BAD_LAYOUT("bad block layout"),
    /** The memory reservation block has no terminating entry inside its room. */
    BAD_RESERVATION_MAP("memory reservation block not terminated"),
    /** An unknown token in the structure block. */
    BAD_TOKEN("unknown token"),
    /** Tokens in an order the spec does not allow (property outside a node, unbalanced nodes, two roots...). */
    BAD_STRUCTURE("bad structure"),
    /** The walk of the structure block ran past its end (size_dt_struct or totalsize) without FDT_END. */
    STRUCT_OVERRUN("structure block overrun"),
    /** A property's length runs past the end of the structure block. */
    PROPERTY_OVERRUN("property value past end of structure block"),
    /** A node name or property name has no NUL terminator inside its block. */
    UNTERMINATED_STRING("string without terminator"),
    /** A property's name offset lies outside the strings block. */
    BAD_STRING_OFFSET("name offset outside strings block"),
    /**
     * Property names whose offsets overlap so much that decoding them would take more than twice
     * the strings block (each name is a suffix of a long unterminated run): refused so a small
     * blob cannot make the reader allocate without bound.
     */
    NAME_OVERLAP("property names overlap excessively"),
    /** Nodes nested deeper than the reader accepts. */
    TOO_DEEP("tree nested too deep"),
    /** A name that cannot stand in a tree: empty node name, '/' inside, or a non-empty root name. */
    BAD_NAME("bad node name"),
    /** Two children or two properties of one node with the same name. */
    DUPLICATE_NAME("duplicate name");

    private final String description;

    DtbError(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
