package dev.virtfw.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench.bin on real QEMU: every plan step loads what the host file holds (its first and last
 * eight bytes come back in the sample lines), prints one TIME line per transfer with the size
 * or access count, and a bad step is reported without stopping the plan.
 */
class BenchFirmwareTest {
    private static final ValueLayout.OfLong LE_U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final String ITEM = "opt/virtfw/bench/item";
    private static final long SIZE = (64L << 10) + 24;

    @Test
    void followsThePlanAndLoadsTheFileByEveryMethod(@TempDir Path dir) throws Exception {
        Tools.onPath("qemu-system-aarch64", "qemu-system-arm");
        GeneratedFile item = TestInitrd.write(dir.resolve("item"), SIZE, 99);
        Path plan = dir.resolve("plan");
        Files.writeString(plan, String.join("\n",
                "dma " + ITEM + " 2",
                "legacy1 " + ITEM,
                "legacy8 " + ITEM,
                "mmio1 " + ITEM + " 1000",
                "",
                "mmio8 " + ITEM + " 100",
                "dmachunk " + ITEM + " 1 50",
                "dmachunk " + ITEM + " 4096 3",
                "dmaskip " + ITEM + " 4096 2",
                "dmachunk " + ITEM + " 4096 " + (SIZE / 4096 + 1),
                "dmaskip " + ITEM + " 8",
                "dma opt/virtfw/none 1",
                "legacy8 " + ITEM + " 3",
                "fly " + ITEM) + "\n");
        Path bios = TestData.extract(Firmware.BENCH, dir);
        QemuRunner.Result r = QemuRunner.run(QemuRunner.virtArgs("-m", "256", "-bios", bios.toString(),
                "-fw_cfg", "name=opt/virtfw/bench-plan,file=" + plan,
                "-fw_cfg", "name=" + ITEM + ",file=" + item.path()), Duration.ofSeconds(60));
        assertThat(r.exitedCleanly()).as(r.output()).isTrue();

        long first;
        long last;
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(item.path(), StandardOpenOption.READ)) {
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, SIZE, arena);
            first = m.get(LE_U64, 0);
            last = m.get(LE_U64, SIZE - 8);
        }
        String sample = String.format("first=0x%016x last=0x%016x", first, last);
        assertThat(r.lines()).startsWith("virtfw bench");
        for (String step : List.of("dma-fresh", "dma-repeat", "legacy1", "legacy8")) {
            assertThat(r.lines()).contains("BENCH sample " + step + ":" + ITEM + " " + sample);
        }
        assertThat(r.linesStartingWith("TIME bench-dma-fresh:" + ITEM + " " + SIZE + " ")).hasSize(1);
        assertThat(r.linesStartingWith("TIME bench-dma-repeat:" + ITEM + " " + SIZE + " ")).hasSize(2);
        assertThat(r.linesStartingWith("TIME bench-legacy1:" + ITEM + " " + SIZE + " ")).hasSize(1);
        assertThat(r.linesStartingWith("TIME bench-legacy8:" + ITEM + " " + SIZE + " ")).hasSize(1);
        assertThat(r.linesStartingWith("TIME bench-mmio1:" + ITEM + " 1000 ")).hasSize(1);
        assertThat(r.linesStartingWith("TIME bench-mmio8:" + ITEM + " 100 ")).hasSize(1);
        assertThat(r.linesStartingWith("TIME bench-dmachunk1:" + ITEM + " 50 ")).hasSize(1);
        assertThat(r.linesStartingWith("TIME bench-dmachunk4096:" + ITEM + " 3 ")).hasSize(1);
        assertThat(r.linesStartingWith("TIME bench-dmaskip4096:" + ITEM + " 2 ")).hasSize(1);
        // the last of three 4 KiB chunks is the file's third 4 KiB
        long third;
        long thirdEnd;
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(item.path(), StandardOpenOption.READ)) {
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, SIZE, arena);
            third = m.get(LE_U64, 8192);
            thirdEnd = m.get(LE_U64, 3 * 4096 - 8);
        }
        assertThat(r.lines()).contains(String.format("BENCH chunk dmachunk4096:%s at=8192 first=0x%016x last=0x%016x",
                ITEM, third, thirdEnd));
        for (String line : r.linesStartingWith("TIME bench-")) {
            String[] w = line.split(" ");
            assertThat(w).as(line).hasSize(5);
            assertThat(Long.parseLong(w[3])).as(line).isPositive();
            assertThat(w[4]).isEqualTo("62500000");
        }
        assertThat(r.lines()).contains("BENCH error opt/virtfw/none: no such fw_cfg file",
                "BENCH error legacy8: wrong arguments", "BENCH error fly: unknown step",
                "BENCH error " + ITEM + ": the chunks run past the end of the file", "BENCH error dmaskip: wrong arguments",
                "BENCH done steps=9");
    }

    @Test
    void withoutAPlanItSaysSoAndPowersOff(@TempDir Path dir) throws Exception {
        Tools.onPath("qemu-system-aarch64", "qemu-system-arm");
        Path bios = TestData.extract(Firmware.BENCH, dir);
        QemuRunner.Result r = QemuRunner.run(QemuRunner.virtArgs("-bios", bios.toString()), Duration.ofSeconds(30));
        assertThat(r.exitedCleanly()).as(r.output()).isTrue();
        assertThat(r.lines()).containsExactly("virtfw bench", r.lines().get(1),
                "BENCH error opt/virtfw/bench-plan: no such fw_cfg file");
        assertThat(r.lines().get(1)).startsWith("TIME entry 0 ");
    }
}
