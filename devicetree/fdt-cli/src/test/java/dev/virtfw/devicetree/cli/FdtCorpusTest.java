package dev.virtfw.devicetree.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fdt dts} and {@code fdt dtb} on every DTB the machine can give: QEMU's virt tree dumped
 * now in many configurations, the DTBs QEMU ships, those inside Debian's U-Boot images, and the DTBs shipped with Debian's arm64 kernel package (folder in
 * system property {@value #KERNEL_DTBS}, which ./test passes). For each blob: {@code fdt dts}
 * prints exactly the bytes {@code dtc -I dtb -O dts} prints; {@code fdt dtb} writes a blob that
 * dtc (and {@code fdt dts}) print exactly like the original, with the same boot_cpuid_phys, and
 * that {@code fdt diff} finds equal to the original.
 */
class FdtCorpusTest {
    static final String KERNEL_DTBS = "virtfw.kernel.dtbs";

    @TempDir
    static Path work;

    static final AtomicInteger blobs = new AtomicInteger();
    static final AtomicInteger dtsIdentical = new AtomicInteger();
    static final AtomicInteger roundTripIdentical = new AtomicInteger();
    static final AtomicInteger validated = new AtomicInteger();
    static final AtomicInteger errorsOnlyClean = new AtomicInteger();
    static final java.util.Map<String, Integer> findingsByCheck = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** One way to run QEMU's virt machine: a label and the arguments after {@code -M virt[,...]}. */
    record Variant(String name, String machineOptions, List<String> arguments) {}

    static List<Variant> qemuVariants() {
        List<Variant> variants = new ArrayList<>();
        for (String cpu : List.of("cortex-a53", "cortex-a57", "cortex-a72", "max")) {
            variants.add(new Variant("cpu-" + cpu, "", List.of("-cpu", cpu)));
        }
        for (String smp : List.of("1", "2", "4", "8")) {
            variants.add(new Variant("smp-" + smp, "", List.of("-cpu", "cortex-a57", "-smp", smp)));
        }
        for (String memory : List.of("128M", "512M", "4G")) {
            variants.add(new Variant("m-" + memory, "", List.of("-cpu", "cortex-a57", "-m", memory)));
        }
        for (String gic : List.of("2", "3")) {
            variants.add(new Variant("gic-" + gic, ",gic-version=" + gic, List.of("-cpu", "cortex-a57", "-smp", "4")));
        }
        variants.add(new Variant("default", "", List.of()));
        variants.add(new Variant("gic-3-smp-8-max-4G", ",gic-version=3", List.of("-cpu", "max", "-smp", "8", "-m", "4G")));
        variants.add(new Variant("gic-3-its-off", ",gic-version=3,its=off", List.of("-cpu", "cortex-a72", "-smp", "2")));
        variants.add(new Variant("secure", ",secure=on", List.of("-cpu", "cortex-a57")));
        variants.add(new Variant("virtualization", ",virtualization=on,gic-version=3", List.of("-cpu", "max")));
        variants.add(new Variant("highmem-off", ",highmem=off", List.of("-cpu", "cortex-a53", "-m", "1G")));
        return variants;
    }

    /** Variants that boot a kernel: QEMU adds /chosen's bootargs and initrd range. */
    static List<Variant> kernelVariants(Path kernel, Path initrd) {
        return List.of(
                new Variant("kernel", "", List.of("-cpu", "cortex-a57", "-kernel", kernel.toString())),
                new Variant("kernel-initrd-append", "", List.of("-cpu", "cortex-a57", "-m", "512M", "-kernel",
                        kernel.toString(), "-initrd", initrd.toString(), "-append", "console=ttyAMA0 root=/dev/vda rw")),
                new Variant("kernel-initrd-append-smp-4-gic-3", ",gic-version=3", List.of("-cpu", "max", "-smp", "4",
                        "-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", "quiet")));
    }

    static List<Path> qemuBlobs = new ArrayList<>();

    @BeforeAll
    static void dumpQemuTrees() throws IOException {
        Path kernel = work.resolve("Image");
        Path initrd = work.resolve("initrd.img");
        Files.write(kernel, new byte[64 * 1024]); // QEMU only needs files it can load
        Files.write(initrd, "not really an initrd\n".getBytes(StandardCharsets.US_ASCII));
        List<Variant> variants = new ArrayList<>(qemuVariants());
        variants.addAll(kernelVariants(kernel, initrd));
        Path dir = Files.createDirectories(work.resolve("qemu"));
        for (Variant v : variants) {
            Path dtb = dir.resolve("virt-" + v.name() + ".dtb");
            List<String> command = new ArrayList<>(List.of("qemu-system-aarch64", "-M",
                    "virt" + v.machineOptions() + ",dumpdtb=" + dtb, "-nic", "none", "-display", "none"));
            command.addAll(v.arguments());
            ExternalTools.Outcome qemu = ExternalTools.run(command);
            assertThat(qemu.status()).as("%s: %s", command, qemu.stderr()).isZero();
            assertThat(dtb).isNotEmptyFile();
            qemuBlobs.add(dtb);
        }
    }

    @TestFactory
    Stream<DynamicTest> qemuVirtTrees() {
        assertThat(qemuBlobs).hasSize(qemuVariants().size() + 3);
        return qemuBlobs.stream().flatMap(FdtCorpusTest::testsFor);
    }

    /** The DTBs QEMU ships in its data directories (which {@code -L help} lists), such as its PowerPC boards'. */
    @TestFactory
    Stream<DynamicTest> qemuShippedTrees() throws IOException {
        ExternalTools.Outcome help = ExternalTools.run(List.of("qemu-system-aarch64", "-L", "help"));
        assertThat(help.status()).as(help.stderr()).isZero();
        List<Path> dtbs = new ArrayList<>();
        for (String line : help.out().lines().toList()) {
            Path folder = Path.of(line.strip());
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.walk(folder, 2)) {
                    files.filter(p -> p.getFileName().toString().endsWith(".dtb")).sorted().forEach(dtbs::add);
                }
            }
        }
        assertThat(dtbs).as("DTBs in QEMU's data directories %s", help.out().lines().toList()).isNotEmpty();
        return dtbs.stream().flatMap(FdtCorpusTest::testsFor);
    }

    /**
     * The control DTBs some of Debian's U-Boot builds (package u-boot-qemu, which the tests need
     * anyway) carry appended to {@code u-boot.bin}: found by magic, a version 17 header and a
     * totalsize that fits, and cut out.
     */
    @TestFactory
    Stream<DynamicTest> ubootEmbeddedTrees() throws IOException {
        ExternalTools.Outcome files = ExternalTools.run(List.of("dpkg-query", "-L", "u-boot-qemu"));
        assertThat(files.status()).as("dpkg-query -L u-boot-qemu: %s", files.stderr()).isZero();
        Path out = Files.createDirectories(work.resolve("u-boot"));
        List<Path> dtbs = new ArrayList<>();
        for (String line : files.out().lines().filter(l -> l.endsWith("/u-boot.bin")).toList()) {
            Path image = Path.of(line);
            byte[] bytes = Files.readAllBytes(image);
            java.lang.foreign.MemorySegment seg = java.lang.foreign.MemorySegment.ofArray(bytes);
            for (int at = 0; at + BlobBuilder.HEADER_SIZE <= bytes.length; at += 4) {
                if (seg.get(BlobBuilder.BE_U32, at) != BlobBuilder.FDT_MAGIC
                        || seg.get(BlobBuilder.BE_U32, at + BlobBuilder.HDR_VERSION) != 17) {
                    continue;
                }
                long size = Integer.toUnsignedLong(seg.get(BlobBuilder.BE_U32, at + BlobBuilder.HDR_TOTALSIZE));
                if (size >= BlobBuilder.HEADER_SIZE && at + size <= bytes.length) {
                    Path dtb = out.resolve(image.getParent().getFileName() + ".dtb");
                    Files.write(dtb, Arrays.copyOfRange(bytes, at, (int) (at + size)));
                    dtbs.add(dtb);
                    break;
                }
            }
        }
        assertThat(dtbs).as("control DTBs inside u-boot-qemu's images").isNotEmpty();
        return dtbs.stream().flatMap(FdtCorpusTest::testsFor);
    }

    @TestFactory
    Stream<DynamicTest> debianArm64KernelTrees() throws IOException {
        if (System.getProperty(KERNEL_DTBS, "").isBlank() && !"true".equalsIgnoreCase(System.getenv("CI"))) {
            // One skipped test carrying the reason, so the report shows it.
            return Stream.of(DynamicTest.dynamicTest("kernel DTBs", FdtCorpusTest::kernelDtbs));
        }
        List<Path> dtbs = kernelDtbs();
        assertThat(dtbs).as("DTBs under %s", System.getProperty(KERNEL_DTBS)).hasSizeGreaterThan(100);
        return dtbs.stream().flatMap(blob -> Stream.concat(testsFor(blob), Stream.of(DynamicTest.dynamicTest(
                "validate --errors-only " + blob.getFileName(), () -> errorsOnlyPassesATreeDtcAccepts(blob)))));
    }

    /**
     * A tree dtc prints without an error (each kernel DTB) passes {@code fdt validate
     * --errors-only}: what only the spec or this library asks for (names longer than 31
     * characters...) is a warning.
     */
    static void errorsOnlyPassesATreeDtcAccepts(Path blob) {
        ExternalTools.Outcome dtc = ExternalTools.run(List.of("dtc", "-I", "dtb", "-O", "dts", "-o", "/dev/null",
                blob.toString()));
        assertThat(dtc.stderr()).as("dtc's checks on %s", blob).doesNotContain("ERROR");
        FdtRun run = FdtRun.of("validate", "--errors-only", blob.toString());
        assertThat(run.out() + run.err()).as("fdt validate --errors-only %s", blob).isEmpty();
        assertThat(run.status()).isZero();
        errorsOnlyClean.incrementAndGet();
    }

    /** The kernel package's DTBs; in CI a missing property fails, elsewhere the tests are skipped with the reason. */
    static List<Path> kernelDtbs() throws IOException {
        String folder = System.getProperty(KERNEL_DTBS, "");
        if (folder.isBlank()) {
            String why = "system property " + KERNEL_DTBS + " is not set: run ./test, or pass -D" + KERNEL_DTBS
                    + "=\"$(source scripts/lib.sh; arm64_kernel_dtbs)\" to mvn";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why + " (CI must run these tests)");
            }
            Assumptions.abort(why);
        }
        Path root = Path.of(folder);
        assertThat(root).as(KERNEL_DTBS).isDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".dtb")).sorted().toList();
        }
    }

    static Stream<DynamicTest> testsFor(Path blob) {
        String name = blob.getParent().getFileName() + "/" + blob.getFileName();
        return Stream.of(
                DynamicTest.dynamicTest("dts " + name, () -> dtsPrintsWhatDtcPrints(blob)),
                DynamicTest.dynamicTest("dtb " + name, () -> dtbRewritePrintsLikeTheOriginal(blob, name)),
                DynamicTest.dynamicTest("validate " + name, () -> validatePrintsOneWellFormedLinePerFinding(blob)));
    }

    static void dtsPrintsWhatDtcPrints(Path blob) {
        blobs.incrementAndGet();
        byte[] expected = ExternalTools.dtcDts(blob);
        FdtRun run = FdtRun.of("dts", blob.toString());
        assertThat(run.status()).as("fdt dts %s: %s", blob, run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertSameText(run.out().getBytes(FdtCommand.OUTPUT_CHARSET), expected, blob);
        dtsIdentical.incrementAndGet();
    }

    static void dtbRewritePrintsLikeTheOriginal(Path blob, String name) throws IOException {
        Path rewritten = Files.createDirectories(work.resolve("rewritten").resolve(blob.getParent().getFileName().toString()))
                .resolve(blob.getFileName());
        FdtRun write = FdtRun.of("dtb", blob.toString(), "-o", rewritten.toString());
        assertThat(write.status()).as("fdt dtb %s: %s", name, write.err()).isZero();
        assertThat(write.out() + write.err()).isEmpty();

        byte[] original = Files.readAllBytes(blob);
        byte[] copy = Files.readAllBytes(rewritten);
        assertThat(BlobBuilder.headerField(copy, BlobBuilder.HDR_MAGIC)).isEqualTo(BlobBuilder.FDT_MAGIC);
        assertThat(BlobBuilder.headerField(copy, BlobBuilder.HDR_BOOT_CPUID_PHYS))
                .as("boot_cpuid_phys").isEqualTo(BlobBuilder.headerField(original, BlobBuilder.HDR_BOOT_CPUID_PHYS));
        byte[] expected = ExternalTools.dtcDts(blob);
        assertSameText(ExternalTools.dtcDts(rewritten), expected, rewritten);
        assertSameText(FdtRun.of("dts", rewritten.toString()).out().getBytes(FdtCommand.OUTPUT_CHARSET), expected, rewritten);

        FdtRun diff = FdtRun.of("diff", blob.toString(), rewritten.toString());
        assertThat(diff.status()).as("fdt diff original rewritten: %s%s", diff.out(), diff.err()).isZero();
        assertThat(diff.out()).isEmpty();
        roundTripIdentical.incrementAndGet();
        try {
            Files.delete(rewritten);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One finding line as fdt validate prints it: file, level, check name, node path, then the text. */
    static final java.util.regex.Pattern FINDING =
            java.util.regex.Pattern.compile("(.+): (ERROR|Warning) \\(([a-z0-9_]+)\\): (/[^:]*)(:[^:]+)?: .+");

    /**
     * fdt validate on a real tree: exit 0 with no output or exit 1 with one well-formed line per
     * finding, each naming a node the tree has. (Whether a finding is right is the validator's
     * own tests' business; the counts per check are printed at the end.)
     */
    static void validatePrintsOneWellFormedLinePerFinding(Path blob) {
        FdtRun run = FdtRun.of("validate", blob.toString());
        assertThat(run.err()).isEmpty();
        List<String> lines = run.outLines();
        assertThat(run.status()).isEqualTo(lines.isEmpty() ? ExitCode.OK.status() : ExitCode.FOUND_PROBLEMS.status());
        String dts = FdtRun.of("dts", blob.toString()).out();
        for (String line : lines) {
            java.util.regex.Matcher m = FINDING.matcher(line);
            assertThat(m.matches()).as("finding line %s", line).isTrue();
            assertThat(m.group(1)).isEqualTo(blob.toString());
            String path = m.group(4);
            String leaf = path.substring(path.lastIndexOf('/') + 1);
            assertThat(path.equals("/") || dts.contains("\t" + leaf + " {\n")).as("node of %s exists", line).isTrue();
            findingsByCheck.merge(m.group(2) + " " + m.group(3), 1, Integer::sum);
        }
        validated.incrementAndGet();
    }

    /** Byte equality, reported as the first differing line so a failure is readable. */
    static void assertSameText(byte[] actual, byte[] expected, Path blob) {
        if (!java.util.Arrays.equals(actual, expected)) {
            List<String> a = new String(actual, StandardCharsets.ISO_8859_1).lines().toList();
            List<String> e = new String(expected, StandardCharsets.ISO_8859_1).lines().toList();
            int line = 0;
            while (line < Math.min(a.size(), e.size()) && a.get(line).equals(e.get(line))) {
                line++;
            }
            fail("%s: output differs from dtc's at line %d: ours %s, dtc %s (lengths %d and %d bytes)", blob, line + 1,
                    line < a.size() ? "\"" + a.get(line) + "\"" : "(end)", line < e.size() ? "\"" + e.get(line) + "\"" : "(end)",
                    actual.length, expected.length);
        }
    }

    @AfterAll
    static void summary() {
        System.out.printf("fdt corpus: %d blobs; fdt dts byte-identical to dtc: %d; fdt dtb round trip identical: %d;"
                + " validated: %d; kernel DTBs without errors (--errors-only): %d; findings per check: %s%n", blobs.get(),
                dtsIdentical.get(), roundTripIdentical.get(), validated.get(), errorsOnlyClean.get(), findingsByCheck);
    }
}
