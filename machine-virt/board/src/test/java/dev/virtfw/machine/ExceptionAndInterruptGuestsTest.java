package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.testdata.TestData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The exception and interrupt guests of testdata (SVC from EL1 and EL0, undefined instructions and
 * BRK, external, translation and permission aborts with their ESR and FAR, the virtual and physical
 * timers through the GICv2, WFI wake-up, a masked interrupt staying pending, SGIs) run on the board
 * and print exactly the lines they print on QEMU 7.2: testdata's GuestsOnQemuTest holds QEMU's
 * console to the same expected lines, line for line.
 */
class ExceptionAndInterruptGuestsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(dev.virtfw.testdata.Guest.class)
    void printsWhatQemuPrints(dev.virtfw.testdata.Guest guest) throws Exception {
        Path bios = TestData.extract(guest.firmware(), dir);
        Guest.Run run = Guest.run(bios, "", b -> b.ramSize(128L << 20).gicVersion(guest.gicVersion()));

        List<String> console = Arrays.asList(run.console().replace("\r", "").split("\n"));
        assertThat(guest.differences(console)).as(run.console()).isEmpty();
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(run.result().exitStatus()).isZero();
    }
}
