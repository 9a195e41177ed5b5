package dev.virtfw.devicetree.dts;

import dev.virtfw.devicetree.dts.Data.MarkerType;
import dev.virtfw.devicetree.dts.DtsException.Kind;
import dev.virtfw.devicetree.dts.Token.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * dtc 1.6.1's grammar as a recursive-descent parser: every rule builds what dtc's action builds
 * (node merging, deletions, orphan fragments of a plugin, markers in values), errors are reported
 * at the token or span dtc reports, and integer expressions are evaluated in unsigned 64-bit
 * arithmetic with C's precedence. The first error ends the parse.
 */
final class DtsParser {
    /** A /memreserve/ entry with its labels (newest first). */
    static final class Reserve {
        final long address;
        final long size;
        final List<LiveNode.Label> labels = new ArrayList<>(0);

        Reserve(long address, long size) {
            this.address = address;
            this.size = size;
        }
    }

    /** What the source describes, before checks. */
    record Parsed(boolean plugin, List<Reserve> reserves, LiveNode root, int bootCpuid) {}

    /** Nodes nested deeper than this are refused (each level costs stack). */
    static final int MAX_NESTING = 2_000;
    /** Parentheses nested deeper than this are refused. */
    static final int MAX_EXPRESSION_DEPTH = 2_000;

    private record Val(long v, SourcePosition pos) {}

    private final DtsLexer lexer;
    private final SourceFiles files;
    private Token tok;
    private boolean plugin;
    private int nextOrphanFragment;
    private int nesting;
    private int exprDepth;

    DtsParser(DtsLexer lexer, SourceFiles files) {
        this.lexer = lexer;
        this.files = files;
    }

    Parsed parse() {
        tok = lexer.next();
        parseHeaders();
        List<Reserve> reserves = parseMemreserves();
        LiveNode root = parseDevicetree();
        return new Parsed(plugin, reserves, root, guessBootCpuid(root));
    }

    private Token advance() {
        Token t = tok;
        tok = lexer.next();
        return t;
    }

    private DtsException syntaxError() {
        return DtsException.at(Kind.SYNTAX, tok.is(Type.EOF) ? lexer.lastPosition() : tok.pos(), "syntax error");
    }

    private Token expect(char c) {
        if (!tok.is(c)) {
            throw syntaxError();
        }
        return advance();
    }

    private Token expect(Type t) {
        if (!tok.is(t)) {
            throw syntaxError();
        }
        return advance();
    }

    private static DtsException semantic(SourcePosition pos, String text) {
        return DtsException.at(Kind.SEMANTIC, pos, text);
    }

    private void parseHeaders() {
        boolean first = true;
        boolean firstPlugin = false;
        SourcePosition laterStart = null;
        SourcePosition laterEnd = null;
        boolean mismatch = false;
        while (first || tok.is(Type.V1)) {
            Token v1 = expect(Type.V1);
            Token semi = expect(';');
            boolean isPlugin = false;
            if (tok.is(Type.PLUGIN)) {
                advance();
                semi = expect(';');
                isPlugin = true;
            }
            if (first) {
                firstPlugin = isPlugin;
            } else {
                if (laterStart == null) {
                    laterStart = v1.pos();
                }
                laterEnd = semi.pos();
                mismatch |= isPlugin != firstPlugin;
            }
            first = false;
        }
        if (mismatch) {
            throw semantic(SourcePosition.span(laterStart, laterEnd), "Header flags don't match earlier ones");
        }
        plugin = firstPlugin;
    }

    private List<Reserve> parseMemreserves() {
        List<Reserve> out = new ArrayList<>();
        while (tok.is(Type.LABEL) || tok.is(Type.MEMRESERVE)) {
            List<String> labels = new ArrayList<>();
            while (tok.is(Type.LABEL)) {
                labels.add(advance().text());
            }
            expect(Type.MEMRESERVE);
            long address = parsePrim().v;
            long size = parsePrim().v;
            expect(';');
            Reserve r = new Reserve(address, size);
            for (int i = labels.size() - 1; i >= 0; i--) {
                LiveNode.addLabel(r.labels, labels.get(i));
            }
            out.add(r);
        }
        return out;
    }

    private boolean isRef() {
        return tok.is(Type.LABEL_REF) || tok.is(Type.PATH_REF);
    }

