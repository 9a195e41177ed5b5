package dev.virtfw.machine.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.testdata.QemuRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole benchmark in its tiny mode (64 KiB items, one round) on our machine (started as a JVM on
 * this test's class path) and on QEMU: the CSV has every expected row with figures on both sides,
 * and the PNG is a chart with one bar per compared row. No figure is judged: speed is not asserted.
 */
class BenchSmokeTest {
    /** This machine as the test's own JVM and class path run it. */
    private static Emulator ours() {
        return Emulator.java(Path.of(System.getProperty("java.home"), "bin", "java"),
                System.getProperty("java.class.path"), System.getProperty("virtfw.unicorn.lib", ""));
    }

    @Test
    void tinyRunWritesTableCsvAndChart(@TempDir Path out) throws Exception {
        Path qemu = QemuRunner.findQemu().orElseThrow(() -> new AssertionError(
                "qemu-system-aarch64 is needed (Debian package qemu-system-arm)"));
        Emulator ours = ours();
        BenchSpec spec = BenchSpec.parse("tiny,out=" + out);
        StringWriter log = new StringWriter();
        Bench.Outcome o = Bench.run(spec, ours, Emulator.qemu(qemu), new PrintWriter(log, true));

        assertThat(log.toString()).contains("round 1 of 1");
        List<String> csv = Files.readAllLines(o.csv());
        assertThat(csv.getFirst()).isEqualTo(String.join(",", BenchTable.CSV_HEADER));
        List<Row> rows = o.table().rows();
        assertThat(csv).hasSize(rows.size() + 1);
        // read back as CSV: each record starts with its row's section, metric and unit
        List<CSVRecord> records = CSVFormat.RFC4180.parse(Files.newBufferedReader(o.csv())).getRecords();
        for (int i = 0; i < rows.size(); i++) {
            assertThat(records.get(i + 1).toList().subList(0, 3))
                    .containsExactly(rows.get(i).section(), rows.get(i).metric(), rows.get(i).unit());
        }
        assertThat(rows.stream().map(Row::key)).containsExactly(
                "throughput (guest-timed)/DMA first transfer into fresh RAM 64K",
                "throughput (guest-timed)/DMA best of 3 repeats 64K",
                "throughput (guest-timed)/legacy 8-byte reads 64K",
                "throughput (guest-timed)/legacy 1-byte reads 64K",
                "throughput with the firmware's code in RAM (bench-ram.bin, guest-timed)/DMA first transfer into fresh RAM 64K, code in RAM",
                "throughput with the firmware's code in RAM (bench-ram.bin, guest-timed)/DMA best of 3 repeats 64K, code in RAM",
                "host copy (same rounds)/host copy 64K",
                "host copy (same rounds)/glibc memcpy 64K",
                "host copy (same rounds)/DMA repeats / host copy 64K",
                "host copy (same rounds)/DMA repeats / glibc memcpy 64K",
                "host copy (same rounds)/DMA repeats, code in RAM / glibc memcpy 64K",
                "one legacy MMIO access (guest-timed)/1-byte data read, first batch",
                "one legacy MMIO access (guest-timed)/1-byte data read, best batch",
                "one legacy MMIO access (guest-timed)/8-byte data read, first batch",
                "one legacy MMIO access (guest-timed)/8-byte data read, best batch",
                "one DMA transfer (guest-timed, per transfer, 64K item)/DMA READ of 1 B, first batch",
                "one DMA transfer (guest-timed, per transfer, 64K item)/DMA READ of 1 B, best batch",
                "one DMA transfer (guest-timed, per transfer, 64K item)/DMA READ of 1 B, best batch, code in RAM",
                "one DMA transfer (guest-timed, per transfer, 64K item)/DMA READ of 4 KiB, first batch",
                "one DMA transfer (guest-timed, per transfer, 64K item)/DMA READ of 4 KiB, best batch",
                "one DMA transfer (guest-timed, per transfer, 64K item)/DMA READ of 4 KiB, best batch, code in RAM",
                "one DMA transfer (guest-timed, per transfer, 64K item)/DMA READ of 64 KiB, first batch",
                "one DMA transfer (guest-timed, per transfer, 64K item)/DMA READ of 64 KiB, best batch",
                "one DMA transfer (guest-timed, per transfer, 64K item)/DMA READ of 64 KiB, best batch, code in RAM",
                "one DMA transfer (guest-timed, per transfer, 64K item)/DMA SKIP of 4 KiB, best batch",
                "one DMA transfer (guest-timed, per transfer, 64K item)/DMA SKIP of 4 KiB, best batch, code in RAM",
                "guest RAM store (guest-timed)/8-byte store to RAM, best batch",
                "guest RAM store (guest-timed)/8-byte store, MMU on, data not executable, code in RAM",
                "start-up and boot (parent-timed from spawn)/process start to first guest output",
                "start-up and boot (parent-timed from spawn)/DMA: firmware start",
                "start-up and boot (parent-timed from spawn)/DMA: kernel setup",
                "start-up and boot (parent-timed from spawn)/DMA: total",
                "start-up and boot (parent-timed from spawn)/DMA: kernel load throughput",
                "start-up and boot (parent-timed from spawn)/legacy 8-byte: firmware start",
                "start-up and boot (parent-timed from spawn)/legacy 8-byte: kernel setup",
                "start-up and boot (parent-timed from spawn)/legacy 8-byte: total",
                "start-up and boot (parent-timed from spawn)/legacy 8-byte: kernel load throughput",
                "DMA speed-up over legacy (same rounds)/kernel setup legacy / DMA",
                "DMA speed-up over legacy (same rounds)/total boot legacy / DMA",
                "memory of the DMA boot at kernel entry (/proc/<pid>/status)/VmHWM (peak resident)",
                "memory of the DMA boot at kernel entry (/proc/<pid>/status)/RssAnon",
                "memory of the DMA boot at kernel entry (/proc/<pid>/status)/RssFile (mapped files)",
                "memory of the DMA boot at kernel entry (/proc/<pid>/status)/goal limit: touched RAM + mapped files + 150 MiB");
        for (Row r : o.table().rows()) {
            assertThat(r.ours()).as(r.key()).isNotNull();
            assertThat(r.ours().runs()).as(r.key()).isEqualTo(1);
            assertThat(r.ours().median()).as(r.key()).isPositive();
            if (r.ratio() != null) {
                assertThat(r.qemu()).as(r.key()).isNotNull();
                assertThat(r.ratio().median()).as(r.key())
                        .isCloseTo(r.ours().median() / r.qemu().median(), org.assertj.core.api.Assertions.within(1e-9));
            }
        }
        // Rows that compare with QEMU carry a QEMU figure and a ratio in the CSV.
        String dma = csv.stream().filter(l -> l.startsWith("throughput (guest-timed),DMA best of 3 repeats 64K,"))
                .findFirst().orElseThrow();
        assertThat(Arrays.stream(dma.split(",")).skip(4).limit(9)).allMatch(f -> !f.isEmpty());

        var image = ImageIO.read(o.png().toFile());
        assertThat(image).as("PNG readable").isNotNull();
        assertThat(image.getWidth()).isEqualTo(BenchChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(120 + BenchChart.ROW_HEIGHT * BenchChart.bars(o.table()));
        assertThat(BenchChart.bars(o.table())).isEqualTo(35);
        assertThat(Files.readString(o.text())).contains("ours/QEMU", "Goals:", "== throughput (guest-timed)");
    }

    @Test
    void ubootRunTimesQfwLoadOnBothSides(@TempDir Path out) throws Exception {
        Path qemu = QemuRunner.findQemu().orElseThrow();
        Emulator ours = ours();
        Bench.Outcome o = Bench.run(BenchSpec.parse("uboot,runs=1,out=" + out), ours, Emulator.qemu(qemu),
                new PrintWriter(new StringWriter(), true));
        List<Row> rows = o.table().rows();
        assertThat(rows).extracting(Row::metric).containsExactly(
                "first qfw load, 64M kernel + 16M initrd", "best of 3 more qfw loads, 64M kernel + 16M initrd",
                "first qfw load throughput", "best qfw load throughput", "first load's kernel DMA, 64M",
                "best repeat's kernel DMA", "best kernel DMA throughput");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.ours()).as(r.key()).isNotNull();
            assertThat(r.qemu()).as(r.key()).isNotNull();
            assertThat(r.ours().median()).as(r.key()).isPositive();
        });
        // the throughput rows are the sizes over the times of the rows above them
        assertThat(rows.get(3).ours().median()).isCloseTo(80 / (rows.get(1).ours().median() / 1e3),
                org.assertj.core.data.Percentage.withPercentage(0.01));
        // the kernel's DMA is part of the command it was timed in
        assertThat(rows.get(5).ours().median()).isLessThan(rows.get(1).ours().median());
        assertThat(rows.get(5).qemu().median()).isLessThan(rows.get(1).qemu().median());
        assertThat(o.table().notes()).anyMatch(n -> n.contains("best qfw load throughput: ours/QEMU"));
        assertThat(o.table().notes()).anyMatch(n -> n.contains("best kernel DMA throughput: ours/QEMU"));
        assertThat(Files.readAllLines(o.csv())).hasSize(rows.size() + 1);
    }

    @Test
    void uefiRunTimesEdk2sKernelAndInitrdLoadOnBothSides(@TempDir Path out) throws Exception {
        Path qemu = QemuRunner.findQemu().orElseThrow();
        Bench.Outcome o = Bench.run(BenchSpec.parse("uefi,runs=1,out=" + out), ours(), Emulator.qemu(qemu),
                new PrintWriter(new StringWriter(), true));
        List<Row> rows = o.table().rows();
        assertThat(rows).extracting(Row::metric).containsExactly("kernel, 64M in 1 MiB DMAs", "initrd, 16M",
                "kernel + initrd", "load throughput");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.ours()).as(r.key()).isNotNull();
            assertThat(r.qemu()).as(r.key()).isNotNull();
            assertThat(r.ours().median()).as(r.key()).isPositive();
            assertThat(r.qemu().median()).as(r.key()).isPositive();
        });
        // the whole load spans the kernel's and the initrd's; the throughput is 80 MiB over it
        assertThat(rows.get(2).ours().median()).isGreaterThan(rows.get(0).ours().median() + rows.get(1).ours().median());
        assertThat(rows.get(3).ours().median()).isCloseTo(80 / (rows.get(2).ours().median() / 1e3),
                org.assertj.core.data.Percentage.withPercentage(0.01));
        assertThat(o.table().notes()).anyMatch(n -> n.contains("load throughput: ours/QEMU"));
    }

    @Test
    void selectTimesAreReadFromQemusTimestampedTraceLinesInOrder() {
        String text = """
                12@100.000010:fw_cfg_select 0x9020000 key 0x0011 'kernel_data', ret: 1
                UEFI output in between
                13@100.000500:fw_cfg_select 0x55aa key 0x000b 'initdr_size', ret: 1\r
                13@100.000600:fw_cfg_select 0x55aa key 0x0011 'kernel_data', ret: 1
                13@101.000001:fw_cfg_select 0x55aa key 0x0014 'cmdline_size', ret: 1
                """;
        assertThat(Bench.selectTimes(text, 0x11, 0x0b, 0x14)).containsExactly(100_000_010L, 100_000_500L, 101_000_001L);
        // a key that never comes after the one before it
        assertThat(Bench.selectTimes(text, 0x14, 0x0b)).isNull();
    }

    @Test
    void linuxRunBootsDebiansKernelDirectlyAndThroughUBootOnBothSides(@TempDir Path out) throws Exception {
        Path qemu = QemuRunner.findQemu().orElseThrow();
        Emulator ours = ours();
        Bench.Outcome o = Bench.run(BenchSpec.parse("linux,runs=1,out=" + out), ours, Emulator.qemu(qemu),
                new PrintWriter(new StringWriter(), true));
        List<Row> rows = o.table().rows();
        List<String> perPath = List.of("spawn to Run /init", "spawn to the fw_cfg report's end",
                "spawn to exit (poweroff -f)", "VmHWM at /init", "guest RAM resident at /init",
                "RssFile at /init (mapped files)");
        List<String> all = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.addAll(perPath);
        }
        assertThat(rows).extracting(Row::metric).containsExactlyElementsOf(all);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.ours()).as(r.key()).isNotNull();
            if (!r.metric().startsWith("guest RAM resident")) {
                assertThat(r.qemu()).as(r.key()).isNotNull();
            }
        });
        // the guest touches part of its 512 MiB, and the resident part shows
        assertThat(rows).filteredOn(r -> r.metric().startsWith("guest RAM resident"))
                .allSatisfy(r -> assertThat(r.ours().median()).isBetween(16.0, 512.0));
        assertThat(o.table().notes()).anyMatch(n -> n.contains("linux-direct: VmHWM at /init <= guest RAM resident"));
        assertThat(o.table().notes()).anyMatch(n -> n.contains("Linux through U-Boot, spawn to Run /init"))
                .anyMatch(n -> n.contains("Linux through UEFI, spawn to Run /init"));
        assertThat(Files.readAllLines(o.csv())).hasSize(rows.size() + 1);
    }
}
