package dev.virtfw.machine.memory;

import java.util.concurrent.TimeUnit;
import java.lang.foreign.MemorySegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The copies a DMA can use between two anonymous mappings of the kind guest RAM is (touched
 * first, so no page faults are timed): the JDK's {@link MemorySegment#copy}, glibc's
 * {@code memcpy} through the critical downcall, and {@link BulkCopy#copy}, which picks between
 * them at {@link BulkCopy#NATIVE_THRESHOLD}. The sizes span a descriptor-sized copy to a kernel.
 * Run: {@code mvn -B -pl machine-virt/board -am -Pjmh test -DskipTests} (JMH options in
 * {@code -Djmh.args="..."}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CopyBenchmark {
    @Param({"1", "64", "4096", "16384", "32768", "65536", "1048576", "67108864"})
    public long size;

    private HostMapping srcMapping;
    private HostMapping dstMapping;
    private MemorySegment src;
    private MemorySegment dst;

    @Setup(Level.Trial)
    public void setUp() {
        long mapped = Math.max(4096, (size + 4095) & -4096L);
        srcMapping = HostMapping.anonymous(mapped);
        dstMapping = HostMapping.anonymous(mapped);
        src = srcMapping.segment().asSlice(0, size);
        dst = dstMapping.segment().asSlice(0, size);
        src.fill((byte) 0x5a);
        dst.fill((byte) 0);
        BulkCopy.memcpy(dst, src, size);
        if (src.mismatch(dst) != -1) {
            throw new IllegalStateException("memcpy did not copy");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        srcMapping.close();
        dstMapping.close();
    }

    @Benchmark
    public void jdkCopy() {
        MemorySegment.copy(src, 0, dst, 0, size);
    }

    @Benchmark
    public void glibcMemcpy() {
        BulkCopy.memcpy(dst, src, size);
    }

    @Benchmark
    public void bulkCopy() {
        BulkCopy.copy(src, 0, dst, 0, size);
    }
}
