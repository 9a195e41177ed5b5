package dev.virtfw.machine.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.virtfw.machine.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The bench's parsing and statistics, checked on hand-computed values. */
class BenchParsingTest {

    @Nested
    class Summaries {
        @Test
        void oddCountTakesTheMiddleValue() {
            Summary s = Summary.of(List.of(5.0, 1.0, 3.0));
            assertThat(s).isEqualTo(new Summary(3.0, 1.0, 5.0, 3));
            assertThat(s.spreadPercent()).isCloseTo(133.33, within(0.01));
        }

        @Test
        void evenCountAveragesTheTwoMiddleValues() {
            assertThat(Summary.of(List.of(4.0, 1.0, 2.0, 10.0))).isEqualTo(new Summary(3.0, 1.0, 10.0, 4));
        }

        @Test
        void oneRunHasNoSpread() {
            Summary s = Summary.of(List.of(7.5));
            assertThat(s.spreadPercent()).isZero();
            assertThat(s.format(3)).isEqualTo("7.50");
        }

        @Test
        void formatShowsMedianAndRangeWithSignificantDigits() {
            assertThat(Summary.of(List.of(1234.0, 1100.0, 1500.0)).format(3)).isEqualTo("1234 [1100-1500]");
            assertThat(Summary.of(List.of(0.01234, 0.012, 0.013)).format(3)).isEqualTo("0.0123 [0.0120-0.0130]");
        }