    private LiveNode parseDevicetree() {
        LiveNode root;
        if (tok.is('/')) {
            advance();
            root = parseNodedef();
            root.name = "";
        } else if (isRef()) {
            Token ref = advance();
            LiveNode node = parseNodedef();
            if (!plugin) {
                throw semantic(node.pos, "Label or path " + ref.text() + " not found");
            }
            root = new LiveNode(null);
            root.name = "";
            addOrphan(root, node, ref.text());
        } else {
            throw syntaxError();
        }
        while (!tok.is(Type.EOF)) {
            if (tok.is('/')) {
                advance();
                root.merge(parseNodedef());
            } else if (tok.is(Type.LABEL)) {
                String label = advance().text();
                if (!isRef()) {
                    throw syntaxError();
                }
                Token ref = advance();
                LiveNode node = parseNodedef();
                LiveNode target = byRef(root, ref.text());
                if (target == null) {
                    throw semantic(ref.pos(), "Label or path " + ref.text() + " not found");
                }
                LiveNode.addLabel(target.labels, label);
                target.merge(node);
            } else if (isRef()) {
                Token ref = advance();
                LiveNode node = parseNodedef();
                boolean path = ref.is(Type.PATH_REF);
                if (path && plugin) {
                    addOrphan(root, node, ref.text());
                    continue;
                }
                LiveNode target = byRef(root, ref.text());
                if (target != null) {
                    target.merge(node);
                } else if (plugin) {
                    addOrphan(root, node, ref.text());
                } else {
                    throw semantic(ref.pos(), "Label or path " + ref.text() + " not found");
                }
            } else if (tok.is(Type.DEL_NODE) || tok.is(Type.OMIT_NO_REF)) {
                boolean delete = advance().is(Type.DEL_NODE);
                if (!isRef()) {
                    throw syntaxError();
                }
                Token ref = advance();
                expect(';');
                LiveNode target = byRef(root, ref.text());
                if (target == null) {
                    throw semantic(ref.pos(), "Label or path " + ref.text() + " not found");
                }
                if (delete) {
                    target.delete();
                } else {
                    target.omitIfUnused = true;
                }
            } else {
                throw syntaxError();
            }
        }
        return root;
    }

    /** dtc's add_orphan_node: a fragment@N holding the node as __overlay__ with a target. */
    private void addOrphan(LiveNode root, LiveNode node, String ref) {
        Data d = new Data();
        String propName;
        if (ref.startsWith("/")) {
            d.addMarker(MarkerType.TYPE_STRING, ref);
            d.append(nulTerminated(ref));
            propName = "target-path";
        } else {
            d.addMarker(MarkerType.REF_PHANDLE, ref);
            d.appendInteger(0xffffffffL, 32);
            propName = "target";
        }
        node.name = "__overlay__";
        LiveNode fragment = new LiveNode(null);
        fragment.props.add(new LiveNode.Prop(propName, d, null));
        fragment.addChild(node);
        fragment.name = "fragment@" + Integer.toUnsignedString(nextOrphanFragment++);
        root.addChild(fragment);
    }

    static byte[] nulTerminated(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Arrays.copyOf(b, b.length + 1);
    }

    private LiveNode parseNodedef() {
        if (++nesting > MAX_NESTING) {
            throw semantic(tok.pos(), "nodes nested deeper than " + MAX_NESTING + " levels");
        }
        Token open = expect('{');
        LiveNode node = new LiveNode(null);
        boolean seenSubnode = false;
        while (true) {
            SourcePosition start = tok.pos();
            List<Token> prefix = new ArrayList<>();
            while (tok.is(Type.LABEL) || tok.is(Type.OMIT_NO_REF)) {
                prefix.add(advance());
            }
            boolean omit = prefix.stream().anyMatch(t -> t.is(Type.OMIT_NO_REF));
            if (tok.is('}') && prefix.isEmpty()) {
                break;
            }
            if (tok.is(Type.DEL_PROP) && !omit) {
                advance();
                Token name = expect(Type.PROPNODENAME);
                Token semi = expect(';');
                LiveNode.Prop p = new LiveNode.Prop(name.text(), new Data(), null);
                p.deleted = true;
                addPropLabels(p, prefix);
                propertyAfter(node, p, seenSubnode, SourcePosition.span(start, semi.pos()));
            } else if (tok.is(Type.DEL_NODE)) {
                Token del = advance();
                Token name = expect(Type.PROPNODENAME);
                Token semi = expect(';');
                LiveNode child = new LiveNode(SourcePosition.span(del.pos(), semi.pos()));
                child.deleted = true;
                child.name = name.text();
                applySubnodePrefix(child, prefix);
                node.addChild(child);
                seenSubnode = true;
            } else if (tok.is(Type.PROPNODENAME)) {
                Token name = advance();
                if (tok.is('{')) {
                    LiveNode child = parseNodedef();
                    child.name = name.text();
                    applySubnodePrefix(child, prefix);
                    node.addChild(child);
                    seenSubnode = true;
                } else if ((tok.is('=') || tok.is(';')) && !omit) {
                    Data value;
                    if (tok.is('=')) {
                        advance();
                        value = parsePropdata();
                    } else {
                        value = new Data();
                    }
                    Token semi = expect(';');
                    LiveNode.Prop p = new LiveNode.Prop(name.text(), value, SourcePosition.span(name.pos(), semi.pos()));
                    addPropLabels(p, prefix);
                    propertyAfter(node, p, seenSubnode, SourcePosition.span(start, semi.pos()));
                } else {
                    throw syntaxError();
                }
            } else {
                throw syntaxError();
            }
        }
        advance(); // '}'
        Token semi = expect(';');
        node.pos = SourcePosition.span(open.pos(), semi.pos());
        nesting--;
        return node;
    }

