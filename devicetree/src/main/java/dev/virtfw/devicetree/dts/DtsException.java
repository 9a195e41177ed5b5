package dev.virtfw.devicetree.dts;

import java.util.Objects;
import java.util.Optional;

/**
 * DTS source that dtc would refuse: a lexical or syntax error, a failed semantic rule (a missing
 * label, a bad expression), a failed error-level check, or an input file that cannot be read. The
 * message is one line in dtc's words: {@code Error: FILE:LINE.COL-COL text} for source errors,
 * {@code FILE: ERROR (check): /path: text} for checks, {@code FATAL ERROR: text} otherwise.
 */
public final class DtsException extends RuntimeException {
    /** What kind of refusal this is. */
    public enum Kind {
        /** A token dtc's lexer refuses (bad literal, bad escape). */
        LEXICAL,
        /** The token stream does not fit the grammar. */
        SYNTAX,
        /** A grammar action refused its operands (missing label, out-of-range value, division by zero). */
        SEMANTIC,
        /** An error-level check failed on the whole tree (duplicate names, unresolved reference...). */
        CHECK,
        /** An input file could not be opened or read. */
        INPUT
    }

    private final Kind kind;
    private final SourcePosition position;
    private final String check;

    DtsException(Kind kind, SourcePosition position, String check, String line) {
        super(Objects.requireNonNull(line, "line"));
        this.kind = Objects.requireNonNull(kind, "kind");
        this.position = position;
        this.check = check;
    }

    static DtsException at(Kind kind, SourcePosition pos, String text) {
        String prefix = kind == Kind.LEXICAL ? "Lexical error: " : "Error: ";
        return new DtsException(kind, pos, null, prefix + pos + " " + text);
    }

    static DtsException fatal(String text) {
        return new DtsException(Kind.INPUT, null, null, "FATAL ERROR: " + text);
    }

    public Kind kind() {
        return kind;
    }

    /** Where the fault is, when it has a place in the source. */
    public Optional<SourcePosition> position() {
        return Optional.ofNullable(position);
    }

    /** The name of the failed check, for {@link Kind#CHECK}. */
    public Optional<String> check() {
        return Optional.ofNullable(check);
    }
}
