package dev.virtfw.fwcfg;

import static dev.virtfw.fwcfg.FwCfgSpec.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH benchmarks of the fw_cfg device.
 * <ul>
 * <li>{@code dmaRead}: one DMA SELECT|READ of a whole memory-mapped file item (1, 16, 64 MiB) into
 *     a RAM segment, triggered by one 64-bit register write; beside it {@code plainCopy}, a bare
 *     {@link MemorySegment#copy} of the same bytes into the same RAM, the floor the DMA is held to
 *     (goal: within 1.2x).</li>
 * <li>{@code legacyRead1}/{@code legacyRead8}: the legacy data register, per access (ns per 1-byte
 *     and 8-byte read).</li>
 * </ul>
 * Run: {@code mvn -B -pl device-fwcfg -am -Pjmh test -DskipTests} (JMH options in
 * {@code -Djmh.args="..."}; the default is a short run).
 */
public class FwCfgBenchmark {
    static final long RAM_BASE = 0x4000_0000L;
    static final long BUFFER = 4096;

    /** RAM over one segment at RAM_BASE, as a board would implement it. */
    record SegmentRam(MemorySegment ram) implements GuestMemory {
        @Override
        public long ramBytesAt(GuestAddress gpa, long length) {
            long off = gpa.value() - RAM_BASE;
            if (length <= 0 || Long.compareUnsigned(off, ram.byteSize()) >= 0) {
                return 0;
            }
            return Math.min(length, ram.byteSize() - off);
        }

        @Override
        public MemorySegment slice(GuestAddress gpa, long length) {
            return ram.asSlice(gpa.value() - RAM_BASE, length);
        }
    }

    @State(Scope.Benchmark)
    public static class Dma {
        @Param({"1048576", "16777216", "67108864"})
        public int size;

        Path file;
        Arena arena;
        MemorySegment ram;
        MemorySegment source;
        FwCfgDevice device;
        int key;
        long descriptorWrite;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            file = Files.createTempFile("fwcfg-bench", ".bin");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
                for (int i = 0; i < chunk.capacity(); i++) {
                    chunk.put(i, (byte) (i * 31 + 7));
                }
                for (long written = 0; written < size; written += chunk.capacity()) {
                    chunk.rewind();
                    ch.write(chunk);
                }
            }
            arena = Arena.ofShared();
            ram = arena.allocate(BUFFER + size, 4096);
            FwCfgItems items = FwCfgItems.create().addFile("opt/blob", file);
            source = items.file("opt/blob").orElseThrow().contents();
            device = new FwCfgDevice(items, new SegmentRam(ram));
            key = items.files().getFirst().select();
            // Touch RAM once so neither side pays first-touch page faults in the measurement.
            ram.fill((byte) 0);
            ValueLayout.OfInt be32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
            ram.set(be32, 4, size);
            ram.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 8, RAM_BASE + BUFFER);
            descriptorWrite = Layouts.cpuToBe64(RAM_BASE);
            // The benchmark must measure a transfer that really happens: check one.
            int control = new FwCfgBenchmark().dmaRead(this);
            if (control != 0 || MemorySegment.mismatch(ram, BUFFER, BUFFER + size, source, 0, size) != -1) {
                throw new IllegalStateException("the DMA READ under test did not copy the item (control " + control + ")");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            device.close();
            arena.close();
            Files.deleteIfExists(file);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int dmaRead(Dma s) {
        s.ram.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0,
                s.key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ);
        s.device.write(FW_CFG_DMA_OFFSET, 8, s.descriptorWrite);
        return s.ram.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public MemorySegment plainCopy(Dma s) {
        MemorySegment.copy(s.source, 0, s.ram, BUFFER, s.size);
        return s.ram;
    }

    @State(Scope.Benchmark)
    public static class Legacy {
        static final int READS = 1024;
        FwCfgDevice device;
        Arena arena;
        long selectValue;

        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofShared();
            byte[] blob = new byte[READS * 8];
            for (int i = 0; i < blob.length; i++) {
                blob[i] = (byte) i;
            }
            device = new FwCfgDevice(FwCfgItems.create().addBytes(FW_CFG_KERNEL_DATA, blob),
                    new SegmentRam(arena.allocate(4096)));
            selectValue = Layouts.cpuToBe16(FW_CFG_KERNEL_DATA);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            device.close();
            arena.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(Legacy.READS)
    public long legacyRead1(Legacy s) {
        s.device.write(FW_CFG_CTL_OFFSET, 2, s.selectValue);
        long sum = 0;
        for (int i = 0; i < Legacy.READS; i++) {
            sum += s.device.read(FW_CFG_DATA_OFFSET, 1);
        }
        return sum;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(Legacy.READS)
    public long legacyRead8(Legacy s) {
        s.device.write(FW_CFG_CTL_OFFSET, 2, s.selectValue);
        long sum = 0;
        for (int i = 0; i < Legacy.READS; i++) {
            sum += s.device.read(FW_CFG_DATA_OFFSET, 8);
        }
        return sum;
    }
}
