package dev.virtfw.devicetree.dts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compiler on sources no one here wrote: every arm64 and arm board source of Debian 12's
 * linux-source-6.1 (folder in system property {@value #LINUX_DTS}, which ./test passes),
 * preprocessed as the kernel build does, then compiled by dtc and by {@link DtsCompiler}: the same
 * bytes wherever dtc writes a blob, the same first error line wherever dtc refuses. Sources that
 * declare /plugin/ and every tenth other source are compiled with {@code -@} as well. Then every
 * DTB of Debian's arm64 kernel package (system property {@value #KERNEL_DTBS}) round-trips: the
 * DTS dtc prints for it, compiled by us, gives the bytes dtc gives.
 */
class KernelDtsCorpusTest {
    static final String LINUX_DTS = "virtfw.linux.dts";
    static final String KERNEL_DTBS = "virtfw.kernel.dtbs";

    @TempDir
    Path scratch;

    static Path folder(String property) {
        String value = System.getProperty(property, "");
        assertThat(value).as("system property %s (./test passes it; see scripts/lib.sh)", property).isNotEmpty();
        Path p = Path.of(value);
        assertThat(p).isDirectory();
        return p;
    }

    static int threads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** What one source gave: which way it went, and a line when dtc and we disagree. */
    record Outcome(boolean compiled, boolean symbols, String mismatch) {}

    @Test
    void everyKernelSourceCompilesToDtcsBytesOrFailsWithDtcsError() throws Exception {
        Path tree = folder(LINUX_DTS);
        List<Path> sources = new ArrayList<>();
        for (String arch : List.of("arch/arm64/boot/dts", "arch/arm/boot/dts")) {
            try (Stream<Path> s = Files.walk(tree.resolve(arch))) {
                s.filter(p -> p.toString().endsWith(".dts")).map(tree::relativize).sorted().forEach(sources::add);
            }
        }
        assertThat(sources).hasSizeGreaterThan(2000);
        Path prefixes = Path.of("scripts/dtc/include-prefixes");
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger index = new AtomicInteger();
        ToolCache cache = ToolCache.forTree(scratch, tree);
        // Twice as many jobs as cores: while one waits for its cpp or dtc process, another compiles.
        try (ExecutorService pool = Executors.newFixedThreadPool(2 * threads())) {
            List<Future<?>> jobs = new ArrayList<>();
            for (Path src : sources) {
                int n = index.getAndIncrement();
                jobs.add(pool.submit(() -> outcomes.add(compileBoth(cache, tree, prefixes, src, n % 10 == 0))));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        }
        List<String> mismatches = outcomes.stream().map(Outcome::mismatch).filter(m -> m != null).sorted().toList();
        long compiled = outcomes.stream().filter(Outcome::compiled).count();
        long symbols = outcomes.stream().filter(Outcome::symbols).count();
        System.out.printf("kernel DTS corpus: %d sources, %d compiled by dtc (%d also with -@), %d refused by dtc, %d mismatches%n",
                outcomes.size(), compiled, symbols, outcomes.size() - compiled, mismatches.size());
        assertThat(mismatches).as("sources where we differ from dtc").isEmpty();
    }

    private Outcome compileBoth(ToolCache cache, Path tree, Path prefixes, Path src, boolean alsoSymbols) {
        try {
            // The preprocessed source lives in the cache under a stable name, so dtc's messages (which name it) keep.
            Dtc.Run[] cpp = {null};
            Path pre = cache.file(src.toString().replace('/', '_') + ".pre", out -> {
                cpp[0] = Dtc.run(scratch, tree, List.of("cpp", "-nostdinc", "-I", prefixes.toString(), "-undef",
                        "-D__DTS__", "-x", "assembler-with-cpp", "-o", out.toString(), src.toString()));
                if (cpp[0].status() != 0) {
                    throw new IllegalStateException("cpp failed: " + cpp[0].err().lines().findFirst().orElse(""));
                }
            });
            String dir = src.getParent().toString();
            boolean plugin = Files.readString(pre, StandardCharsets.ISO_8859_1).contains("/plugin/");
            Comparison plain = compare(cache, tree, pre, dir, prefixes, false);
            if (plain.mismatch() != null || !plain.dtcCompiled() || !(plugin || alsoSymbols)) {
                return new Outcome(plain.dtcCompiled(), false, plain.mismatch() == null ? null : src + ": " + plain.mismatch());
            }
            Comparison withSymbols = compare(cache, tree, pre, dir, prefixes, true);
            return new Outcome(true, true, withSymbols.mismatch() == null ? null : src + ": " + withSymbols.mismatch());
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, false, src + ": " + e);
        }
    }

    /** Whether dtc wrote a blob, and how we differ from it (null when we agree). */
    record Comparison(boolean dtcCompiled, String mismatch) {}

    /** Compiles with dtc and with us, with the include folders the kernel build gives dtc. */
    private Comparison compare(ToolCache cache, Path tree, Path pre, String dir, Path prefixes, boolean symbols) {
        List<String> flags = new ArrayList<>(List.of("-i", dir, "-i", prefixes.toString()));
        if (symbols) {
            flags.add("-@");
        }
        Dtc.Run dtc = cache.run("dtc " + flags + " " + pre,
                () -> Dtc.compile(scratch, tree, pre, flags.toArray(String[]::new)));
        boolean dtcCompiled = dtc.status() == 0;
        DtsOptions options = DtsOptions.defaults().withWorkingDir(tree).withSymbols(symbols)
                .withIncludeDirs(List.of(Path.of(dir), prefixes));
        byte[] ours;
        try {
            ours = DtsCompiler.compile(pre, options).toDtb();
        } catch (DtsException e) {
            if (dtcCompiled) {
                return new Comparison(true, "dtc compiles it, we refuse: " + e.getMessage());
            }
            String theirs = dtc.firstError();
            return new Comparison(false, theirs.equals(e.getMessage()) ? null
                    : "both refuse, differently: dtc '" + theirs + "', ours '" + e.getMessage() + "'");
        }
        if (!dtcCompiled) {
            return new Comparison(false, "dtc refuses (" + dtc.firstError() + "), we compile it");
        }
        return new Comparison(true, Arrays.equals(dtc.out(), ours) ? null
                : "blobs differ" + (symbols ? " with -@" : "") + " (dtc " + dtc.out().length + " bytes, ours " + ours.length + ")");
    }

    @Test
    void everyKernelPackageDtbRoundTripsThroughDtcsSource() throws Exception {
        Path dtbs = folder(KERNEL_DTBS);
        List<Path> blobs;
        try (Stream<Path> s = Files.walk(dtbs)) {
            blobs = s.filter(p -> p.toString().endsWith(".dtb")).sorted().toList();
        }
        assertThat(blobs).hasSizeGreaterThan(500);
        List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
        ToolCache cache = ToolCache.forTree(scratch, dtbs);
        try (ExecutorService pool = Executors.newFixedThreadPool(2 * threads())) {
            List<Future<?>> jobs = new ArrayList<>();
            for (Path blob : blobs) {
                jobs.add(pool.submit(() -> {
                    String m = roundTrip(cache, dtbs, blob);
                    if (m != null) {
                        mismatches.add(blob.getFileName() + ": " + m);
                    }
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        }
        System.out.printf("kernel DTB round trip: %d blobs, %d mismatches%n", blobs.size(), mismatches.size());
        assertThat(mismatches).as("blobs whose dtc source we compile differently").isEmpty();
    }

    /** dtc -I dtb -O dts, then that source compiled by dtc and by us; null when the bytes agree. */
    private String roundTrip(ToolCache cache, Path dtbs, Path blob) {
        try {
            Path src = cache.file(dtbs.relativize(blob).toString().replace('/', '_') + ".dts", out -> {
                Dtc.Run dts = Dtc.run(scratch, scratch, List.of("dtc", "-q", "-I", "dtb", "-O", "dts", "-o",
                        out.toString(), blob.toString()));
                if (dts.status() != 0) {
                    throw new IllegalStateException("dtc cannot print it: " + dts.err());
                }
            });
            Dtc.Run dtc = cache.run("dtc -q " + src, () -> Dtc.compile(scratch, scratch, src, "-q"));
            if (dtc.status() != 0) {
                return "dtc refuses its own source: " + dtc.err();
            }
            byte[] ours = DtsCompiler.compile(src, DtsOptions.defaults()).toDtb();
            return Arrays.equals(ours, dtc.out()) ? null : "blobs differ";
        } catch (RuntimeException e) {
            return e.toString();
        }
    }
}