    private static void propertyAfter(LiveNode node, LiveNode.Prop p, boolean seenSubnode, SourcePosition span) {
        if (seenSubnode) {
            throw semantic(span, "Properties must precede subnodes");
        }
        node.props.add(p);
    }

    private static void addPropLabels(LiveNode.Prop p, List<Token> prefix) {
        for (int i = prefix.size() - 1; i >= 0; i--) {
            LiveNode.addLabel(p.labels, prefix.get(i).text());
        }
    }

    private static void applySubnodePrefix(LiveNode child, List<Token> prefix) {
        for (int i = prefix.size() - 1; i >= 0; i--) {
            Token t = prefix.get(i);
            if (t.is(Type.LABEL)) {
                LiveNode.addLabel(child.labels, t.text());
            } else {
                child.omitIfUnused = true;
            }
        }
    }

    private Data parsePropdata() {
        Data d = new Data();
        while (true) {
            while (tok.is(Type.LABEL)) {
                d.addMarker(MarkerType.LABEL, advance().text());
            }
            if (tok.is(Type.STRING)) {
                d.merge(Data.string(advance().bytes()));
            } else if (tok.is('<') || tok.is(Type.BITS)) {
                d.merge(parseArray());
            } else if (tok.is('[')) {
                advance();
                Data b = new Data().addMarker(MarkerType.TYPE_UINT8, null);
                while (!tok.is(']')) {
                    if (tok.is(Type.BYTE)) {
                        b.appendInteger(advance().value(), 8);
                    } else if (tok.is(Type.LABEL)) {
                        b.addMarker(MarkerType.LABEL, advance().text());
                    } else {
                        throw syntaxError();
                    }
                }
                advance();
                d.merge(b);
            } else if (isRef()) {
                String ref = advance().text();
                d.addMarker(MarkerType.TYPE_STRING, ref);
                d.addMarker(MarkerType.REF_PATH, ref);
            } else if (tok.is(Type.INCBIN)) {
                advance();
                expect('(');
                Token file = expect(Type.STRING);
                long offset = 0;
                long length = -1;
                if (tok.is(',')) {
                    advance();
                    offset = parsePrim().v;
                    expect(',');
                    length = parsePrim().v;
                }
                expect(')');
                byte[] nameBytes = file.bytes();
                String name = new String(nameBytes, 0, nameBytes.length - 1, StandardCharsets.ISO_8859_1);
                Data inc = new Data().addMarker(MarkerType.TYPE_NONE, null);
                inc.append(files.readBinary(name, lexer.currentDir(), offset, length));
                d.merge(inc);
            } else {
                throw syntaxError();
            }
            while (tok.is(Type.LABEL)) {
                d.addMarker(MarkerType.LABEL, advance().text());
            }
            if (!tok.is(',')) {
                return d;
            }
            advance();
        }
    }

