package dev.virtfw.devicetree;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged overlays and bases, deterministically mutated (as {@link DtbMutationTest} mutates
 * blobs): applying them either works or fails with {@link DtbFormatException} or
 * {@link OverlayException}, nothing else; and where it works, the first mutants that work are
 * compared with fdtoverlay, byte for byte (fdtoverlay is only run where we succeed: on some
 * refusals, a fixup past its property, it retries forever).
 */
class OverlayMutationTest {
    static final int INPUTS = 3000;
    static final int COMPARED = 100;

    @TempDir
    Path dir;

    private byte[] dtc(String name, String text, String... flags) throws IOException {
        return Tools.dtcCompile(Files.writeString(dir.resolve(name), text), flags);
    }

    @Test
    void damagedBlobsApplyOrFailWithTheLibrarysExceptions() throws IOException {
        byte[] base = dtc("base.dts", """
                /dts-v1/;
                / { #address-cells = <1>; #size-cells = <1>; aliases { serial0 = &u; };
                	clk: clock { #clock-cells = <1>; phandle = <0x20>; };
                	u: uart@1000 { reg = <0x1000 0x10>; clocks = <&clk 1>; status = "disabled"; }; };
                """, "-@");
        byte[] overlay = dtc("overlay.dts", """
                /dts-v1/;
                /plugin/;
                &u { status = "okay"; n: child { link = <&n &clk 2>; text = "abc"; }; };
                &{/} { top: top { ref = <&top>; }; };
                / { fragment@9 { target-path = "serial0"; __overlay__ { speed = <115200>; }; }; };
                """, "-@");
        assertThat(Overlay.apply(base, List.of(overlay))).isNotEmpty();
        Random rnd = new Random(0x0e1a);
        int applied = 0;
        int compared = 0;
        for (int i = 0; i < INPUTS; i++) {
            boolean damageBase = i % 4 == 0;
            byte[] b = damageBase ? DtbMutationTest.mutate(base, rnd) : base;
            byte[] o = damageBase ? overlay : DtbMutationTest.mutate(overlay, rnd);
            byte[] out;
            try {
                out = Overlay.apply(b, List.of(o));
            } catch (DtbFormatException | OverlayException refused) {
                continue;
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                throw new AssertionError("input " + i + ": " + e, e);
            }
            applied++;
            assertThat(Dtb.parse(out)).isNotNull();
            if (compared < COMPARED) {
                compared++;
                Path bf = Files.write(dir.resolve("b.dtb"), b);
                Path of = Files.write(dir.resolve("o.dtbo"), o);
                Path result = dir.resolve("r.dtb");
                Files.deleteIfExists(result);
                Tools.Result r = Tools.run(List.of("fdtoverlay", "-i", bf.toString(), "-o", result.toString(),
                        of.toString()), null);
                assertThat(r.exitCode()).as("input %d: fdtoverlay: %s", i, r.stderr()).isZero();
                assertThat(out).as("input %d", i).isEqualTo(Files.readAllBytes(result));
            }
        }
        System.out.printf("overlay mutations: %d inputs, %d applied (%d compared with fdtoverlay: identical), %d refused%n",
                INPUTS, applied, compared, INPUTS - applied);
        assertThat(applied).isBetween(COMPARED, INPUTS - 1);
    }
}
