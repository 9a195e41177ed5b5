package dev.virtfw.devicetree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.devicetree.DtsPrinter.ValueKind;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DtsPrinterTest {

    private static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    @Test
    void guessKindFollowsDtcRules() {
        assertThat(DtsPrinter.guessKind(new byte[0])).isEqualTo(ValueKind.EMPTY);
        assertThat(DtsPrinter.guessKind(b('a', 0))).isEqualTo(ValueKind.STRING);
        assertThat(DtsPrinter.guessKind(b('a', 0, 'b', 0))).isEqualTo(ValueKind.STRING); // NULs == others
        assertThat(DtsPrinter.guessKind(b('a', 0, 0, 0))).isEqualTo(ValueKind.CELLS); // too many NULs
        assertThat(DtsPrinter.guessKind(b(0))).isEqualTo(ValueKind.BYTES);
        assertThat(DtsPrinter.guessKind(b('a', 'b', 'c', 'd'))).isEqualTo(ValueKind.CELLS); // no final NUL
        assertThat(DtsPrinter.guessKind(b('a', 1, 0))).isEqualTo(ValueKind.BYTES); // non-printable
        assertThat(DtsPrinter.guessKind(b('a', '\t', 0))).isEqualTo(ValueKind.STRING); // C escape
        assertThat(DtsPrinter.guessKind(b(0x80, 'a', 'b', 0))).isEqualTo(ValueKind.CELLS);
    }

    @Test
    void printsTheShapesDtcPrints() {
        Node root = Node.root();
        root.putEmpty("e").putString("s", "a\"b\\c", "d").putU32("c", 0, 0xf, 0x10, -1)
                .putBytes("b", b(1, 0xab, 3));
        root.addChild("n@1").putEmpty("x");
        DeviceTree t = new DeviceTree(root);
        t.addReservation(0x10, 0x20);
        assertThat(DtsPrinter.print(t)).isEqualTo("""
                /dts-v1/;

                /memreserve/\t0x0000000000000010 0x0000000000000020;
                / {
                \te;
                \ts = "a\\"b\\\\c\\0d";
                \tc = <0x00 0x0f 0x10 0xffffffff>;
                \tb = [01 ab 03];

                \tn@1 {
                \t\tx;
                \t};
                };
                """);
    }

    /** Random values of every shape dtc distinguishes, printed by dtc and by us. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomValuesPrintLikeDtc(long seed) {
        Random rnd = new Random(seed);
        Node root = Node.root();
        Node node = root;
        for (int i = 0; i < 120; i++) {
            if (rnd.nextInt(20) == 0) {
                node = (rnd.nextBoolean() ? root : node).addChild("n" + i + (rnd.nextBoolean() ? "@" + i : ""));
            }
            node.putBytes("p" + i, randomValue(rnd));
        }
        byte[] blob = Dtb.write(new DeviceTree(root));
        assertThat(DtsPrinter.print(blob)).isEqualTo(Tools.dtcToDts(blob));
    }

    /** Names outside the spec's character sets, including bytes above 0x7f, print as dtc prints them. */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void oddNamesPrintLikeDtc(long seed) {
        Random rnd = new Random(seed);
        Node root = Node.root();
        String chars = "abcXYZ019,._+-@#?*!$%&()[]{}<>|~'\"\\=;: \u00e9\u00ff\u0080\u007f\t";
        for (int i = 0; i < 40; i++) {
            StringBuilder name = new StringBuilder();
            for (int k = 1 + rnd.nextInt(12); k > 0; k--) {
                name.append(chars.charAt(rnd.nextInt(chars.length())));
            }
            String n = name.toString();
            if (rnd.nextBoolean()) {
                root.putU32(n, i);
            } else if (root.child(n).isEmpty() && !root.hasChild(n)) {
                root.addChild(n).putString("p" + i, n);
            }
        }
        byte[] blob = Dtb.write(new DeviceTree(root));
        assertThat(DtsPrinter.print(blob)).isEqualTo(Tools.dtcToDtsForced(blob));
        Tools.Result raw = Tools.run(java.util.List.of("dtc", "-q", "-f", "-I", "dtb", "-O", "dts", "-"), blob);
        assertThat(DtsPrinter.printBytes(blob)).isEqualTo(raw.stdout());
    }

    static byte[] randomValue(Random rnd) {
        int len = rnd.nextInt(4) == 0 ? rnd.nextInt(40) : rnd.nextInt(10);
        byte[] v = new byte[len];
        String alphabet = "abcXYZ09 \"\\\t\n\r\u0007\u0008\u000b\u000c?#,.";
        int style = rnd.nextInt(4);
        for (int i = 0; i < len; i++) {
            v[i] = switch (style) {
                case 0 -> (byte) rnd.nextInt(256); // anything
                case 1 -> rnd.nextInt(5) == 0 ? 0 : (byte) alphabet.charAt(rnd.nextInt(alphabet.length()));
                case 2 -> rnd.nextInt(2) == 0 ? 0 : (byte) ('a' + rnd.nextInt(26)); // many NULs
                default -> rnd.nextInt(30) == 0 ? (byte) (0x7f + rnd.nextInt(3)) : (byte) (0x20 + rnd.nextInt(95));
            };
        }
        if (len > 0 && rnd.nextInt(3) > 0) {
            v[len - 1] = 0; // most strings-like values end in NUL
        }
        return v;
    }
}
