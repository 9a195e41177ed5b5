package dev.virtfw.machine.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.testdata.Crc32Manifest;
import dev.virtfw.testdata.Firmware;
import dev.virtfw.testdata.QemuRunner;
import dev.virtfw.testdata.TestData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./virt --compare-qemu ...}: the view, the verdict and the exit status, end to end with QEMU. */
class CompareCommandTest {
    record Outcome(int status, String out, String err) {}

    @TempDir
    static Path dir;
    static String[] fwCfgTest;

    @BeforeAll
    static void files() throws IOException {
        Path fw = TestData.extract(Firmware.FWCFG_TEST, dir);
        Path hello = Files.writeString(dir.resolve("hello"), "hello\n");
        Path manifest = new Crc32Manifest().add("opt/hello", hello).write(dir.resolve("manifest"));
        fwCfgTest = new String[] {"-bios", fw.toString(), "-fw_cfg", "name=opt/hello,file=" + hello,
                "-fw_cfg", "name=" + TestData.CRC32_MANIFEST_FILE + ",file=" + manifest};
    }

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = CompareCommand.OPTION;
        System.arraycopy(args, 0, all, 1, args.length);
        int status = CompareCommand.run(all, new PrintWriter(out), new PrintWriter(err));
        return new Outcome(status, out.toString(), err.toString());
    }

    static String[] with(String[] first, String... more) {
        String[] all = new String[more.length + first.length];
        System.arraycopy(more, 0, all, 0, more.length);
        System.arraycopy(first, 0, all, more.length, first.length);
        return all;
    }

    @Test
    void theFwCfgTestFirmwareIsEqualOnBothAndTheViewShowsWhy() {
        Outcome o = run(with(fwCfgTest, "--width", "120"));
        assertThat(o.err()).isEmpty();
        assertThat(o.status()).as(o.out()).isZero();
        assertThat(o.out()).contains("command line: -M virt -cpu cortex-a57 -nographic -nic none -bios ", " -M acpi=off\n",
                "QEMU:          exit 0 after", "this machine:  exit 0 after", "result: EQUAL",
                "known difference qemu-only-fw_cfg-files, applied to 10 lines of the two consoles");
        assertThat(o.out().lines()).anyMatch(l -> l.matches("FILE 0x0023 24 etc/smbios/smbios-anchor\\s+-"));
        assertThat(o.out().lines()).anyMatch(l -> l.matches("SUMMARY 61 passed, 0 failed\\s+~ SUMMARY 53 passed, 0 failed"));
        List<String> view = o.out().lines().dropWhile(l -> !l.startsWith("QEMU: qemu-system-aarch64"))
                .takeWhile(l -> !l.isEmpty()).toList();
        assertThat(view).hasSizeGreaterThan(50).allMatch(l -> l.length() <= 120);
        assertThat(view).noneMatch(l -> l.startsWith("TIME ") || l.contains("| TIME ") || l.contains("  TIME "));
    }

    @Test
    void strictComparisonFindsTheKnownDifferencesAndExitsOne() {
        Outcome o = run(with(fwCfgTest, "--strict", "--unified"));
        assertThat(o.status()).as(o.out()).isEqualTo(CompareCommand.DIFFERENT);
        assertThat(o.out()).contains("--- QEMU: qemu-system-aarch64", "+++ this machine: ./virt",
                "-FILE 0x0023 24 etc/smbios/smbios-anchor", "-SUMMARY 61 passed, 0 failed", "+SUMMARY 53 passed, 0 failed");
        assertThat(o.out().lines().filter(l -> l.startsWith("result: DIFFERENT: ")).toList()).hasSize(1);
    }

    @Test
    void anOptionThisMachineRefusesEndsTheRunsDifferently() {
        Outcome o = run(with(fwCfgTest, "-smp", "2"));
        assertThat(o.status()).isEqualTo(CompareCommand.DIFFERENT);
        assertThat(o.out()).contains("this machine:  exit 2 after",
                "./virt said:   virt: error: -smp 2: only one CPU is emulated (cpus=2 asks for more)",
                "the runs ended differently");
    }

    @Test
    void badUseIsOneErrorLineAndStatusTwo() {
        assertThat(run()).isEqualTo(new Outcome(2, "",
                "virt: error: --compare-qemu: give the command line to compare, e.g. -bios FILE" + System.lineSeparator()));
        assertThat(run("--timeout", "-3", "-bios", "x")).isEqualTo(new Outcome(2, "",
                "virt: error: --timeout -3.0: must be a positive number of seconds up to a day" + System.lineSeparator()));
        assertThat(run("--width", "10", "-bios", "x").err()).isEqualTo(
                "virt: error: --width 10: must be at least 40" + System.lineSeparator());
    }

    @Test
    void withoutQemuItSaysSoInOneLine() {
        String before = System.getProperty(QemuRunner.QEMU_PROPERTY);
        System.setProperty(QemuRunner.QEMU_PROPERTY, dir.resolve("no-such-qemu").toString());
        try {
            Outcome o = run(fwCfgTest);
            assertThat(o.status()).isEqualTo(2);
            assertThat(o.err()).startsWith("virt: error: qemu-system-aarch64 not found").doesNotContain("\tat ")
                    .hasLineCount(1);
        } finally {
            if (before == null) {
                System.clearProperty(QemuRunner.QEMU_PROPERTY);
            } else {
                System.setProperty(QemuRunner.QEMU_PROPERTY, before);
            }
        }
    }

    @Test
    void helpListsTheOptionsAndSaysWhereTheQemuCommandLineStarts() {
        Outcome o = run("--help");
        assertThat(o.status()).isZero();
        assertThat(o.err()).isEmpty();
        assertThat(o.out()).startsWith("usage: virt --compare-qemu [options] QEMU-ARGS...")
                .contains("  --unified", "  --strict", "  --timeout SECONDS", "  --width COLUMNS",
                        "everything from the first other argument on is the command line");
    }

    @Test
    void ourOptionsComeFirstAndANumberIsCheckedWithoutRunningAnything() {
        assertThat(run("--width", "wide", "-bios", "x")).isEqualTo(new Outcome(2, "",
                "virt: error: --width wide: not a number" + System.lineSeparator()));
        assertThat(run("--timeout").err()).isEqualTo(
                "virt: error: option '--timeout' needs a value (SECONDS) (see ./virt --compare-qemu --help)"
                        + System.lineSeparator());
    }

    @Test
    void onlyTheOptionSelectsTheComparison() {
        assertThat(CompareCommand.selects(new String[] {"--compare-qemu", "-bios", "x"})).isTrue();
        assertThat(CompareCommand.selects(new String[] {"-bios", "x", "--compare-qemu"})).isFalse();
        assertThat(CompareCommand.selects(new String[0])).isFalse();
    }
}
