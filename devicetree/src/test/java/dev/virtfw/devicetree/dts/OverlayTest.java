package dev.virtfw.devicetree.dts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.Dtb;
import dev.virtfw.devicetree.DtsPrinter;
import dev.virtfw.devicetree.Overlay;
import dev.virtfw.devicetree.OverlayException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small overlays written for one rule each, compiled by dtc with {@code -@}, applied by fdtoverlay
 * and by {@link Overlay}: the same bytes, or, where fdtoverlay fails, an {@link OverlayException}
 * that names the fragment or label.
 */
class OverlayTest {
    @TempDir
    Path dir;

    private static final String BASE = """
            /dts-v1/;
            / {
            	#address-cells = <1>;
            	#size-cells = <1>;
            	model = "overlay base";
            	aliases {
            		serial0 = "/soc/uart@1000";
            	};
            	clk: clock {
            		#clock-cells = <1>;
            	};
            	soc {
            		#address-cells = <1>;
            		#size-cells = <1>;
            		uart0: uart@1000 {
            			compatible = "test,uart";
            			reg = <0x1000 0x100>;
            			status = "disabled";
            		};
            		bus@2000 {
            			reg = <0x2000 0x100>;
            			dev@0 {
            				reg = <0 1>;
            			};
            		};
            	};
            };
            """;

    private byte[] dtc(String name, String text, String... flags) throws IOException {
        Path src = Files.writeString(dir.resolve(name + ".dts"), text, StandardCharsets.ISO_8859_1);
        List<String> all = new ArrayList<>(List.of("-q"));
        all.addAll(List.of(flags));
        Dtc.Run run = Dtc.compile(dir, dir, src.getFileName(), all.toArray(String[]::new));
        assertThat(run.status()).as("dtc: %s", run.err()).isZero();
        return run.out();
    }

