package dev.virtfw.machine.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.compare.ConsoleComparison.Mark;
import dev.virtfw.machine.compare.ConsoleComparison.Row;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Lining up two consoles under known differences, and the two printed views. */
class ConsoleComparisonTest {
    static final String NL = System.lineSeparator();

    @Nested
    class Rules {
        @Test
        void maskReplacesOnlyTheGroupsThatMatched() {
            KnownDifference directory = KnownDifference.QEMU_VIRT.stream()
                    .filter(r -> r.name().equals("fw_cfg-directory-size")).findFirst().orElseThrow();
            assertThat(directory.mask("CHECK directory-legacy PASS count=7 sorted=1 names-terminated=1"))
                    .isEqualTo("CHECK directory-legacy PASS count=* sorted=1 names-terminated=1");
            assertThat(directory.mask("CHECK directory-dma PASS control=0x0 identical=1 bytes=452"))
                    .isEqualTo("CHECK directory-dma PASS control=0x0 identical=1 bytes=*");
            assertThat(directory.mask("CHECK directory-legacy FAIL count=7")).as("not the line's shape")
                    .isEqualTo("CHECK directory-legacy FAIL count=7");
        }

        @Test
        void withQemuAtAcpiOffTheDeviceTreesAgreeSoUBootsDeviceCountIsARealDifference() {
            // the comparison runs QEMU with acpi=off: the same devices and device tree as this board
            assertThat(SideBySideRun.commandLine(List.of("-bios", "u-boot.bin"))).endsWith("-M", "acpi=off");
            ConsoleComparison c = ConsoleComparison.of(
                    List.of("DRAM:  512 MiB", "Core:  47 devices, 13 uclasses, devicetree: board", "Flash: 64 MiB"),
                    List.of("DRAM:  512 MiB", "Core:  12 devices, 9 uclasses, devicetree: board", "Flash: 64 MiB"),
                    KnownDifference.QEMU_VIRT);
            assertThat(c.rows()).extracting(Row::mark).containsExactly(Mark.SAME, Mark.CHANGED, Mark.SAME);
            assertThat(KnownDifference.QEMU_VIRT).extracting(KnownDifference::name).doesNotContain(
                    "device-tree-size", "u-boot-device-count", "device-tree-dump");
        }

        @Test
        void qemuOnlyFilesAreWholeNamesNotPrefixes() {
            KnownDifference files = KnownDifference.QEMU_VIRT.stream()
                    .filter(r -> r.kind() == KnownDifference.Kind.DROP_QEMU).findFirst().orElseThrow();
            for (String name : KnownDifference.QEMU_ONLY_FILES) {
                assertThat(files.matches("FILE 0x0022 36 " + name)).as(name).isTrue();
                assertThat(files.matches("CHECK file-dma:" + name + " PASS size=36")).as(name).isTrue();
            }
            assertThat(files.matches("FILE 0x0024 4 etc/boot-fail-wait")).isFalse();
            assertThat(files.matches("FILE 0x0029 12 opt/etc/smbios/x")).isFalse();
            assertThat(files.matches("FILE 0x0029 12 etc/smbios2")).isFalse();
            assertThat(files.matches("FILE 0x0020 48 etc/acpi/tables")).as("QEMU at acpi=off has none").isFalse();
        }
    }

    static final KnownDifference ONLY_QEMU = new KnownDifference("extra", "QEMU has more",
            KnownDifference.Kind.DROP_QEMU, Pattern.compile("^extra "));
    static final KnownDifference COUNT = new KnownDifference("count", "counts differ",
            KnownDifference.Kind.MASK, Pattern.compile("^count=(\\d+)$"));
    static final List<KnownDifference> RULES = List.of(KnownDifference.TIMINGS, ONLY_QEMU, COUNT);

    @Test
    void knownDifferencesLeaveTheConsolesEqualAndAreShownAsSuch() {
        ConsoleComparison c = ConsoleComparison.of(
                List.of("hello", "TIME x 0 1 2", "extra a", "count=3", "extra b", "bye"),
                List.of("hello", "count=1", "TIME x 0 9 2", "bye"), RULES);
        assertThat(c.equal()).isTrue();
        assertThat(c.rows()).containsExactly(
                new Row(Mark.SAME, "hello", "hello"),
                new Row(Mark.QEMU_ONLY_KNOWN, "extra a", null),
                new Row(Mark.KNOWN, "count=3", "count=1"),
                new Row(Mark.QEMU_ONLY_KNOWN, "extra b", null),
                new Row(Mark.SAME, "bye", "bye"));
        assertThat(c.applied()).isEqualTo(Map.of("timings", 2, "extra", 2, "count", 2));
        assertThat(c.unified(3, "a", "b")).isEmpty();
    }

    @Test
    void anythingElseIsADifference() {
        ConsoleComparison c = ConsoleComparison.of(List.of("a", "b", "c", "only qemu"), List.of("a", "B", "c", "extra x"),
                RULES);
        assertThat(c.equal()).isFalse();
        assertThat(c.differences()).containsExactly(new Row(Mark.CHANGED, "b", "B"),
                new Row(Mark.CHANGED, "only qemu", "extra x"));
        ConsoleComparison d = ConsoleComparison.of(List.of("a"), List.of("a", "more"), RULES);
        assertThat(d.differences()).containsExactly(new Row(Mark.ONLY_OURS, null, "more"));
        ConsoleComparison e = ConsoleComparison.of(List.of("a", "more"), List.of("a"), RULES);
        assertThat(e.differences()).containsExactly(new Row(Mark.ONLY_QEMU, "more", null));
    }

    @Test
    void sideBySideShowsBothColumnsWithTheMarkBetween() {
        ConsoleComparison c = ConsoleComparison.of(List.of("same", "extra 1", "count=5", "qemu says"),
                List.of("same", "count=4", "we say", "and more"), RULES);
        String view = c.sideBySide(43, "QEMU", "here");
        assertThat(view).isEqualTo(String.join(NL,
                "QEMU                   here",
                "--------------------   --------------------",
                "same                   same",
                "extra 1              -",
                "count=5              ~ count=4",
                "qemu says            | we say",
                "                     > and more") + NL);
    }

    @Test
    void longLinesAreCutToTheColumn() {
        ConsoleComparison c = ConsoleComparison.of(List.of("x".repeat(30)), List.of("y".repeat(30)), List.of());
        assertThat(c.sideBySide(43, "q", "o").lines().skip(2).findFirst().orElseThrow())
                .isEqualTo("x".repeat(17) + "... | " + "y".repeat(17) + "...");
    }

    /** The expected text is what GNU diff -u prints for the same two files (checked by hand). */
    @Test
    void unifiedDiffHasHunksWithContextLikeDiffU() {
        List<String> a = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12");
        List<String> b = List.of("1", "2", "3", "4", "five", "6", "7", "8", "9", "10", "11", "12", "13");
        String u = ConsoleComparison.of(a, b, List.of()).unified(3, "a", "b");
        assertThat(u).isEqualTo(String.join(NL,
                "--- a", "+++ b",
                "@@ -2,7 +2,7 @@", " 2", " 3", " 4", "-5", "+five", " 6", " 7", " 8",
                "@@ -10,3 +10,4 @@", " 10", " 11", " 12", "+13") + NL);
    }
}
