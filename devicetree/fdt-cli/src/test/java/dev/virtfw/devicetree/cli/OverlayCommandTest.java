package dev.virtfw.devicetree.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fdt overlay}: fdtoverlay's bytes for good overlays, one line naming file and label for bad ones. */
class OverlayCommandTest {
    @TempDir
    Path dir;

    private Path base;

    private Path dtc(String name, String source) throws IOException {
        Path src = Files.writeString(dir.resolve(name + ".dts"), source);
        Path out = dir.resolve(name + ".dtb");
        ExternalTools.Outcome run = ExternalTools.run(List.of("dtc", "-q", "-@", "-I", "dts", "-O", "dtb", "-o",
                out.toString(), src.toString()));
        assertThat(run.status()).as(run.stderr()).isZero();
        return out;
    }

    @BeforeEach
    void compileBase() throws IOException {
        base = dtc("base", """
                /dts-v1/;
                / {
                	uart0: uart@1000 { status = "disabled"; };
                	clk: clock { #clock-cells = <0>; };
                };
                """);
    }

    @Test
    void writesWhatFdtoverlayWrites() throws IOException {
        Path first = dtc("first", "/dts-v1/;\n/plugin/;\n&uart0 { status = \"okay\"; clocks = <&clk>; port: port { }; };\n");
        Path second = dtc("second", "/dts-v1/;\n/plugin/;\n&port { remote = <&uart0>; };\n");
        Path ours = dir.resolve("ours.dtb");
        Path theirs = dir.resolve("theirs.dtb");
        FdtRun run = FdtRun.of("overlay", base.toString(), first.toString(), second.toString(), "-o", ours.toString());
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        ExternalTools.Outcome ref = ExternalTools.run(List.of("fdtoverlay", "-i", base.toString(), "-o", theirs.toString(),
                first.toString(), second.toString()));
        assertThat(ref.status()).as(ref.stderr()).isZero();
        assertThat(Files.readAllBytes(ours)).isEqualTo(Files.readAllBytes(theirs));
    }

    @Test
    void aMissingLabelIsOneLineNamingTheOverlayFileAndTheLabel() throws IOException {
        Path bad = dtc("bad", "/dts-v1/;\n/plugin/;\n&nosuch { status = \"okay\"; };\n");
        FdtRun run = FdtRun.of("overlay", base.toString(), bad.toString(), "-o", dir.resolve("o.dtb").toString());
        assertThat(run.status()).isEqualTo(ExitCode.INVALID_INPUT.status());
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("error: " + bad + ": cannot apply: ").contains("\"nosuch\"");
        assertThat(dir.resolve("o.dtb")).doesNotExist();
    }

    @Test
    void aMalformedOverlayIsNamedByItsFile() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.dtbo"), "not a blob");
        FdtRun run = FdtRun.of("overlay", base.toString(), junk.toString(), "-o", dir.resolve("o.dtb").toString());
        assertThat(run.status()).isEqualTo(ExitCode.INVALID_INPUT.status());
        assertThat(run.errLines()).singleElement().asString().startsWith("error: " + junk + ": bad magic");
    }

    @Test
    void needsAnOutputAndAtLeastOneOverlay() {
        assertThat(FdtRun.of("overlay", base.toString(), base.toString()).errLines()).singleElement().asString()
                .contains("--output");
        assertThat(FdtRun.of("overlay", base.toString(), "-o", "x").errLines()).singleElement().asString()
                .contains("Missing required parameter: 'OVERLAY.dtbo...'");
    }
}