    /** fdtoverlay's output, or null when it refuses. */
    private byte[] fdtoverlay(byte[] base, List<byte[]> overlays) {
        List<String> cmd = new ArrayList<>(List.of("fdtoverlay", "-i", Dtc.write(dir, "base.dtb", base).toString(),
                "-o", dir.resolve("out.dtb").toString()));
        for (int i = 0; i < overlays.size(); i++) {
            cmd.add(Dtc.write(dir, "overlay" + i + ".dtbo", overlays.get(i)).toString());
        }
        Dtc.Run run = Dtc.run(dir, dir, cmd);
        try {
            return run.status() == 0 ? Files.readAllBytes(dir.resolve("out.dtb")) : null;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private byte[] assertLikeFdtoverlay(String base, String baseFlags, String... overlays) throws IOException {
        byte[] b = baseFlags.isEmpty() ? dtc("base", base) : dtc("base", base, baseFlags);
        List<byte[]> o = new ArrayList<>();
        for (int i = 0; i < overlays.length; i++) {
            o.add(dtc("ov" + i, overlays[i], "-@"));
        }
        byte[] expected = fdtoverlay(b, o);
        assertThat(expected).as("fdtoverlay refused it").isNotNull();
        byte[] ours = Overlay.apply(b, o);
        assertThat(DtsPrinter.print(ours)).isEqualTo(DtsPrinter.print(expected));
        assertThat(ours).isEqualTo(expected);
        return ours;
    }

    private OverlayException assertRefused(String base, String overlay, OverlayException.Error error) throws IOException {
        byte[] b = dtc("base", base, "-@");
        byte[] o = dtc("ov", overlay, "-@");
        assertThat(fdtoverlay(b, List.of(o))).as("fdtoverlay accepted it").isNull();
        OverlayException e = org.junit.jupiter.api.Assertions.assertThrows(OverlayException.class,
                () -> Overlay.apply(b, List.of(o)));
        assertThat(e.error()).isEqualTo(error);
        assertThat(e.overlayIndex()).isZero();
        assertThat(e.getMessage()).doesNotContain("\n");
        return e;
    }

    @Nested
    class Targets {
        @Test
        void aLabelTargetMergesIntoTheLabelledNode() throws IOException {
            assertLikeFdtoverlay(BASE, "-@", """
                    /dts-v1/;
                    /plugin/;
                    &uart0 {
                    	status = "okay";
                    	new-one = "a";
                    	new-two = <1 2 3>;
                    	odd = [01 02 03 04 05];
                    };
                    """);
        }

        @Test
        void aTargetPathMergesIntoThatNode() throws IOException {
            assertLikeFdtoverlay(BASE, "", """
                    /dts-v1/;
                    /plugin/;
                    &{/soc/bus@2000} {
                    	added = "by path";
                    	dev@0 { extra; };
                    };
                    """);
        }

        @Test
        void aTargetPathMayStartWithAnAlias() throws IOException {
            assertLikeFdtoverlay(BASE, "", """
                    /dts-v1/;
                    /plugin/;
                    / {
                    	fragment@0 {
                    		target-path = "serial0";
                    		__overlay__ { current-speed = <115200>; };
                    	};
                    };
                    """);
        }

        @Test
        void aNameWithoutUnitAddressMatchesTheFirstNodeWithOne() throws IOException {
            assertLikeFdtoverlay(BASE, "", """
                    /dts-v1/;
                    /plugin/;
                    &{/soc} {
                    	bus { matched = "bus@2000"; };
                    };
                    """);
        }
    }

    @Nested
    class Fixups {
        @Test
        void externalReferencesTakeTheBasePhandles() throws IOException {
            assertLikeFdtoverlay(BASE, "-@", """
                    /dts-v1/;
                    /plugin/;
                    &{/soc} {
                    	dev@3000 {
                    		clocks = <&clk 1 &clk 2>;
                    		serial = <&uart0>;
                    	};
                    };
                    """);
        }

        @Test
        void localReferencesAreRaisedByTheBaseLargestPhandle() throws IOException {
            assertLikeFdtoverlay(BASE, "-@", """
                    /dts-v1/;
                    /plugin/;
                    &{/} {
                    	a: first { link = <&b>; };
                    	b: second { link = <&a &b>; clocks = <&clk 7>; };
                    };
                    """);
        }
    }

    @Nested
    class Symbols {
        @Test
        void overlayLabelsEnterTheBaseSymbolsWithTargetPaths() throws IOException {
            assertLikeFdtoverlay(BASE, "-@", """
                    /dts-v1/;
                    /plugin/;
                    &uart0 { console: console { }; };
                    &{/soc} { newdev: dev@5000 { reg = <0x5000 4>; }; };
                    &{/} { top: top-node { }; };
                    """);
        }

        @Test
        void aBaseWithoutSymbolsGetsTheNodeCreated() throws IOException {
            byte[] out = assertLikeFdtoverlay(BASE, "", """
                    /dts-v1/;
                    /plugin/;
                    &{/soc/uart@1000} { port: port { }; };
                    """);
            assertThat(Dtb.parse(out).find("/__symbols__").orElseThrow().property("port").orElseThrow().asString())
                    .isEqualTo("/soc/uart@1000/port");
        }
    }

    @Nested
    class Merging {
        @Test
        void nestedNodesMergeDepthFirstAndNewOnesGoFirst() throws IOException {
            assertLikeFdtoverlay(BASE, "-@", """
                    /dts-v1/;
                    /plugin/;
                    &{/soc} {
                    	bus@2000 {
                    		reg = <0x2000 0x200 0x3000 0x10>;
                    		dev@0 { a = "1"; b = "22"; c = "333"; };
                    		dev@1 { x { y { z { deep = <1>; }; }; }; };
                    		dev@2 { };
                    	};
                    	other { p; };
                    };
                    """);
        }

        @Test
        void overlaysApplyInOrderAndLaterOnesSeeEarlierLabels() throws IOException {
            assertLikeFdtoverlay(BASE, "-@", """
                    /dts-v1/;
                    /plugin/;
                    &{/soc} { extra: extra@9000 { reg = <0x9000 4>; }; };
                    """, """
                    /dts-v1/;
                    /plugin/;
                    &extra { status = "okay"; peer = <&uart0>; };
                    """);
        }

        @Test
        void theModelCallGivesTheTreeOfTheBlob() throws IOException {
            byte[] base = dtc("base", BASE, "-@");
            byte[] overlay = dtc("ov", "/dts-v1/;\n/plugin/;\n&uart0 { status = \"okay\"; child { }; };\n", "-@");
            DeviceTree tree = Overlay.apply(Dtb.parse(base), Dtb.parse(overlay));
            assertThat(DtsPrinter.print(Dtb.write(tree))).isEqualTo(DtsPrinter.print(Overlay.apply(base, List.of(overlay))));
        }
    }

    @Nested
    class Failures {
        @Test
        void aLabelMissingFromTheBaseIsNamed() throws IOException {
            OverlayException e = assertRefused(BASE, "/dts-v1/;\n/plugin/;\n&nosuch { status = \"okay\"; };\n",
                    OverlayException.Error.LABEL_NOT_FOUND);
            assertThat(e.getMessage()).contains("\"nosuch\"");
        }

        @Test
        void aTargetPathMissingFromTheBaseIsNamed() throws IOException {
            OverlayException e = assertRefused(BASE, "/dts-v1/;\n/plugin/;\n&{/no/such} { a; };\n",
                    OverlayException.Error.TARGET_NOT_FOUND);
            assertThat(e.getMessage()).contains("fragment /fragment@0").contains("/no/such");
        }

        @Test
        void aFragmentWithoutTargetIsNamed() throws IOException {
            OverlayException e = assertRefused(BASE,
                    "/dts-v1/;\n/plugin/;\n/ { fragment@7 { __overlay__ { a; }; }; };\n",
                    OverlayException.Error.NO_TARGET);
            assertThat(e.getMessage()).contains("fragment /fragment@7");
        }

        @Test
        void aBaseWithoutSymbolsCannotResolveLabels() throws IOException {
            byte[] base = dtc("base", BASE);
            byte[] overlay = dtc("ov", "/dts-v1/;\n/plugin/;\n&uart0 { a; };\n", "-@");
            assertThat(fdtoverlay(base, List.of(overlay))).isNull();
            assertThatThrownBy(() -> Overlay.apply(base, List.of(overlay))).isInstanceOf(OverlayException.class)
                    .hasMessageContaining("no __symbols__");
        }

        @Test
        void aTargetPhandleMissingFromTheBaseIsNamed() throws IOException {
            assertRefused(BASE, "/dts-v1/;\n/plugin/;\n/ { fragment@0 { target = <0x77>; __overlay__ { a; }; }; };\n",
                    OverlayException.Error.TARGET_NOT_FOUND);
        }
    }
}
