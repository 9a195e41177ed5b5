package dev.virtfw.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The exception and interrupt guests on real QEMU: every check passes, the
 * console is exactly {@link Guest#expectedLines()}, and the run ends with PSCI
 * SYSTEM_OFF (exit status 0).
 */
class GuestsOnQemuTest {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @EnumSource(Guest.class)
    void everyCheckPassesOnQemu(Guest guest) throws Exception {
        QemuRunner.Result r = Tools.runQemu(guest.argumentsFor(TestData.extract(guest.firmware(), dir)));
        assertThat(r.linesStartingWith("CHECK ")).as("checks of %s", guest)
                .allSatisfy(l -> assertThat(l).endsWith(": ok"));
        assertThat(guest.differences(r.lines())).as("console of %s:%n%s", guest, r.output()).isEmpty();
        assertThat(r.lines()).isEqualTo(guest.expectedLines());
        assertThat(r.output()).as("line ends").contains("\r\n").doesNotContain("\n\n");
    }

    @Test
    void theSameGuestRunsTwiceWithTheSameConsole() throws Exception {
        // the guests that wait on the timer: their console must not depend on timing
        for (Guest g : List.of(Guest.TIMER, Guest.PENDING)) {
            QemuRunner.Result a = g.runOnQemu(dir, Tools.QEMU_TIMEOUT);
            QemuRunner.Result b = g.runOnQemu(dir, Tools.QEMU_TIMEOUT);
            assertThat(a.exitedCleanly()).isTrue();
            assertThat(Guest.differences(a.lines(), b.lines())).as("%s twice", g).isEmpty();
        }
    }

    @Test
    void eachGuestHasItsOwnImageAndDistinctCheckNames() {
        assertThat(Arrays.stream(Guest.values()).map(Guest::firmware).distinct()).hasSize(Guest.values().length);
        for (Guest g : Guest.values()) {
            assertThat(g.firmware().fileName()).isEqualTo(g.guestName() + ".bin");
            assertThat(new HashSet<>(g.checks())).as("duplicate check names in %s", g).hasSameSizeAs(g.checks());
            assertThat(g.checks()).allSatisfy(c -> assertThat(c).matches("[a-z0-9-]+"));
            assertThat(g.expectedLines()).first().isEqualTo("virtfw " + g.guestName());
            assertThat(g.expectedLines()).last().isEqualTo("DONE " + g.checks().size() + " passed, 0 failed");
        }
        assertThat(Guest.arguments(Path.of("g.bin"))).containsExactly("-M", "virt,acpi=off", "-cpu", "cortex-a57", "-m", "128",
                "-nographic", "-nic", "none", "-bios", "g.bin");
        assertThat(Guest.GICV3.argumentsFor(Path.of("g.bin"))).startsWith("-M", "virt,acpi=off,gic-version=3", "-cpu");
        assertThat(Guest.SGI.argumentsFor(Path.of("g.bin"))).isEqualTo(Guest.arguments(Path.of("g.bin")));
    }

    @Test
    void differencesNamesEveryLineThatDiffers() {
        List<String> want = Guest.WFI.expectedLines();
        assertThat(Guest.WFI.differences(want)).isEmpty();
        List<String> got = new ArrayList<>(want);
        got.set(2, "CHECK wfi-woke-once: FAIL got=0x2 want=0x1");
        got.removeLast();
        assertThat(Guest.WFI.differences(got)).containsExactly(
                "line 3: got \"CHECK wfi-woke-once: FAIL got=0x2 want=0x1\" want \"CHECK wfi-woke-once: ok\"",
                "line " + want.size() + ": got nothing want \"" + want.getLast() + "\"");
    }
}
