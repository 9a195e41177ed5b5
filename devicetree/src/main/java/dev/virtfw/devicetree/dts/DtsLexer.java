package dev.virtfw.devicetree.dts;

import dev.virtfw.devicetree.dts.Token.Type;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Cuts DTS source into tokens the way dtc 1.6.1's flex lexer does: the longest match wins, ties
 * go to the earlier rule, and the lexer's start state decides which rules apply (property and
 * node names only after '{', ';' and the delete/omit keywords; byte pairs only inside '[...]';
 * integer literals only after /dts-v1/). It follows {@code /include/} through {@link SourceFiles}
 * and takes file names and line numbers from {@code #line} directives left by cpp. Text is
 * handled as Latin-1, one char per source byte, so columns count bytes as dtc's do.
 */
final class DtsLexer {
    private enum State { INITIAL, V1, PROPNODENAME, BYTESTRING }

    /** One open input: its text, the read position and the position counters dtc keeps per file. */
    private static final class Input {
        final String text;
        final String dir;
        String name;
        int pos;
        int line = 1;
        int column = 1;

        Input(String text, String name, String dir) {
            this.text = text;
            this.name = name;
            this.dir = dir;
        }
    }

    /** Nesting of /include/ beyond which the source is refused (a file including itself). */
    static final int MAX_INCLUDE_DEPTH = 200;

    private final SourceFiles files;
    private final Deque<Input> inputs = new ArrayDeque<>();
    private State state = State.INITIAL;
    private SourcePosition last;

    DtsLexer(SourceFiles files, String text, String name, String dir) {
        this.files = files;
        Input first = new Input(text, name, dir);
        inputs.push(first);
        last = new SourcePosition(name, 1, 1, 1, 1);
    }

    /** The directory of the file being read, for /incbin/ paths. */
    String currentDir() {
        return inputs.peek().dir;
    }

    /** The position of the last token returned (where dtc reports a syntax error at end of input). */
    SourcePosition lastPosition() {
        return last;
    }

    Token next() {
        while (true) {
            Input in = inputs.peek();
            if (in.pos >= in.text.length()) {
                if (inputs.size() == 1) {
                    return new Token(Type.EOF, "", 0, null, last);
                }
                inputs.pop();
                continue;
            }
            Token t = scan(in);
            if (t != null) {
                return t;
            }
        }
    }

    /** One rule's match at the current position; null when it only consumed input (space, comment, directive). */
    private Token scan(Input in) {
        String s = in.text;
        int p = in.pos;
        boolean bol = p == 0 || s.charAt(p - 1) == '\n';
        int best = 0;
        int rule = -1;
        // Rules in dtc's order; a later rule wins only with a strictly longer match.
        int[] lengths = new int[R_COUNT];
        lengths[R_INCLUDE] = matchInclude(s, p);
        lengths[R_LINE] = bol ? matchLineDirective(s, p) : -1;
        lengths[R_STRING] = matchString(s, p);
        lengths[R_DTS_V1] = matchWord(s, p, "/dts-v1/");
        lengths[R_PLUGIN] = matchWord(s, p, "/plugin/");
        lengths[R_MEMRESERVE] = matchWord(s, p, "/memreserve/");
        lengths[R_BITS] = matchWord(s, p, "/bits/");
        lengths[R_DEL_PROP] = matchWord(s, p, "/delete-property/");
        lengths[R_DEL_NODE] = matchWord(s, p, "/delete-node/");
        lengths[R_OMIT] = matchWord(s, p, "/omit-if-no-ref/");
        lengths[R_LABEL] = matchLabel(s, p);
        lengths[R_INTEGER] = state == State.V1 ? matchInteger(s, p) : -1;
        lengths[R_CHAR_LITERAL] = matchCharLiteral(s, p);
        lengths[R_LABEL_REF] = matchLabelRef(s, p);
        lengths[R_PATH_REF] = matchPathRef(s, p);
        lengths[R_BYTE] = state == State.BYTESTRING ? matchByte(s, p) : -1;
        lengths[R_BYTE_END] = state == State.BYTESTRING && s.charAt(p) == ']' ? 1 : -1;
        lengths[R_PROPNODENAME] = state == State.PROPNODENAME ? matchPropNodeName(s, p) : -1;
        lengths[R_INCBIN] = state == State.INITIAL || state == State.V1 ? matchWord(s, p, "/incbin/") : -1;
        lengths[R_SPACE] = matchSpace(s, p);
        lengths[R_COMMENT] = matchComment(s, p);
        lengths[R_LINE_COMMENT] = matchLineComment(s, p);
        lengths[R_OPERATOR] = matchOperator(s, p);
        lengths[R_ANY] = s.charAt(p) == '\n' ? -1 : 1;
        for (int r = 0; r < R_COUNT; r++) {
            if (lengths[r] > best) {
                best = lengths[r];
                rule = r;
            }
        }
        String text = s.substring(p, p + best);
        SourcePosition pos = advance(in, text);
        in.pos = p + best;
        Token t = act(in, rule, text, pos);
        if (t != null) {
            last = pos;
        }
        return t;
    }

    private static final int R_INCLUDE = 0, R_LINE = 1, R_STRING = 2, R_DTS_V1 = 3, R_PLUGIN = 4,
            R_MEMRESERVE = 5, R_BITS = 6, R_DEL_PROP = 7, R_DEL_NODE = 8, R_OMIT = 9, R_LABEL = 10,
            R_INTEGER = 11, R_CHAR_LITERAL = 12, R_LABEL_REF = 13, R_PATH_REF = 14, R_BYTE = 15,
            R_BYTE_END = 16, R_PROPNODENAME = 17, R_INCBIN = 18, R_SPACE = 19, R_COMMENT = 20,
            R_LINE_COMMENT = 21, R_OPERATOR = 22, R_ANY = 23, R_COUNT = 24;

    private Token act(Input in, int rule, String text, SourcePosition pos) {
        switch (rule) {
            case R_INCLUDE -> {
                int q = text.indexOf('"');
                String name = text.substring(q + 1, text.length() - 1);
                if (inputs.size() >= MAX_INCLUDE_DEPTH) {
                    throw DtsException.fatal("Includes nested too deeply");
                }
                SourceFiles.Opened f = files.open(name, in.dir);
                inputs.push(new Input(f.text(), f.displayName(), f.dir()));
                return null;
            }
            case R_LINE -> {
                lineDirective(in, text, pos);
                return null;
            }
            case R_STRING -> {
                return new Token(Type.STRING, text, 0, unescape(text.substring(1, text.length() - 1), pos), pos);
            }
            case R_DTS_V1 -> {
                state = State.V1;
                return new Token(Type.V1, text, 0, null, pos);
            }
            case R_PLUGIN -> {
                return new Token(Type.PLUGIN, text, 0, null, pos);
            }
            case R_MEMRESERVE -> {
                state = State.V1;
                return new Token(Type.MEMRESERVE, text, 0, null, pos);
            }
            case R_BITS -> {
                state = State.V1;
                return new Token(Type.BITS, text, 0, null, pos);
            }
            case R_DEL_PROP -> {
                state = State.PROPNODENAME;
                return new Token(Type.DEL_PROP, text, 0, null, pos);
            }
            case R_DEL_NODE -> {
                state = State.PROPNODENAME;
                return new Token(Type.DEL_NODE, text, 0, null, pos);
            }
            case R_OMIT -> {
                state = State.PROPNODENAME;
                return new Token(Type.OMIT_NO_REF, text, 0, null, pos);
            }
            case R_LABEL -> {
                return new Token(Type.LABEL, text.substring(0, text.length() - 1), 0, null, pos);
            }
            case R_INTEGER -> {
                return new Token(Type.LITERAL, text, integerValue(text, pos), null, pos);
            }
            case R_CHAR_LITERAL -> {
                byte[] d = unescape(text.substring(1, text.length() - 1), pos);
                if (d.length == 1) {
                    throw DtsException.at(DtsException.Kind.LEXICAL, pos, "Empty character literal");
                }
                if (d.length > 2) {
                    throw DtsException.at(DtsException.Kind.LEXICAL, pos,
                            "Character literal has " + (d.length - 1) + " characters instead of 1");
                }
                return new Token(Type.CHAR_LITERAL, text, d[0] & 0xff, null, pos);
            }
            case R_LABEL_REF -> {
                return new Token(Type.LABEL_REF, text.substring(1), 0, null, pos);
            }
            case R_PATH_REF -> {
                return new Token(Type.PATH_REF, text.substring(2, text.length() - 1), 0, null, pos);
            }
            case R_BYTE -> {
                return new Token(Type.BYTE, text, Integer.parseInt(text, 16), null, pos);
            }
            case R_BYTE_END -> {
                state = State.V1;
                return new Token(Type.CHAR, text, 0, null, pos);
            }
            case R_PROPNODENAME -> {
                state = State.V1;
                return new Token(Type.PROPNODENAME, text.charAt(0) == '\\' ? text.substring(1) : text, 0, null, pos);
            }
            case R_INCBIN -> {
                return new Token(Type.INCBIN, text, 0, null, pos);
            }
            case R_SPACE, R_COMMENT, R_LINE_COMMENT -> {
                return null;
            }
            case R_OPERATOR -> {
                Type t = switch (text) {
                    case "<<" -> Type.LSHIFT;
                    case ">>" -> Type.RSHIFT;
                    case "<=" -> Type.LE;
                    case ">=" -> Type.GE;
                    case "==" -> Type.EQ;
                    case "!=" -> Type.NE;
                    case "&&" -> Type.AND;
                    default -> Type.OR;
                };
                return new Token(t, text, 0, null, pos);
            }
            default -> {
                char c = text.charAt(0);
                if (c == '[') {
                    state = State.BYTESTRING;
                } else if (c == '{' || c == ';') {
                    state = State.PROPNODENAME;
                }
                return new Token(Type.CHAR, text, 0, null, pos);
            }
        }
    }

    /** Moves the file's line and column over {@code text}, returning the span it covered. */
    private static SourcePosition advance(Input in, String text) {
        int l0 = in.line;
        int c0 = in.column;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                in.line++;
                in.column = 1;
            } else {
                in.column++;
            }
        }
        return new SourcePosition(in.name, l0, c0, in.line, in.column);
    }

    private static void lineDirective(Input in, String text, SourcePosition pos) {
        int i = 1;
        while (!Character.isDigit(text.charAt(i))) {
            i++;
        }
        int j = i;
        while (j < text.length() && Character.isDigit(text.charAt(j))) {
            j++;
        }
        int first = text.indexOf('"');
        int lastQuote = text.lastIndexOf('"');
        byte[] fn = unescape(text.substring(first + 1, lastQuote), pos);
        for (int k = 0; k < fn.length - 1; k++) {
            if (fn[k] == 0) {
                throw DtsException.at(DtsException.Kind.LEXICAL, pos, "nul in line number directive");
            }
        }
        in.name = new String(fn, 0, fn.length - 1, StandardCharsets.ISO_8859_1);
        long n = Long.parseLong(text.substring(i, Math.min(j, i + 18)));
        in.line = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n)) - 1;
    }

    /** The value of an integer literal as C's strtoull with base 0 reads it (octal after a leading 0). */
    private static long integerValue(String text, SourcePosition pos) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == 'U' || text.charAt(end - 1) == 'L')) {
            end--;
        }
        String digits = text.substring(0, end);
        int radix = 10;
        int start = 0;
        if (digits.length() > 1 && (digits.charAt(1) == 'x' || digits.charAt(1) == 'X')) {
            radix = 16;
            start = 2;
        } else if (digits.length() > 1 && digits.charAt(0) == '0') {
            radix = 8;
            start = 1;
        }
        int stop = start;
        while (stop < digits.length() && Character.digit(digits.charAt(stop), radix) >= 0) {
            stop++;
        }
        if (stop < digits.length()) {
            throw DtsException.at(DtsException.Kind.LEXICAL, pos, "Bad integer literal '" + text + "'");
        }
        try {
            return stop == start ? 0 : Long.parseUnsignedLong(digits.substring(start, stop), radix);
        } catch (NumberFormatException e) {
            throw DtsException.at(DtsException.Kind.LEXICAL, pos, "Integer literal '" + text + "' out of range");
        }
    }

    /**
     * The bytes of a string or character literal's inside with dtc's escapes resolved, plus the
     * terminating NUL dtc appends.
     */
    static byte[] unescape(String s, SourcePosition pos) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 1);
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c != '\\' || i >= s.length()) {
                out.write(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'a' -> out.write(7);
                case 'b' -> out.write(8);
                case 't' -> out.write(9);
                case 'n' -> out.write(10);
                case 'v' -> out.write(11);
                case 'f' -> out.write(12);
                case 'r' -> out.write(13);
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    int v = 0;
                    int n = 0;
                    i--;
                    while (n < 3 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7') {
                        v = v * 8 + (s.charAt(i++) - '0');
                        n++;
                    }
                    out.write(v);
                }
                case 'x' -> {
                    int v = 0;
                    int n = 0;
                    while (n < 2 && i < s.length() && Character.digit(s.charAt(i), 16) >= 0) {
                        v = v * 16 + Character.digit(s.charAt(i++), 16);
                        n++;
                    }
                    if (n == 0) {
                        throw DtsException.fatal("\\x used with no following hex digits");
                    }
                    out.write(v);
                }
                default -> out.write(e);
            }
        }
        out.write(0);
        return out.toByteArray();
    }

    // --- the rules' patterns; each returns the length of its longest match at p, or -1 ---

    private static boolean isPropNodeChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ",._+*#?@-".indexOf(c) >= 0;
    }

    private static boolean isLabelStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isLabelChar(char c) {
        return isLabelStart(c) || (c >= '0' && c <= '9');
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }

    private static int matchWord(String s, int p, String w) {
        return s.startsWith(w, p) ? w.length() : -1;
    }

    private static int matchString(String s, int p) {
        if (s.charAt(p) != '"') {
            return -1;
        }
        int i = p + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                return i + 1 - p;
            }
            if (c == '\\') {
                if (i + 1 >= s.length() || s.charAt(i + 1) == '\n') {
                    return -1;
                }
                i += 2;
            } else {
                i++;
            }
        }
        return -1;
    }

    private static int matchInclude(String s, int p) {
        if (!s.startsWith("/include/", p)) {
            return -1;
        }
        int i = p + 9;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        if (i >= s.length()) {
            return -1;
        }
        int n = matchString(s, i);
        return n < 0 ? -1 : i + n - p;
    }

    private static int matchLineDirective(String s, int p) {
        if (s.charAt(p) != '#') {
            return -1;
        }
        int i = p + 1;
        if (s.startsWith("line", i)) {
            i += 4;
        }
        int sp = blanks(s, i);
        if (sp == 0) {
            return -1;
        }
        i += sp;
        int d = digits(s, i);
        if (d == 0) {
            return -1;
        }
        i += d;
        sp = blanks(s, i);
        if (sp == 0 || i + sp >= s.length()) {
            return -1;
        }
        i += sp;
        int n = matchString(s, i);
        if (n < 0) {
            return -1;
        }
        i += n;
        while (true) {
            int b = blanks(s, i);
            if (b == 0) {
                break;
            }
            int dd = digits(s, i + b);
            if (dd == 0) {
                break;
            }
            i += b + dd;
        }
        return i - p;
    }

    private static int blanks(String s, int i) {
        int j = i;
        while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
            j++;
        }
        return j - i;
    }

    private static int digits(String s, int i) {
        int j = i;
        while (j < s.length() && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
            j++;
        }
        return j - i;
    }

    private static int matchLabel(String s, int p) {
        if (!isLabelStart(s.charAt(p))) {
            return -1;
        }
        int i = p + 1;
        while (i < s.length() && isLabelChar(s.charAt(i))) {
            i++;
        }
        return i < s.length() && s.charAt(i) == ':' ? i + 1 - p : -1;
    }

    private static int matchInteger(String s, int p) {
        int i;
        if (s.startsWith("0x", p) || s.startsWith("0X", p)) {
            i = p + 2;
            while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0) {
                i++;
            }
            if (i == p + 2) {
                i = p + 1; // "0" alone, as the decimal alternative
            }
        } else {
            i = p;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == p) {
                return -1;
            }
        }
        for (String suffix : new String[] {"ULL", "UL", "LL", "U", "L"}) {
            if (s.startsWith(suffix, i)) {
                return i + suffix.length() - p;
            }
        }
        return i - p;
    }

    private static int matchCharLiteral(String s, int p) {
        if (s.charAt(p) != '\'') {
            return -1;
        }
        int lastEscaped = -1;
        for (int i = p + 1; i < s.length(); i++) {
            if (s.charAt(i) == '\'') {
                if (s.charAt(i - 1) == '\\' && i - 1 > p) {
                    lastEscaped = i;
                } else {
                    return i + 1 - p;
                }
            }
        }
        return lastEscaped < 0 ? -1 : lastEscaped + 1 - p;
    }

    private static int matchLabelRef(String s, int p) {
        if (s.charAt(p) != '&' || p + 1 >= s.length() || !isLabelStart(s.charAt(p + 1))) {
            return -1;
        }
        int i = p + 2;
        while (i < s.length() && isLabelChar(s.charAt(i))) {
            i++;
        }
        return i - p;
    }

    private static int matchPathRef(String s, int p) {
        if (!s.startsWith("&{/", p)) {
            return -1;
        }
        int i = p + 3;
        while (i < s.length() && (isPropNodeChar(s.charAt(i)) || s.charAt(i) == '/')) {
            i++;
        }
        return i < s.length() && s.charAt(i) == '}' ? i + 1 - p : -1;
    }

    private static int matchByte(String s, int p) {
        return p + 1 < s.length() && Character.digit(s.charAt(p), 16) >= 0 && Character.digit(s.charAt(p + 1), 16) >= 0
                ? 2 : -1;
    }

    private static int matchPropNodeName(String s, int p) {
        int i = p;
        if (s.charAt(i) == '\\') {
            i++;
        }
        int start = i;
        while (i < s.length() && isPropNodeChar(s.charAt(i))) {
            i++;
        }
        return i == start ? -1 : i - p;
    }

    private static int matchSpace(String s, int p) {
        int i = p;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return i == p ? -1 : i - p;
    }

    private static int matchComment(String s, int p) {
        if (!s.startsWith("/*", p)) {
            return -1;
        }
        int end = s.indexOf("*/", p + 2);
        return end < 0 ? -1 : end + 2 - p;
    }

    private static int matchLineComment(String s, int p) {
        if (!s.startsWith("//", p)) {
            return -1;
        }
        int end = s.indexOf('\n', p);
        return end < 0 ? -1 : end + 1 - p;
    }

    private static int matchOperator(String s, int p) {
        if (p + 1 >= s.length()) {
            return -1;
        }
        String two = s.substring(p, p + 2);
        return switch (two) {
            case "<<", ">>", "<=", ">=", "==", "!=", "&&", "||" -> 2;
            default -> -1;
        };
    }
}
