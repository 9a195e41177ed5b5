package dev.virtfw.devicetree.bench;

import dev.virtfw.devicetree.dts.DtsCompiler;
import dev.virtfw.devicetree.dts.DtsOptions;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compiling the kernel source whose blob is the largest of Debian's arm64 kernel package,
 * {@code arch/arm64/boot/dts/qcom/sc7280-herobrine-crd.dts} (123 KB as a blob), preprocessed once in the set-up as the kernel build does:
 * {@link DtsCompiler} in this JVM against dtc 1.6.1 started as a process for each compilation
 * (what a build that calls dtc pays), both writing the blob dtc writes.
 *
 * <p>The kernel tree comes from the environment variable {@code VIRTFW_LINUX_DTS} (or the system
 * property {@code virtfw.linux.dts}), as {@code scripts/lib.sh}'s {@code linux_dts_sources} prints it:
 *
 * <pre>
 * source scripts/lib.sh &amp;&amp; find_jdk
 * VIRTFW_LINUX_DTS=$(linux_dts_sources) mvn -f devicetree/pom.xml test-compile exec:exec@jmh -Djmh.args=DtsCompileBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DtsCompileBenchmark {
    static final String SOURCE = "arch/arm64/boot/dts/qcom/sc7280-herobrine-crd.dts";
    private static final String PREFIXES = "scripts/dtc/include-prefixes";

    private Path tree;
    private Path preprocessed;
    private DtsOptions options;
    private List<String> dtc;

    @Setup
    public void setUp() throws IOException, InterruptedException {
        String folder = System.getenv().getOrDefault("VIRTFW_LINUX_DTS", System.getProperty("virtfw.linux.dts", ""));
        if (folder.isBlank()) {
            throw new IllegalStateException("set VIRTFW_LINUX_DTS to the kernel tree (scripts/lib.sh: linux_dts_sources)");
        }
        tree = Path.of(folder);
        preprocessed = Files.createTempFile("bench", ".dts");
        run(List.of("cpp", "-nostdinc", "-I", PREFIXES, "-undef", "-D__DTS__", "-x", "assembler-with-cpp", "-o",
                preprocessed.toString(), SOURCE));
        String dir = Path.of(SOURCE).getParent().toString();
        options = DtsOptions.defaults().withWorkingDir(tree).withIncludeDirs(List.of(Path.of(dir), Path.of(PREFIXES)));
        dtc = List.of("dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "/dev/null", "-i", dir, "-i", PREFIXES,
                preprocessed.toString());
        run(dtc);
    }

    @TearDown
    public void tearDown() throws IOException {
        Files.deleteIfExists(preprocessed);
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(tree.toFile()).redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " failed");
        }
    }

    @Benchmark
    public byte[] ours() {
        return DtsCompiler.compile(preprocessed, options).toDtb();
    }

    @Benchmark
    public void dtcProcess() throws IOException, InterruptedException {
        run(dtc);
    }
}
