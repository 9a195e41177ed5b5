package dev.virtfw.devicetree.dts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.devicetree.Dtb;
import dev.virtfw.devicetree.Overlay;
import dev.virtfw.devicetree.OverlayException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overlays of Debian 12's linux-source-6.1 (folder in system property
 * {@value KernelDtsCorpusTest#LINUX_DTS}): every {@code *.dtso}, {@code *-overlay.dts} and
 * {@code /plugin/} source under arch/arm64 and arch/arm, compiled by dtc with {@code -@} and applied
 * to its base boards by fdtoverlay and by {@link Overlay}: the same bytes. A base comes from the
 * kernel Makefiles' {@code name-dtbs := base.dtb overlay.dtbo} lines; an overlay no such line names
 * is applied to every board of its folder whose name shares the overlay's first word and whose
 * {@code __symbols__} holds every label the overlay refers to.
 */
class KernelOverlayCorpusTest {
    private static final Pattern COMPOSED = Pattern.compile("^([\\w.+-]+)-dtbs\\s*:?=\\s*(.+)$", Pattern.MULTILINE);

    @TempDir
    Path scratch;

    /** A base and the overlays applied to it, in order (sources relative to the kernel tree). */
    record Pairing(Path base, List<Path> overlays) {}

    @Test
    void everyKernelOverlayAppliesToItsBasesAsFdtoverlayDoes() throws Exception {
        Path tree = KernelDtsCorpusTest.folder(KernelDtsCorpusTest.LINUX_DTS);
        List<Path> overlays = new ArrayList<>();
        for (String arch : List.of("arch/arm64/boot/dts", "arch/arm/boot/dts")) {
            try (Stream<Path> s = Files.walk(tree.resolve(arch))) {
                s.filter(p -> isOverlaySource(p)).map(tree::relativize).sorted().forEach(overlays::add);
            }
        }
        assertThat(overlays).as("overlay sources").hasSizeGreaterThanOrEqualTo(18);
        Map<Path, byte[]> blobs = new ConcurrentHashMap<>();
        List<Pairing> pairings = pairings(tree, overlays, blobs);
        Set<Path> paired = ConcurrentHashMap.newKeySet();
        pairings.forEach(p -> paired.addAll(p.overlays()));
        assertThat(paired).as("overlays with at least one base").containsExactlyInAnyOrderElementsOf(overlays);

        List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(KernelDtsCorpusTest.threads())) {
            List<Future<?>> jobs = new ArrayList<>();
            for (Pairing p : pairings) {
                jobs.add(pool.submit(() -> {
                    String m = compare(tree, p, blobs, refused);
                    if (m != null) {
                        mismatches.add(p + ": " + m);
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        }
        System.out.printf("kernel overlay corpus: %d overlay sources, %d base+overlay pairings, %d refused by fdtoverlay"
                + " and by us, %d mismatches%n", overlays.size(), pairings.size(), refused.size(), mismatches.size());
        assertThat(mismatches).as("pairings where we differ from fdtoverlay").isEmpty();
    }

    private static boolean isOverlaySource(Path p) {
        String n = p.getFileName().toString();
        if (n.endsWith(".dtso") || n.endsWith("-overlay.dts")) {
            return true;
        }
        try {
            return n.endsWith(".dts") && Files.readString(p, StandardCharsets.ISO_8859_1).contains("/plugin/");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private List<Pairing> pairings(Path tree, List<Path> overlays, Map<Path, byte[]> blobs) throws IOException {
        List<Pairing> out = new ArrayList<>();
        Set<Path> named = new java.util.HashSet<>();
        for (Path folder : overlays.stream().map(Path::getParent).distinct().toList()) {
            Path makefile = tree.resolve(folder).resolve("Makefile");
            if (!Files.exists(makefile)) {
                continue;
            }
            Matcher m = COMPOSED.matcher(Files.readString(makefile, StandardCharsets.ISO_8859_1));
            while (m.find()) {
                List<Path> parts = Arrays.stream(m.group(2).trim().split("\\s+"))
                        .map(part -> folder.resolve(part.replaceAll("\\.dtbo?$", "") + ".dts")).toList();
                List<Path> ovs = new ArrayList<>();
                for (Path part : parts.subList(1, parts.size())) {
                    ovs.add(overlays.contains(part) ? part : sourceOf(tree, part));
                }
                out.add(new Pairing(parts.getFirst(), ovs));
                named.addAll(ovs);
            }
        }
        for (Path overlay : overlays) {
            if (!named.contains(overlay)) {
                for (Path base : basesHoldingLabels(tree, overlay, blobs)) {
                    out.add(new Pairing(base, List.of(overlay)));
                }
            }
        }
        return out;
    }

    /** A .dtso names its source as .dts in Makefiles of this kernel; otherwise the name as given. */
    private static Path sourceOf(Path tree, Path dts) {
        Path dtso = Path.of(dts.toString().replaceAll("\\.dts$", ".dtso"));
        return Files.exists(tree.resolve(dtso)) ? dtso : dts;
    }

    /** Boards in the overlay's folder named like it whose __symbols__ hold every label it refers to. */
    private List<Path> basesHoldingLabels(Path tree, Path overlay, Map<Path, byte[]> blobs) throws IOException {
        byte[] ov = compiled(tree, overlay, blobs);
        List<String> labels = Dtb.parse(ov).find("/__fixups__").map(n -> n.properties().stream()
                .map(p -> p.name()).toList()).orElse(List.of());
        String word = overlay.getFileName().toString().split("[-.]")[0];
        List<Path> bases = new ArrayList<>();
        try (Stream<Path> s = Files.list(tree.resolve(overlay.getParent()))) {
            for (Path candidate : s.map(tree::relativize).sorted().toList()) {
                String name = candidate.getFileName().toString();
                if (!name.endsWith(".dts") || !name.contains(word) || isOverlaySource(tree.resolve(candidate))) {
                    continue;
                }
                var symbols = Dtb.parse(compiled(tree, candidate, blobs)).find("/__symbols__");
                if (symbols.isPresent() && labels.stream().allMatch(l -> symbols.get().property(l).isPresent())) {
                    bases.add(candidate);
                }
            }
        }
        return bases;
    }

    /** cpp as the kernel build runs it, then dtc -@; cached per source, and across runs in the tool cache. */
    private byte[] compiled(Path tree, Path src, Map<Path, byte[]> blobs) {
        return blobs.computeIfAbsent(src, s -> {
            Path prefixes = Path.of("scripts/dtc/include-prefixes");
            Path pre = cache(tree).file(src.toString().replace('/', '_') + ".pre", out -> {
                Dtc.Run cpp = Dtc.run(scratch, tree, List.of("cpp", "-nostdinc", "-I", prefixes.toString(), "-undef",
                        "-D__DTS__", "-x", "assembler-with-cpp", "-o", out.toString(), src.toString()));
                assertThat(cpp.status()).as("cpp %s: %s", src, cpp.err()).isZero();
            });
            String[] flags = {"-q", "-@", "-i", src.getParent().toString(), "-i", prefixes.toString()};
            Dtc.Run dtc = cache(tree).run("dtc " + List.of(flags) + " " + pre, () -> Dtc.compile(scratch, tree, pre, flags));
            assertThat(dtc.status()).as("dtc %s: %s", src, dtc.err()).isZero();
            return dtc.out();
        });
    }

    private ToolCache toolCache;

    private synchronized ToolCache cache(Path tree) {
        if (toolCache == null) {
            toolCache = ToolCache.forTree(scratch, tree);
        }
        return toolCache;
    }

    /** null when fdtoverlay and we agree (same bytes, or both refuse). */
    private String compare(Path tree, Pairing p, Map<Path, byte[]> blobs, List<String> refused) throws IOException {
        byte[] base = compiled(tree, p.base(), blobs);
        List<byte[]> ovs = p.overlays().stream().map(o -> compiled(tree, o, blobs)).toList();
        Path dir = Files.createTempDirectory(scratch, "pair");
        List<String> cmd = new ArrayList<>(List.of("fdtoverlay", "-i", Dtc.write(dir, "base.dtb", base).toString(),
                "-o", dir.resolve("out.dtb").toString()));
        for (int i = 0; i < ovs.size(); i++) {
            cmd.add(Dtc.write(dir, i + ".dtbo", ovs.get(i)).toString());
        }
        Dtc.Run fdtoverlay = Dtc.run(dir, dir, cmd);
        byte[] ours;
        try {
            ours = Overlay.apply(base, ovs);
        } catch (OverlayException e) {
            if (fdtoverlay.status() != 0) {
                refused.add(p.toString());
                return null;
            }
            return "fdtoverlay applies it, we refuse: " + e.getMessage();
        }
        if (fdtoverlay.status() != 0) {
            return "fdtoverlay refuses (" + fdtoverlay.err().strip() + "), we apply it";
        }
        byte[] theirs = Files.readAllBytes(dir.resolve("out.dtb"));
        return Arrays.equals(theirs, ours) ? null : "blobs differ (fdtoverlay " + theirs.length + " bytes, ours "
                + ours.length + ")";
    }
}