    private Data parseArray() {
        int bits = 32;
        MarkerType type = MarkerType.TYPE_UINT32;
        if (tok.is(Type.BITS)) {
            advance();
            Token lit = expect(Type.LITERAL);
            switch ((int) Math.min(lit.value(), 65)) {
                case 8 -> type = MarkerType.TYPE_UINT8;
                case 16 -> type = MarkerType.TYPE_UINT16;
                case 32 -> type = MarkerType.TYPE_UINT32;
                case 64 -> type = MarkerType.TYPE_UINT64;
                default -> throw semantic(lit.pos(), "Array elements must be 8, 16, 32 or 64-bits");
            }
            bits = (int) lit.value();
        }
        expect('<');
        Data d = new Data().addMarker(type, null);
        while (!tok.is('>')) {
            if (tok.is(Type.LITERAL) || tok.is(Type.CHAR_LITERAL) || tok.is('(')) {
                Val v = parsePrim();
                if (bits < 64) {
                    long mask = (1L << bits) - 1;
                    if (Long.compareUnsigned(v.v, mask) > 0 && (v.v | mask) != -1L) {
                        throw semantic(v.pos, "Value out of range for " + bits + "-bit array element");
                    }
                }
                d.appendInteger(v.v, bits);
            } else if (isRef()) {
                Token ref = advance();
                if (bits != 32) {
                    throw semantic(ref.pos(), "References are only allowed in arrays with 32-bit elements.");
                }
                d.addMarker(MarkerType.REF_PHANDLE, ref.text());
                d.appendInteger(-1L, bits);
            } else if (tok.is(Type.LABEL)) {
                d.addMarker(MarkerType.LABEL, advance().text());
            } else {
                throw syntaxError();
            }
        }
        advance();
        return d;
    }

    // --- integer expressions: unsigned 64-bit, C precedence, as dtc's grammar ---

    private Val parsePrim() {
        if (tok.is(Type.LITERAL) || tok.is(Type.CHAR_LITERAL)) {
            Token t = advance();
            return new Val(t.value(), t.pos());
        }
        if (tok.is('(')) {
            if (++exprDepth > MAX_EXPRESSION_DEPTH) {
                throw semantic(tok.pos(), "expression nested deeper than " + MAX_EXPRESSION_DEPTH + " levels");
            }
            Token open = advance();
            Val v = parseExpr();
            Token close = expect(')');
            exprDepth--;
            return new Val(v.v, SourcePosition.span(open.pos(), close.pos()));
        }
        throw syntaxError();
    }

    private Val parseExpr() {
        Val c = parseOr();
        if (!tok.is('?')) {
            return c;
        }
        advance();
        Val a = parseExpr();
        expect(':');
        Val b = parseExpr0Trinary();
        return new Val(c.v != 0 ? a.v : b.v, SourcePosition.span(c.pos, b.pos));
    }

    /** integer_trinary on the right of ':' (right-associative). */
    private Val parseExpr0Trinary() {
        return parseExpr();
    }

    private Val parseOr() {
        Val a = parseAnd();
        while (tok.is(Type.OR)) {
            advance();
            Val b = parseAnd();
            a = new Val((a.v != 0 || b.v != 0) ? 1 : 0, SourcePosition.span(a.pos, b.pos));
        }
        return a;
    }

    private Val parseAnd() {
        Val a = parseBitOr();
        while (tok.is(Type.AND)) {
            advance();
            Val b = parseBitOr();
            a = new Val((a.v != 0 && b.v != 0) ? 1 : 0, SourcePosition.span(a.pos, b.pos));
        }
        return a;
    }

    private Val parseBitOr() {
        Val a = parseBitXor();
        while (tok.is('|')) {
            advance();
            Val b = parseBitXor();
            a = new Val(a.v | b.v, SourcePosition.span(a.pos, b.pos));
        }
        return a;
    }

    private Val parseBitXor() {
        Val a = parseBitAnd();
        while (tok.is('^')) {
            advance();
            Val b = parseBitAnd();
            a = new Val(a.v ^ b.v, SourcePosition.span(a.pos, b.pos));
        }
        return a;
    }

    private Val parseBitAnd() {
        Val a = parseEq();
        while (tok.is('&')) {
            advance();
            Val b = parseEq();
            a = new Val(a.v & b.v, SourcePosition.span(a.pos, b.pos));
        }
        return a;
    }

    private Val parseEq() {
        Val a = parseRel();
        while (tok.is(Type.EQ) || tok.is(Type.NE)) {
            boolean eq = advance().is(Type.EQ);
            Val b = parseRel();
            a = new Val((a.v == b.v) == eq ? 1 : 0, SourcePosition.span(a.pos, b.pos));
        }
        return a;
    }

