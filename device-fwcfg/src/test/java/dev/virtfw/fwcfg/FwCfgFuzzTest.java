package dev.virtfw.fwcfg;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the whole guest-facing surface: random register access sequences and random DMA
 * descriptors against a device over 64 KiB of guarded RAM (invariants: {@link FwCfgFuzzHarness}).
 *
 * <p>In a normal {@code mvn test}, Jazzer's JUnit integration only replays the seed inputs (the
 * empty input and any under {@code src/test/resources/dev/virtfw/fwcfg/FwCfgFuzzTestInputs/}), so
 * {@link #seededRandomSequences()} does the real bounded run: thousands of seeded random
 * sequences, deterministic, a few seconds.
 *
 * <p>To fuzz for longer by hand (coverage-guided, in-process libFuzzer):
 * <pre>
 *   JAZZER_FUZZ=1 mvn -B -pl device-fwcfg -am test -Dtest=FwCfgFuzzTest#fuzz -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Djazzer.max_duration=10m
 * </pre>
 * A crashing input is written under the inputs folder above and replays in every later run.
 */
@DisplayName("Fuzzing (register sequences and DMA descriptors)")
class FwCfgFuzzTest {
    @FuzzTest(maxDuration = "60s")
    @DisplayName("Jazzer: any input drives the device without breaking an invariant")
    void fuzz(FuzzedDataProvider data) {
        try (FwCfgFuzzHarness harness = new FwCfgFuzzHarness()) {
            harness.run(new FwCfgFuzzHarness.Source() {
                @Override
                public int pick(int bound) {
                    return data.consumeInt(0, bound - 1);
                }

                @Override
                public long any() {
                    return data.consumeLong();
                }

                @Override
                public boolean more() {
                    return data.remainingBytes() > 0;
                }
            });
        }
    }

    @Test
    @DisplayName("bounded run: 3000 seeded random sequences of 40 steps keep every invariant")
    void seededRandomSequences() {
        long dmaRuns = 0;
        for (long seed = 1; seed <= 3000; seed++) {
            try (FwCfgFuzzHarness harness = new FwCfgFuzzHarness()) {
                try {
                    harness.run(FwCfgFuzzHarness.random(seed, 40));
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
                }
                dmaRuns += harness.dmaRuns;
            }
        }
        assertThat(dmaRuns).as("the run exercised DMA").isGreaterThan(30_000);
    }
}