        @Test
        void refusesNothingAndNaN() {
            assertThatThrownBy(() -> Summary.of(List.of())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Summary.of(List.of(1.0, Double.NaN))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Summary(5, 6, 7, 1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class TimeLines {
        @Test
        void parsesTheFirmwareFormat() {
            TimeLine t = TimeLine.parse("TIME bench-dma-fresh:opt/virtfw/bench/1M 1048576 17102 62500000\r").orElseThrow();
            assertThat(t).isEqualTo(new TimeLine("bench-dma-fresh:opt/virtfw/bench/1M", 1048576, 17102, 62500000));
            assertThat(t.seconds()).isCloseTo(17102 / 62.5e6, within(1e-12));
            assertThat(t.bytesPerSecond() / (1 << 20)).isCloseTo(3654.5, within(0.1));
        }

        @Test
        void skipsEverythingElse() {
            assertThat(TimeLine.parse("virtfw bench")).isEmpty();
            assertThat(TimeLine.parse("TIME entry 0 142408")).isEmpty();
            assertThat(TimeLine.parse("TIME entry 0 142408 0")).isEmpty();
            assertThat(TimeLine.parse("TIME entry -1 142408 62500000")).isEmpty();
            assertThat(TimeLine.parse("TIME entry x 1 62500000")).isEmpty();
            assertThat(TimeLine.parse("TIME entry 0 99999999999999999999 62500000")).isEmpty();
            assertThat(TimeLine.parseAll(List.of("BENCH done steps=1", "TIME a 1 2 3", "TIME b 4 5 6 7")))
                    .containsExactly(new TimeLine("a", 1, 2, 3));
        }

        @Test
        void zeroTicksIsInfinitelyFast() {
            assertThat(new TimeLine("x", 10, 0, 1).bytesPerSecond()).isInfinite();
        }
    }

    @Nested
    class Specs {
        @Test
        void emptyIsQuickIntoBenchResults() {
            BenchSpec s = BenchSpec.parse("");
            assertThat(s.mode()).isEqualTo(BenchSpec.Mode.QUICK);
            assertThat(s.runs()).isEqualTo(3);
            assertThat(s.out()).isEqualTo(Path.of("bench-results"));
            assertThat(s.dmaSizes()).containsExactly(1L << 20, 16L << 20, 64L << 20, 256L << 20);
            assertThat(s.legacy1Sizes()).containsExactly(1L << 20);
            assertThat(s.kernelSize()).isEqualTo(64L << 20);
            assertThat(s.initrdSize()).isEqualTo(16L << 20);
        }

        @Test
        void modeRunsAndFolder() {
            BenchSpec s = BenchSpec.parse("tiny,runs=2,out=/tmp/x");
            assertThat(s.mode()).isEqualTo(BenchSpec.Mode.TINY);
            assertThat(s.runs()).isEqualTo(2);
            assertThat(s.out()).isEqualTo(Path.of("/tmp/x"));
            assertThat(s.itemSizes()).containsExactly(64L << 10);
            assertThat(BenchSpec.parse("runs=7").mode()).isEqualTo(BenchSpec.Mode.QUICK);
            assertThat(BenchSpec.parse("full").runs()).isEqualTo(5);
            BenchSpec linux = BenchSpec.parse("linux,runs=1");
            assertThat(linux.mode()).isEqualTo(BenchSpec.Mode.LINUX);
            assertThat(linux.itemSizes()).isEmpty();
            assertThat(linux.runs()).isEqualTo(1);
            BenchSpec uboot = BenchSpec.parse("uboot");
            assertThat(uboot.mode()).isEqualTo(BenchSpec.Mode.UBOOT);
            assertThat(List.of((long) uboot.runs(), uboot.kernelSize(), uboot.initrdSize()))
                    .containsExactly(3L, 64L << 20, 16L << 20);
        }

        @Test
        void badSpecsSayWhatIsWrong() {
            assertThatThrownBy(() -> BenchSpec.parse("fast")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("unknown mode 'fast' (tiny, quick, full, linux, uboot or uefi)");
            assertThatThrownBy(() -> BenchSpec.parse("quick,runs=x")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("whole number");
            assertThatThrownBy(() -> BenchSpec.parse("quick,runs=0")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("out of range");
            assertThatThrownBy(() -> BenchSpec.parse("quick,colour=red")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("unknown setting 'colour=red'");
            assertThatThrownBy(() -> BenchSpec.parse("quick,tiny")).isInstanceOf(ConfigException.class);
        }

        @Test
        void sizeNames() {
            assertThat(BenchSpec.sizeName(64L << 10)).isEqualTo("64K");
            assertThat(BenchSpec.sizeName(256L << 20)).isEqualTo("256M");
            assertThat(BenchSpec.sizeName(1000)).isEqualTo("1000");
        }

        @Test
        void planLoadsByDmaFirstThenOneTransferAtATimeThenSingleAccessesThenLegacyAndStores() {
            String plan = Bench.plan(BenchSpec.parse("quick"));
            assertThat(plan.lines()).containsExactly(
                    "dma opt/virtfw/bench/1M 3", "dma opt/virtfw/bench/16M 3", "dma opt/virtfw/bench/64M 3",
                    "dma opt/virtfw/bench/256M 3",
                    "dmachunk opt/virtfw/bench/1M 1 4096", "dmachunk opt/virtfw/bench/1M 1 4096",
                    "dmachunk opt/virtfw/bench/1M 1 4096", "dmachunk opt/virtfw/bench/1M 4096 256",
                    "dmachunk opt/virtfw/bench/1M 4096 256", "dmachunk opt/virtfw/bench/1M 4096 256",
                    "dmachunk opt/virtfw/bench/1M 65536 16", "dmachunk opt/virtfw/bench/1M 65536 16",
                    "dmachunk opt/virtfw/bench/1M 65536 16", "dmaskip opt/virtfw/bench/1M 4096 256",
                    "dmaskip opt/virtfw/bench/1M 4096 256", "dmaskip opt/virtfw/bench/1M 4096 256",
                    "mmio1 opt/virtfw/bench/256M 500000",
                    "mmio1 opt/virtfw/bench/256M 500000", "mmio1 opt/virtfw/bench/256M 500000",
                    "mmio8 opt/virtfw/bench/256M 500000", "mmio8 opt/virtfw/bench/256M 500000",
                    "mmio8 opt/virtfw/bench/256M 500000", "legacy8 opt/virtfw/bench/1M", "legacy8 opt/virtfw/bench/16M",
                    "store8 opt/virtfw/bench/16M", "store8 opt/virtfw/bench/16M", "store8 opt/virtfw/bench/16M",
                    "legacy1 opt/virtfw/bench/1M");
            assertThat(Bench.plan(BenchSpec.parse("tiny")).lines()).contains("mmio1 opt/virtfw/bench/64K 1000",
                    "mmio8 opt/virtfw/bench/64K 1000", "dmachunk opt/virtfw/bench/64K 1 4096",
                    "dmachunk opt/virtfw/bench/64K 65536 1", "dmaskip opt/virtfw/bench/64K 4096 16");
        }

        @Test
        void ramPlanIsTheDmaStepsThenStoresWithTheMmuOn() {
            BenchSpec quick = BenchSpec.parse("quick");
            List<String> dma = Bench.plan(quick).lines().filter(l -> l.startsWith("dma")).toList();
            List<String> ram = Bench.ramPlan(quick).lines().toList();
            assertThat(ram.subList(0, dma.size())).isEqualTo(dma);
            assertThat(ram.subList(dma.size(), ram.size())).containsExactly("store8nx opt/virtfw/bench/16M",
                    "store8nx opt/virtfw/bench/16M", "store8nx opt/virtfw/bench/16M");
        }
    }

    @Test
    void procStatusMemoryLines() {
        String status = """
                Name:\tjava
                VmPeak:\t 5000000 kB
                VmHWM:\t  300000 kB
                VmRSS:\t  250000 kB
                RssAnon:\t  200000 kB
                RssFile:\t   49000 kB
                RssShmem:\t    1000 kB
                Threads:\t20
                """;
        assertThat(ProcessRun.Memory.parseStatus(status))
                .isEqualTo(new ProcessRun.Memory(300000L << 10, 250000L << 10, 200000L << 10, 49000L << 10, 1000L << 10));
        assertThat(ProcessRun.Memory.parseStatus("garbage")).isEqualTo(ProcessRun.Memory.NONE);
        String smaps = String.join("\n",
                "7f0000000000-7f0000200000 rw-p 00000000 00:00 0 ",
                "Size:               2048 kB",
                "Rss:                   4 kB",
                "7f0000200000-7f0020200000 rw-p 00000000 00:00 0 ",
                "Size:             524288 kB",
                "KernelPageSize:        4 kB",
                "Rss:              131072 kB",
                "7f0020200000-7f0020400000 r--p 00000000 08:01 1234 /usr/lib/x.so",
                "Size:             524288 kB",
                "Rss:                  10 kB");
        assertThat(ProcessRun.residentOfMapping(smaps, 512L << 20)).isEqualTo(128L << 20);
        assertThat(ProcessRun.residentOfMapping(smaps, 2L << 20)).isEqualTo(4L << 10);
        assertThat(ProcessRun.residentOfMapping(smaps, 1L << 30)).isZero();
    }

    @Test
    void csvQuotesAndRatiosAndChartBars() {
        Summary ours = Summary.of(List.of(2.0, 4.0, 3.0));
        Summary qemu = Summary.of(List.of(1.0, 1.0, 1.0));
        Summary ratio = Summary.of(List.of(2.0, 4.0, 3.0));
        BenchTable t = new BenchTable(List.of(
                new Row("tp", "DMA 1M", "MiB/s", true, ours, qemu, ratio, "a, \"b\""),
                new Row("cost", "1-byte", "ns", false, ours, qemu, ratio, ""),
                new Row("host", "copy", "MiB/s", true, ours, null, null, "")), List.of("note"));
        assertThat(t.csv().split("\r\n")).containsExactly(
                String.join(",", BenchTable.CSV_HEADER),
                "tp,DMA 1M,MiB/s,higher,3,2,4,1,1,1,3,2,4,3,\"a, \"\"b\"\"\"",
                "cost,1-byte,ns,lower,3,2,4,1,1,1,3,2,4,3,",
                "host,copy,MiB/s,higher,3,2,4,,,,,,,3,");
        assertThat(t.row("tp", "DMA 1M").oursSpeedup()).isEqualTo(3.0);
        assertThat(t.row("cost", "1-byte").oursSpeedup()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(BenchChart.bars(t)).isEqualTo(2);
        assertThat(t.text()).contains("== tp", "3.00 [2.00-4.00]", "note");
    }
}