    private Val parseRel() {
        Val a = parseShift();
        while (tok.is('<') || tok.is('>') || tok.is(Type.LE) || tok.is(Type.GE)) {
            Token op = advance();
            Val b = parseShift();
            int cmp = Long.compareUnsigned(a.v, b.v);
            boolean r = op.is('<') ? cmp < 0 : op.is('>') ? cmp > 0 : op.is(Type.LE) ? cmp <= 0 : cmp >= 0;
            a = new Val(r ? 1 : 0, SourcePosition.span(a.pos, b.pos));
        }
        return a;
    }

    private Val parseShift() {
        Val a = parseAdd();
        while (tok.is(Type.LSHIFT) || tok.is(Type.RSHIFT)) {
            boolean left = advance().is(Type.LSHIFT);
            Val b = parseAdd();
            long r = Long.compareUnsigned(b.v, 64) < 0 ? (left ? a.v << b.v : a.v >>> b.v) : 0;
            a = new Val(r, SourcePosition.span(a.pos, b.pos));
        }
        return a;
    }

    private Val parseAdd() {
        Val a = parseMul();
        while (tok.is('+') || tok.is('-')) {
            boolean plus = advance().is('+');
            Val b = parseMul();
            a = new Val(plus ? a.v + b.v : a.v - b.v, SourcePosition.span(a.pos, b.pos));
        }
        return a;
    }

    private Val parseMul() {
        Val a = parseUnary();
        while (tok.is('*') || tok.is('/') || tok.is('%')) {
            Token op = advance();
            Val b = parseUnary();
            SourcePosition span = SourcePosition.span(a.pos, b.pos);
            long r;
            if (op.is('*')) {
                r = a.v * b.v;
            } else if (b.v == 0) {
                throw semantic(span, "Division by zero");
            } else {
                r = op.is('/') ? Long.divideUnsigned(a.v, b.v) : Long.remainderUnsigned(a.v, b.v);
            }
            a = new Val(r, span);
        }
        return a;
    }

    private Val parseUnary() {
        if (tok.is('-') || tok.is('~') || tok.is('!')) {
            if (++exprDepth > MAX_EXPRESSION_DEPTH) {
                throw semantic(tok.pos(), "expression nested deeper than " + MAX_EXPRESSION_DEPTH + " levels");
            }
            Token op = advance();
            Val v = parseUnary();
            exprDepth--;
            long r = op.is('-') ? -v.v : op.is('~') ? ~v.v : (v.v == 0 ? 1 : 0);
            return new Val(r, SourcePosition.span(op.pos(), v.pos));
        }
        return parsePrim();
    }

    // --- look-ups on the tree being built, as dtc's livetree does them ---

    static LiveNode byRef(LiveNode root, String ref) {
        if (ref.equals("/")) {
            return root;
        }
        if (ref.startsWith("/")) {
            return byPath(root, ref);
        }
        return byLabel(root, ref);
    }

    static LiveNode byPath(LiveNode tree, String path) {
        LiveNode n = tree;
        String rest = path;
        while (true) {
            if (rest.isEmpty()) {
                return n.deleted ? null : n;
            }
            int s = 0;
            while (s < rest.length() && rest.charAt(s) == '/') {
                s++;
            }
            rest = rest.substring(s);
            int slash = rest.indexOf('/');
            LiveNode next = null;
            boolean descend = false;
            for (LiveNode c : n.children) {
                if (c.deleted) {
                    continue;
                }
                if (slash >= 0 && rest.regionMatches(0, c.name, 0, slash) && c.name.length() == slash) {
                    next = c;
                    descend = true;
                    break;
                } else if (slash < 0 && rest.equals(c.name)) {
                    return c;
                }
            }
            if (!descend) {
                return null;
            }
            n = next;
            rest = rest.substring(slash + 1);
        }
    }

    static LiveNode byLabel(LiveNode tree, String label) {
        for (LiveNode.Label l : tree.labels) {
            if (!l.deleted && l.name.equals(label)) {
                return tree;
            }
        }
        for (LiveNode c : tree.children) {
            if (!c.deleted) {
                LiveNode f = byLabel(c, label);
                if (f != null) {
                    return f;
                }
            }
        }
        return null;
    }

    private static int guessBootCpuid(LiveNode root) {
        LiveNode cpus = byPath(root, "/cpus");
        if (cpus == null || cpus.children.isEmpty()) {
            return 0;
        }
        LiveNode.Prop reg = cpus.children.getFirst().property("reg");
        if (reg == null || reg.val.length() != 4) {
            return 0;
        }
        return reg.val.u32(0);
    }
}
