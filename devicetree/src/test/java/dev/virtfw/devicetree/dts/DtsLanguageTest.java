package dev.virtfw.devicetree.dts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each construct of the DTS language, compiled by dtc and by us: the same blob (plain and with
 * {@code -@}), the same {@code -O dts} text, or, for source dtc refuses, the same first error line.
 */
class DtsLanguageTest {
    @TempDir
    Path dir;

    private Path source(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.ISO_8859_1);
    }

    /** Compiles with dtc and with us (blob, blob with -@, DTS text) and requires the same output. */
    private void assertLikeDtc(String text) throws IOException {
        Path src = source("t.dts", text);
        for (boolean symbols : List.of(false, true)) {
            Dtc.Run dtc = symbols ? Dtc.compile(dir, dir, src.getFileName(), "-q", "-@")
                    : Dtc.compile(dir, dir, src.getFileName(), "-q");
            assertThat(dtc.status()).as("dtc: %s", dtc.err()).isZero();
            byte[] ours = DtsCompiler.compile(src.getFileName(), DtsOptions.defaults().withWorkingDir(dir).withSymbols(symbols))
                    .toDtb();
            assertThat(ours).as("blob%s", symbols ? " with -@" : "").isEqualTo(dtc.out());
        }
        Dtc.Run text2 = Dtc.run(dir, dir, List.of("dtc", "-q", "-I", "dts", "-O", "dts", src.getFileName().toString()));
        assertThat(DtsCompiler.compile(src.getFileName(), DtsOptions.defaults().withWorkingDir(dir)).toDts())
                .isEqualTo(text2.text());
    }

    /** dtc refuses the source; we refuse it with dtc's first error line. */
    private void assertRefusedLikeDtc(String text) throws IOException {
        Path src = source("bad.dts", text);
        Dtc.Run dtc = Dtc.compile(dir, dir, src.getFileName());
        assertThat(dtc.status()).as("dtc accepted it").isNotZero();
        assertThatThrownBy(() -> DtsCompiler.compile(src.getFileName(), DtsOptions.defaults().withWorkingDir(dir)))
                .isInstanceOf(DtsException.class).hasMessage(dtc.firstError());
    }

    @Nested
    class Values {
        @Test
        void mixedValuesLabelsAndBits() throws IOException {
            assertLikeDtc("""
                    /dts-v1/;
                    /memreserve/ 0x1000 0x2000;
                    r: /memreserve/ 0x40000000 0x100000;
                    / {
                        a = "one", "two\\t\\x41\\101\\"", <1 2>, [00 0a ff], /bits/ 16 <0xffff 3>, /bits/ 64 <1 0xffffffffffffffff>;
                        b = /bits/ 8 <'a' 'b' 0xff>, l1: <l2: 1 l3: 2 l4:>, l5: "s" l6:;
                        c = <(1 + 2 * 3) ((1 << 40) >> 38) (-1) (~0) (!0) (7 / 2) (7 % 3) (1 ? 2 : 3) (1 < 2) (2 >= 3) (1 == 1) (5 & 3 | 8 ^ 1) (0 || 2) (1 && 0)>;
                        d = <0x10 010 10 10U 10UL 10ULL 10L 10LL>;
                        e;
                        f = [];
                        g = "";
                        h = "\\xe9t\\xe9";
                    };
                    """);
        }

        @ParameterizedTest
        @ValueSource(strings = {"<1 2 3>", "\"x\"", "[01 02 03]", "\"a\\0b\"", "[01 02 03 04]", "\"a\", [00]",
            "<0xffffffff>", "/bits/ 16 <1>, \"z\""})
        void valuesPrintAsDtcPrintsThem(String value) throws IOException {
            assertLikeDtc("/dts-v1/;\n/ { p = " + value + "; };\n");
        }
    }

    @Nested
    class References {
        @Test
        void phandlesPathsMergingDeletionAndOmission() throws IOException {
            assertLikeDtc("""
                    /dts-v1/;
                    / {
                        #address-cells = <1>;
                        refs = <&used &{/uart@2000} &explicit>, &uart0;
                        intc: intc@1000 { reg = <0x1000>; interrupt-controller; };
                        uart0: uart@2000 { reg = <0x2000>; interrupt-parent = <&intc>; };
                        explicit: e { phandle = <5>; };
                        self: s { phandle = <&self>; };
                        /omit-if-no-ref/ unused: unused {};
                        /omit-if-no-ref/ used: used {};
                        gone: gone { x = <1>; };
                        aliases { serial0 = &uart0; path = &{/intc@1000}; };
                    };
                    &uart0 { status = "okay"; extra: extra {}; };
                    lbl2: &intc { #interrupt-cells = <2>; };
                    / { gone { /delete-property/ x; y = <2>; }; };
                    /delete-node/ &gone;
                    &{/aliases} { /delete-property/ path; };
                    """);
        }

        @Test
        void pluginFragmentsFixupsAndLocalFixups() throws IOException {
            assertLikeDtc("""
                    /dts-v1/;
                    /plugin/;
                    &outside { x = <&outside2 1>; mine: n { y = <&mine>; }; };
                    &{/soc/uart} { status = "okay"; };
                    / { fragment@9 { target = <&other>; __overlay__ { z; }; }; };
                    """);
        }

        @Test
        void includesAndIncbin() throws IOException {
            Files.createDirectories(dir.resolve("inc"));
            source("inc/common.dtsi", "/ { common = <1>; };\n");
            Files.write(dir.resolve("inc/blob.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
            assertLikeDtc("""
                    /dts-v1/;
                    /include/ "inc/common.dtsi"
                    / { all = /incbin/("inc/blob.bin"); part = /incbin/("inc/blob.bin", 2, 3); last = /incbin/("inc/blob.bin", 8, 1); };
                    """);
            // a range that runs past the end gives what the file holds, as dtc reads it
            assertLikeDtc("""
                    /dts-v1/;
                    / { over = /incbin/("inc/blob.bin", 8, 100); after = /incbin/("inc/blob.bin", 10, 5); zero = /incbin/("inc/blob.bin", 10, 0); };
                    """);
        }
    }

    @Nested
    class Refusals {
        @ParameterizedTest
        @ValueSource(strings = {
            "/dts-v1/;\n/ { a = <1 2; };\n",
            "/dts-v1/;\n/ { a = \"unterminated; };\n",
            "/dts-v1/;\n/ { a = <&missing>; };\n",
            "/dts-v1/;\n/ { a = &missing; };\n",
            "/dts-v1/;\n/ { a = <(1 / 0)>; };\n",
            "/dts-v1/;\n/ { a = /bits/ 8 <&x>; x: n {}; };\n",
            "/dts-v1/;\n/ { a = /bits/ 8 <256>; };\n",
            "/dts-v1/;\n/ { a = /bits/ 7 <1>; };\n",
            "/dts-v1/;\n&nolabel { };\n",
            "/dts-v1/;\n/ { n {}; a = <1>; };\n",
            "/dts-v1/;\n/ { a = <1>; a = <2>; };\n",
            "/dts-v1/;\n/ { n {}; n {}; };\n",
            "/dts-v1/;\n/ { a = <08>; };\n",
            "/dts-v1/;\n/ { a = <''>; };\n",
            "/dts-v1/;\n/ { x: a {}; x: b {}; };\n",
            "/dts-v1/;\n/ { a { phandle = <0>; }; };\n",
            "/ { };\n",
            "/dts-v1/;\n/ { };\n/delete-node/ &nowhere;\n",
            "/dts-v1/;\n/ { a = /incbin/(\"blob.\0\0bin\"); };\n",
            "/dts-v1/;\n/include/ \"com\0mon.dtsi\"\n/ { };\n",
        })
        void refusedWithDtcsFirstErrorLine(String text) throws IOException {
            assertRefusedLikeDtc(text);
        }
    }

    /** Where we part from dtc on purpose: hostile sizes and depths end in one clean error. */
    @Nested
    class Limits {
        @Test
        void anIncbinLengthAboveTheBoundIsRefusedBeforeAnythingIsRead() throws IOException {
            Files.write(dir.resolve("blob.bin"), new byte[9]);
            Path src = source("incbin.dts", "/dts-v1/;\n/ { a = /incbin/(\"blob.bin\", 0, 0xffffffffffff); };\n");
            assertThatThrownBy(() -> DtsCompiler.compile(src.getFileName(), DtsOptions.defaults().withWorkingDir(dir)))
                    .isInstanceOf(DtsException.class).hasMessageContaining("is larger than");
        }

        @Test
        void nestingUpToTheBoundCompilesOnAnyCallerStackAndBeyondItIsAnError() throws Exception {
            int n = DtsParser.MAX_NESTING - 1;
            String parens = "/dts-v1/;\n/ { p = <" + "(".repeat(n) + "1" + ")".repeat(n) + ">; };\n";
            String nodes = "/dts-v1/;\n/ {" + "n {".repeat(n) + "};".repeat(n) + "};\n";
            for (String text : List.of(parens, nodes)) {
                // a thread with a small stack, as a caller might have
                Throwable[] failure = {null};
                byte[][] blob = {null};
                Thread t = new Thread(null, () -> {
                    try {
                        blob[0] = DtsCompiler.compile("deep.dts", text, DtsOptions.defaults()).toDtb();
                    } catch (Throwable e) {
                        failure[0] = e;
                    }
                }, "small-stack", 256 * 1024);
                t.start();
                t.join();
                assertThat(failure[0]).isNull();
                Path src = source("deep.dts", text);
                assertThat(blob[0]).isEqualTo(Dtc.compile(dir, dir, src.getFileName(), "-q").out());
            }
            String deeper = "/dts-v1/;\n/ { p = <" + "(".repeat(n + 2) + "1" + ")".repeat(n + 2) + ">; };\n";
            assertThatThrownBy(() -> DtsCompiler.compile("deeper.dts", deeper, DtsOptions.defaults()))
                    .isInstanceOf(DtsException.class).hasMessageContaining("nested deeper than");
        }
    }
}
