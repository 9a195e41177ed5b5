package dev.virtfw.devicetree.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A differential check against dtc on damaged real blobs: QEMU's virt tree with bytes flipped,
 * words overwritten with hostile values, or cut short, from a fixed seed. For each one
 * {@code fdt dts} either prints exactly what dtc prints, or refuses with exit 2 and one line;
 * it never fails any other way.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MutatedBlobTest {
    static final int MUTANTS = 400;
    static final long SEED = 0x5eed_fd7L;
    static final int[] HOSTILE_WORDS = {0, 1, 2, 3, 4, 9, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 0xffff_fffc, 0x10000};

    @TempDir
    Path dir;

    @Test
    void everyMutantIsPrintedLikeDtcOrRefusedInOneLine() throws IOException {
        Path virt = dir.resolve("virt.dtb");
        ExternalTools.Outcome qemu = ExternalTools.run(List.of("qemu-system-aarch64", "-M", "virt,dumpdtb=" + virt,
                "-cpu", "cortex-a57", "-nic", "none", "-display", "none"));
        assertThat(qemu.status()).as(qemu.stderr()).isZero();
        byte[] original = Files.readAllBytes(virt);
        // QEMU pads its blob to 1 MiB; work on the part totalsize covers plus a little.
        int used = Math.min(original.length, BlobBuilder.headerField(original, BlobBuilder.HDR_TOTALSIZE));
        byte[] base = Arrays.copyOf(original, used);

        SplittableRandom random = new SplittableRandom(SEED);
        int printedLikeDtc = 0;
        int refused = 0;
        int refusedWhereDtcPrints = 0;
        int acceptedWhereDtcRefuses = 0;
        Path mutantFile = dir.resolve("mutant.dtb");
        for (int i = 0; i < MUTANTS; i++) {
            byte[] mutant = mutate(base, random);
            Files.write(mutantFile, mutant);
            FdtRun run = FdtRun.of("dts", mutantFile.toString());
            ExternalTools.Outcome dtc = ExternalTools.run(List.of("dtc", "-I", "dtb", "-O", "dts", mutantFile.toString()));
            String what = "mutant " + i + " (seed " + SEED + ")";
            if (run.status() == ExitCode.OK.status()) {
                assertThat(run.err()).as(what).isEmpty();
                if (dtc.status() == 0) {
                    assertThat(run.out()).as(what).isEqualTo(new String(dtc.stdout(), StandardCharsets.ISO_8859_1));
                    printedLikeDtc++;
                } else {
                    acceptedWhereDtcRefuses++;
                }
            } else {
                assertThat(run.status()).as("%s: %s", what, run.err()).isEqualTo(ExitCode.INVALID_INPUT.status());
                assertThat(run.out()).as(what).isEmpty();
                assertThat(run.errLines()).as(what).singleElement().asString()
                        .startsWith("error: " + mutantFile + ": ").contains(" at offset 0x");
                refused++;
                if (dtc.status() == 0) {
                    // Only where the header contradicts itself: fdt refuses such a blob on purpose where dtc lets it pass.
                    assertThat(run.errLines().getFirst()).as("%s refused though dtc prints it", what)
                            .containsAnyOf(": unsupported version at ", ": bad block layout at ",
                                    ": structure block overrun at ");
                    refusedWhereDtcPrints++;
                }
            }
        }
        System.out.printf("mutated blobs: %d; printed like dtc: %d; refused: %d (dtc printed %d of those);"
                + " accepted where dtc refused: %d%n", MUTANTS, printedLikeDtc, refused, refusedWhereDtcPrints,
                acceptedWhereDtcRefuses);
        assertThat(printedLikeDtc + refused + acceptedWhereDtcRefuses).isEqualTo(MUTANTS);
        assertThat(printedLikeDtc).as("some mutants stay printable (values changed)").isPositive();
        assertThat(refused).as("some mutants break the structure").isPositive();
    }

    static byte[] mutate(byte[] base, SplittableRandom random) {
        byte[] b = base.clone();
        switch (random.nextInt(4)) {
            case 0 -> { // flip a few bits anywhere
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> { // overwrite an aligned word with a hostile value
                int at = random.nextInt(b.length / 4) * 4;
                java.lang.foreign.MemorySegment.ofArray(b)
                        .set(BlobBuilder.BE_U32, at, HOSTILE_WORDS[random.nextInt(HOSTILE_WORDS.length)]);
            }
            case 2 -> { // overwrite a header field with a hostile value
                int field = random.nextInt(BlobBuilder.HEADER_SIZE / 4) * 4;
                java.lang.foreign.MemorySegment.ofArray(b)
                        .set(BlobBuilder.BE_U32, field, HOSTILE_WORDS[random.nextInt(HOSTILE_WORDS.length)]);
            }
            default -> b = Arrays.copyOf(b, random.nextInt(b.length)); // cut short
        }
        return b;
    }
}
