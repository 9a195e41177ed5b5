package dev.virtfw.devicetree;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the DTB reader with Jazzer.
 *
 * <p>In a normal {@code mvn test} Jazzer replays the seeds in
 * {@code src/test/resources/dev/virtfw/devicetree/DtbReaderFuzzTestInputs/readerThrowsOnlyDtbFormatException/}
 * (valid blobs from dtc, QEMU and our writer); the bounded mutation run over thousands of inputs
 * is {@link DtbMutationTest}. To fuzz for real (coverage-guided, here for five minutes):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -f devicetree/pom.xml test -Dtest=DtbReaderFuzzTest -Djazzer.max_duration=5m
 * </pre>
 *
 * A crash is written as a new file in the inputs folder above, so it is replayed as a regression
 * test from then on.
 */
class DtbReaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void readerThrowsOnlyDtbFormatException(byte[] input) {
        FuzzTarget.run(input);
    }
}
