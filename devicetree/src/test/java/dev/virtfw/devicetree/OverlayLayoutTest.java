package dev.virtfw.devicetree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overlays on blobs laid out otherwise than dtc's default: libfdt opens a base as it stands (gaps,
 * padding, extra reservation room, NOP tokens, version 16) or repacks it when its blocks are out
 * of order, and reads overlays from version 2 on. The result must still be fdtoverlay's bytes.
 */
class OverlayLayoutTest {
    @TempDir
    Path dir;

    private static final String BASE = """
            /dts-v1/;
            /memreserve/ 0x40000000 0x1000;
            / {
            	#address-cells = <1>;
            	#size-cells = <1>;
            	u: uart@1000 { reg = <0x1000 0x10>; status = "disabled"; };
            	other { };
            };
            """;

    /** Uses a label, so the base needs __symbols__ and the overlay __fixups__. */
    private static final String LABEL_OVERLAY = """
            /dts-v1/;
            /plugin/;
            &u { status = "okay"; wide = /bits/ 64 <1 2>; child { link = <&u>; name-ish = "abc"; }; };
            """;

    /** Uses a path only, so it compiles in the old formats too. */
    private static final String PATH_OVERLAY = """
            /dts-v1/;
            / { fragment@0 { target-path = "/uart@1000"; __overlay__ { status = "okay"; wide = /bits/ 64 <1 2>;
            	child { x = <1>; }; }; }; };
            """;

    private byte[] dtc(String text, String... flags) throws IOException {
        Path src = Files.writeString(dir.resolve("src.dts"), text, StandardCharsets.ISO_8859_1);
        List<String> all = new ArrayList<>(List.of(flags));
        all.add("-b");
        all.add("3");
        return Tools.dtcCompile(src, all.toArray(String[]::new));
    }

    /** fdtoverlay's output, or null when it fails. */
    private byte[] fdtoverlay(byte[] base, byte[] overlay) throws IOException {
        Path b = Files.write(dir.resolve("base.dtb"), base);
        Path o = Files.write(dir.resolve("overlay.dtbo"), overlay);
        Path out = dir.resolve("out.dtb");
        Files.deleteIfExists(out);
        Tools.Result r = Tools.run(List.of("fdtoverlay", "-i", b.toString(), "-o", out.toString(), o.toString()), null);
        return r.exitCode() == 0 ? Files.readAllBytes(out) : null;
    }

    private void assertLikeFdtoverlay(byte[] base, byte[] overlay) throws IOException {
        byte[] expected = fdtoverlay(base, overlay);
        assertThat(expected).as("fdtoverlay failed").isNotNull();
        assertThat(Overlay.apply(base, List.of(overlay))).isEqualTo(expected);
    }

    @Test
    void aBaseWithPaddingAndRoomForReservations() throws IOException {
        assertLikeFdtoverlay(dtc(BASE, "-@", "-p", "100", "-R", "3"), dtc(LABEL_OVERLAY, "-@"));
        assertLikeFdtoverlay(dtc(BASE, "-@", "-S", "4096", "-a", "64"), dtc(LABEL_OVERLAY, "-@"));
    }

    @Test
    void aVersion16Base() throws IOException {
        assertLikeFdtoverlay(dtc(BASE, "-@", "-V", "16"), dtc(LABEL_OVERLAY, "-@"));
    }

    @Test
    void aBaseWithItsBlocksOutOfOrderIsRepacked() throws IOException {
        byte[] moved = DtbReaderLayoutTest.reordered(dtc(BASE, "-@"));
        byte[] out = Overlay.apply(moved, List.of(dtc(LABEL_OVERLAY, "-@")));
        assertThat(out).isEqualTo(fdtoverlay(moved, dtc(LABEL_OVERLAY, "-@")));
        assertThat(RawBlob.get32(out, FdtSpec.HDR_LAST_COMP_VERSION)).isEqualTo(16);
    }

    @Test
    void nopTokensInTheBaseStayWhereTheyAre() throws IOException {
        byte[] base = new RawBlob().begin("").word(FdtSpec.FDT_NOP).prop("#address-cells", new byte[] {0, 0, 0, 1})
                .word(FdtSpec.FDT_NOP).begin("uart@1000").prop("status", "disabled\0".getBytes(StandardCharsets.ISO_8859_1))
                .word(FdtSpec.FDT_NOP).end().word(FdtSpec.FDT_NOP).end().finish().bytes();
        assertLikeFdtoverlay(base, dtc(PATH_OVERLAY));
    }

    @Test
    void overlaysOfVersions2And3AreReadLikeCurrentOnes() throws IOException {
        byte[] base = dtc(BASE, "-@");
        for (String version : List.of("2", "3", "16", "17")) {
            assertLikeFdtoverlay(base, dtc(PATH_OVERLAY, "-V", version));
        }
    }

    @Test
    void aVersion1OverlayIsRefusedAsLibfdtRefusesIt() throws IOException {
        byte[] base = dtc(BASE, "-@");
        byte[] overlay = dtc(PATH_OVERLAY, "-V", "1");
        assertThat(fdtoverlay(base, overlay)).isNull();
        assertThatThrownBy(() -> Overlay.apply(base, List.of(overlay))).isInstanceOfSatisfying(OverlayException.class,
                e -> assertThat(e.error()).isEqualTo(OverlayException.Error.BAD_VERSION));
    }

    @Test
    void anOldVersionBaseIsRefusedAsLibfdtRefusesIt() throws IOException {
        byte[] base = dtc(BASE, "-V", "3");
        byte[] overlay = dtc(PATH_OVERLAY);
        assertThat(fdtoverlay(base, overlay)).isNull();
        assertThatThrownBy(() -> Overlay.apply(base, List.of(overlay))).isInstanceOfSatisfying(OverlayException.class,
                e -> assertThat(e.overlayIndex()).isEqualTo(-1));
    }
}
