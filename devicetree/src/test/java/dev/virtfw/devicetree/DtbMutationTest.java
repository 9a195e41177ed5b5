package dev.virtfw.devicetree;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A bounded, deterministic mutation fuzz run in every {@code mvn test}: valid blobs (the Jazzer
 * seeds) mutated by a seeded {@link Random} with bit flips, byte and field overwrites with
 * interesting values, truncations and inserted or removed chunks, each run through
 * {@link FuzzTarget}. Jazzer's JUnit integration only replays its seeds outside fuzzing mode.
 */
class DtbMutationTest {
    static final int INPUTS = 6000;
    static final int[] INTERESTING = {0, 1, 2, 3, 4, 8, 9, 0x10, 0x28, 0x38, 0x7f, 0x80, 0xff, 0x7fffffff,
        0x80000000, 0xfffffffc, 0xfffffff8, 0xffffffff, 0xd00dfeed, 16, 17, 18};

    static List<byte[]> seeds() throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String name : List.of("kinds.dtb", "odd-values.dtb", "qemu-virt.dtb", "small.dtb")) {
            try (InputStream in = Objects.requireNonNull(DtbMutationTest.class.getResourceAsStream(
                    "DtbReaderFuzzTestInputs/readerThrowsOnlyDtbFormatException/" + name), name)) {
                out.add(in.readAllBytes());
            }
        }
        return out;
    }

    @Test
    void mutatedBlobsAreReadOrRefusedWithDtbFormatException() throws IOException {
        List<byte[]> seeds = seeds();
        for (byte[] s : seeds) {
            assertThat(FuzzTarget.run(s)).as("seeds are valid").isTrue();
        }
        Random rnd = new Random(0x5eed);
        int accepted = 0;
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            try {
                if (FuzzTarget.run(input)) {
                    accepted++;
                }
            } catch (RuntimeException | AssertionError | StackOverflowError | OutOfMemoryError e) {
                throw new AssertionError("input " + i + " (" + input.length + " bytes): " + e, e);
            }
        }
        // both paths were exercised: some mutants are still valid, most are refused
        assertThat(accepted).isBetween(1, INPUTS - 1);
    }

    static byte[] mutate(byte[] seed, Random rnd) {
        byte[] b = seed.clone();
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n && b.length > 0; k++) {
            switch (b.length < 4 ? rnd.nextInt(2) : rnd.nextInt(7)) {
                case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[rnd.nextInt(b.length)] = (byte) INTERESTING[rnd.nextInt(INTERESTING.length)];
                case 2 -> { // overwrite an aligned word, header fields most often
                    int words = b.length / 4;
                    int w = rnd.nextBoolean() ? rnd.nextInt(Math.min(10, words)) : rnd.nextInt(words);
                    int v = rnd.nextBoolean() ? INTERESTING[rnd.nextInt(INTERESTING.length)]
                            : MemorySegment.ofArray(b).get(FdtSpec.BE_U32, 4L * w) + rnd.nextInt(17) - 8;
                    MemorySegment.ofArray(b).set(FdtSpec.BE_U32, 4L * w, v);
                }
                case 3 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1)); // truncate
                case 4 -> { // remove a chunk
                    int from = rnd.nextInt(b.length);
                    int len = Math.min(b.length - from, 1 + rnd.nextInt(16));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, from);
                    System.arraycopy(b, from + len, c, from, b.length - from - len);
                    b = c;
                }
                case 5 -> { // duplicate a chunk in place
                    int from = rnd.nextInt(b.length);
                    int len = Math.min(b.length - from, 1 + rnd.nextInt(16));
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, from + len);
                    System.arraycopy(b, from, c, from + len, b.length - from);
                    b = c;
                }
                default -> { // a token where a token may stand
                    int w = rnd.nextInt(b.length / 4);
                    int[] tokens = {FdtSpec.FDT_BEGIN_NODE, FdtSpec.FDT_END_NODE, FdtSpec.FDT_PROP, FdtSpec.FDT_NOP,
                        FdtSpec.FDT_END};
                    MemorySegment.ofArray(b).set(FdtSpec.BE_U32, 4L * w, tokens[rnd.nextInt(tokens.length)]);
                }
            }
        }
        return b;
    }
}
