package dev.virtfw.machine.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.RunResult;
import dev.virtfw.machine.demo.FwCfgDemo.Boot;
import dev.virtfw.machine.demo.FwCfgDemo.Mode;
import dev.virtfw.machine.demo.FwCfgDemo.Options;
import dev.virtfw.machine.demo.FwCfgDemo.Report;
import dev.virtfw.testdata.TestInitrd;
import dev.virtfw.testdata.TestKernel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in demo: its table's structure, and that the guest kernel saw the generated initrd (by
 * its CRC-32) in both modes. No assertion on any duration: speed is the demo's output, not a test.
 */
class FwCfgDemoTest {
    static final long KERNEL_SIZE = 1L << 20;
    static final long INITRD_SIZE = 300L << 10;

    /** A time cell: seconds with four decimals, or n/a. */
    static final String TIME = "(\\d+\\.\\d{4} s)";
    static final Pattern HEADER = Pattern.compile("^\\s+legacy\\s+DMA\\s+speed-up\\s+clock$");

    static String tableOutput;
    static int status;
    static List<String> progress;

    @BeforeAll
    static void runTheDemoWithSmallSizes() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        status = DemoCommand.run(new String[] {"--demo", "--demo-kernel-size", "1M", "--demo-initrd-size", "300K"},
                new PrintWriter(out), new PrintWriter(err));
        assertThat(err.toString()).isEmpty();
        tableOutput = out.toString();
        progress = tableOutput.lines().filter(l -> l.startsWith("... ")).toList();
    }

    /** CRC-32 of the initrd the demo generates, computed here from the generator's file. */
    static long initrdCrc(Path dir) throws IOException {
        Path f = TestInitrd.write(dir.resolve("initrd"), INITRD_SIZE, FwCfgDemo.INITRD_SEED).path();
        CRC32 crc = new CRC32();
        crc.update(Files.readAllBytes(f));
        return crc.getValue();
    }

    @Nested
    class Table {
        @Test
        void hasTheHeaderAndEveryRowWithTwoTimesASpeedUpAndTheClock() {
            assertThat(status).isZero();
            List<String> lines = tableOutput.lines().toList();
            int header = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (HEADER.matcher(lines.get(i)).matches()) {
                    header = i;
                }
            }
            assertThat(header).as("header row in:%n%s", tableOutput).isPositive();
            assertThat(lines.get(header - 2)).isEqualTo(
                    "fw_cfg DMA vs legacy on this virt board: the boot loader loads a 1 MiB kernel and a 300 KiB initrd");
            List<String> rows = lines.subList(header + 1, header + 7);
            assertRow(rows.get(0), DemoTable.ROW_FIRMWARE_START, "-", "host");
            assertRow(rows.get(1), DemoTable.ROW_KERNEL_LOAD + " (1 MiB)", null, "guest");
            assertRow(rows.get(2), DemoTable.ROW_INITRD_LOAD + " (300 KiB)", null, "guest");
            assertRow(rows.get(3), DemoTable.ROW_FIRMWARE_TO_KERNEL, null, "guest");
            assertRow(rows.get(4), DemoTable.ROW_TOTAL, null, "host + guest");
            assertThat(rows.get(5)).matches(Pattern.quote(DemoTable.ROW_THROUGHPUT)
                    + "\\s+\\d+\\.\\d (MiB|GiB)/s\\s+\\d+\\.\\d (MiB|GiB)/s\\s+guest");
        }

        /** Label, legacy time, DMA time, speed-up (the legacy/DMA ratio of the row's own cells), clock. */
        private void assertRow(String row, String label, String fixedSpeedUp, String clock) {
            Matcher m = Pattern.compile(Pattern.quote(label) + "\\s+" + TIME + "\\s+" + TIME + "\\s+(\\S+)\\s+"
                    + Pattern.quote(clock)).matcher(row);
            assertThat(m.matches()).as("row %s", row).isTrue();
            if (fixedSpeedUp != null) {
                assertThat(m.group(3)).isEqualTo(fixedSpeedUp);
                return;
            }
            double legacy = Double.parseDouble(m.group(1).replace(" s", ""));
            double dma = Double.parseDouble(m.group(2).replace(" s", ""));
            assertThat(m.group(3)).matches("\\d+\\.\\dx|n/a");
            double half = 0.00005; // the cells are rounded to 4 decimals
            if (m.group(3).endsWith("x") && dma > half) {
                // the ratio is printed from the unrounded times: it lies within what the rounded cells allow
                double printed = Double.parseDouble(m.group(3).replace("x", ""));
                assertThat(printed).isBetween((legacy - half) / (dma + half) - 0.05, (legacy + half) / (dma - half) + 0.05);
            }
        }

        @Test
        void saysWhatWasMeasuredAndHowAndThatTheCrcsWereChecked(@TempDir Path dir) throws IOException {
            assertThat(tableOutput).contains("What was measured, and how:",
                    "CNTPCT_EL0 ticks / CNTFRQ_EL0 (62.5 MHz)", "host's monotonic clock",
                    "kernel setup 0.586 s -> 0.002 s", "opt/virtfw/legacy");
            assertThat(tableOutput).contains(String.format("initrd size=%d crc32=%08x", INITRD_SIZE, initrdCrc(dir)));
            assertThat(tableOutput).doesNotContain("PROBLEMS", "n/a");
        }

        @Test
        void tellsTheUserWhatItIsDoingAndDeletesItsFiles() {
            assertThat(progress).hasSize(4);
            String generating = progress.get(1);
            assertThat(generating).startsWith("... generating a 1 MiB kernel and a 300 KiB initrd in ");
            Path dir = Path.of(generating.substring(generating.lastIndexOf(" in ") + 4));
            assertThat(dir).doesNotExist();
        }
    }

    @Nested
    class Guest {
        static Report report;

        @BeforeAll
        static void run() {
            report = FwCfgDemo.run(new Options(KERNEL_SIZE, INITRD_SIZE), step -> { });
        }

        @Test
        void theKernelReportedTheInitrdsCrcInBothModes(@TempDir Path dir) throws IOException {
            long expected = initrdCrc(dir);
            for (Boot b : report.boots()) {
                assertThat(b.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
                assertThat(b.log().initrd()).as(b.mode().label())
                        .contains(new BootLog.SizedCrc(INITRD_SIZE, expected));
                assertThat(b.console()).contains("KERNEL poweroff");
            }
            assertThat(report.problems()).isEmpty();
        }

        @Test
        void eachBootUsedItsMode() {
            assertThat(report.legacy().log().loaderMode()).contains("legacy");
            assertThat(report.legacy().log().time("kernel-load-legacy")).get()
                    .extracting(BootLog.TimeLine::bytes).isEqualTo(KERNEL_SIZE);
            assertThat(report.dma().log().loaderMode()).contains("dma");
            assertThat(report.dma().log().time("initrd-load-dma")).get()
                    .extracting(BootLog.TimeLine::bytes).isEqualTo(INITRD_SIZE);
        }
    }

    @Nested
    class Problems {
        static final List<String> GOOD = List.of(
                "TIME bootloader-entry 0 1000 62500000",
                "BOOT fw_cfg base=0x9020000 dma-available=1 mode=dma",
                "TIME kernel-load-dma 1048576 625 62500000",
                "TIME initrd-load-dma 307200 125 62500000",
                "KERNEL padding bytes=1000 crc32=0000abcd",
                "KERNEL initrd start=0x40380000 end=0x403cb000 size=307200 crc32=12345678",
                "TIME kernel-entry 0 63500 62500000",
                "KERNEL poweroff");

        static Report report(List<String> legacyLines, List<String> dmaLines) {
            RunResult off = new RunResult(RunResult.Reason.POWER_OFF, 0, "");
            return new Report(new Options(KERNEL_SIZE, INITRD_SIZE), 128L << 20, 0x12345678L, 0xabcdL,
                    new Boot(Mode.LEGACY, BootLog.parse(legacyLines), legacyLines, off, 1_000_000, 2_000_000),
                    new Boot(Mode.DMA, BootLog.parse(dmaLines), dmaLines, off, 1_000_000, 2_000_000), -1, 3_000_000);
        }

        static List<String> asLegacy(List<String> lines) {
            return lines.stream().map(l -> l.replace("mode=dma", "mode=legacy").replace("-dma", "-legacy")).toList();
        }

        @Test
        void guestTimesAreTicksOverTheFrequency() {
            Report r = report(asLegacy(GOOD), GOOD);
            assertThat(r.problems()).isEmpty();
            assertThat(r.dma().log().secondsBetween(BootLog.BOOTLOADER_ENTRY, BootLog.KERNEL_ENTRY)).contains(0.001);
            assertThat(DemoTable.format(r)).containsPattern(
                    Pattern.quote(DemoTable.ROW_FIRMWARE_TO_KERNEL) + "\\s+0\\.0010 s\\s+0\\.0010 s\\s+1\\.0x");
        }

        @Test
        void aWrongInitrdCrcIsAProblemAndThePrintoutSaysSo() {
            List<String> bad = new ArrayList<>(GOOD);
            bad.replaceAll(l -> l.replace("crc32=12345678", "crc32=87654321"));
            Report r = report(asLegacy(GOOD), bad);
            assertThat(r.problems()).containsExactly(
                    "dma boot: the kernel reported initrd size=307200 crc32=87654321, expected size=307200 crc32=12345678");
            String text = DemoTable.format(r);
            assertThat(text).contains("PROBLEMS").doesNotContain("- Checked:");
        }

        @Test
        void missingLinesAndTheWrongModeAreProblemsAndTheTableSaysNa() {
            List<String> legacy = asLegacy(GOOD).stream()
                    .filter(l -> !l.startsWith("TIME kernel-entry") && !l.startsWith("KERNEL poweroff")).toList();
            Report r = report(legacy, asLegacy(GOOD));
            assertThat(r.problems()).containsExactly(
                    "legacy boot: the kernel did not power off",
                    "legacy boot: no TIME kernel-entry line",
                    "dma boot: the boot loader reported mode=legacy",
                    "dma boot: no TIME kernel-load-dma line",
                    "dma boot: no TIME initrd-load-dma line");
            assertThat(DemoTable.format(r)).containsPattern(Pattern.quote(DemoTable.ROW_TOTAL) + "\\s+n/a\\s+");
        }
    }

    @Nested
    class Options_ {
        static String[] run(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int s = DemoCommand.run(args, new PrintWriter(out), new PrintWriter(err));
            return new String[] {String.valueOf(s), out.toString(), err.toString()};
        }

        @Test
        void sizesOutOfRangeOrNotSizesAreOneErrorLine() {
            long min = TestKernel.builtSize();
            assertThat(run("--demo", "--demo-kernel-size", "1K")).containsExactly("2", "",
                    "virt: error: kernel size 1024 bytes is out of range (" + min + " bytes to 1024 MiB)"
                            + System.lineSeparator());
            assertThat(run("--demo", "--demo-initrd-size", "lots")).containsExactly("2", "",
                    "virt: error: --demo-initrd-size lots: not a size (a number of mib, or with a k/m/g/t suffix)"
                            + System.lineSeparator());
            assertThat(run("--demo", "--demo-initrd-size", "0")).containsExactly("2", "",
                    "virt: error: initrd size 0 bytes is out of range (1 byte to 1024 MiB)" + System.lineSeparator());
            assertThat(run("--demo", "-bios", "x")).containsExactly("2", "",
                    "virt: error: Unknown option: '-bios' (see ./virt --demo --help)" + System.lineSeparator());
            assertThat(run("--demo", "extra")).containsExactly("2", "",
                    "virt: error: unexpected argument 'extra' (see ./virt --demo --help)" + System.lineSeparator());
        }

        @Test
        void theDemoIsWhatNoArgumentsOrADemoOptionSelect() {
            assertThat(DemoCommand.selects(new String[0])).isTrue();
            assertThat(DemoCommand.selects(new String[] {"--demo-kernel-size", "8M"})).isTrue();
            assertThat(DemoCommand.selects(new String[] {"-bios", "fw.bin"})).isFalse();
        }

        @Test
        void helpListsTheSizeOptions() {
            String[] r = run("--demo", "--help");
            assertThat(r[0]).isEqualTo("0");
            assertThat(r[1]).startsWith("usage: virt --demo [options]")
                    .contains("  --demo-kernel-size SIZE", "  --demo-initrd-size SIZE", "  --help");
            assertThat(r[2]).isEmpty();
        }
    }
}
