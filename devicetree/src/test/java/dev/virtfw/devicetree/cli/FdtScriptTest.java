package dev.virtfw.devicetree.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./fdt} script at the repository root, run as a process: exit statuses,
 * standard output byte for byte, and exactly one line on standard error when it fails. The
 * first call may build the module (the launcher rebuilds when sources are newer than its last
 * build); only that warm-up call may print more.
 */
class FdtScriptTest {
    @TempDir
    static Path dir;

    static Path script;
    static Path virt;

    @BeforeAll
    static void findScriptAndWarmUp() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !(Files.isExecutable(root.resolve("fdt")) && Files.exists(root.resolve("scripts/lib.sh")))) {
            root = root.getParent();
        }
        assertThat(root).as("repository root with ./fdt above %s", Path.of("").toAbsolutePath()).isNotNull();
        script = root.resolve("fdt");
        ExternalTools.Outcome warmUp = fdt("--version");
        assertThat(warmUp.status()).as("./fdt --version: %s", warmUp.stderr()).isZero();
        assertThat(warmUp.out()).startsWith("fdt ");

        virt = dir.resolve("virt.dtb");
        ExternalTools.Outcome qemu = ExternalTools.run(List.of("qemu-system-aarch64", "-M", "virt,dumpdtb=" + virt,
                "-cpu", "cortex-a57", "-smp", "2", "-nic", "none", "-display", "none"));
        assertThat(qemu.status()).as(qemu.stderr()).isZero();
    }

    /**
     * Runs ./fdt. When any source in the work tree is newer than its last build the launcher
     * rebuilds first and says so on standard error ("building devicetree ...", then whatever
     * Maven's quiet mode leaves: terminal escapes with no line break); those are the launcher's,
     * not fdt's, and are dropped here. Everything else on either stream is kept.
     */
    static ExternalTools.Outcome fdt(String... args) {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        ExternalTools.Outcome run = ExternalTools.run(command);
        String stderr = run.stderr().lines()
                .map(l -> l.replaceAll("\u001b\\[[0-9;]*m", ""))
                .filter(l -> !l.isEmpty() && !l.equals("building devicetree ..."))
                .map(l -> l + "\n")
                .collect(java.util.stream.Collectors.joining());
        return new ExternalTools.Outcome(run.status(), run.stdout(), stderr);
    }

    static void assertFailsWithOneLine(ExternalTools.Outcome run, ExitCode code, String contains) {
        assertThat(run.status()).as("exit status; stderr: %s", run.stderr()).isEqualTo(code.status());
        assertThat(run.out()).as("standard output").isEmpty();
        assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains(contains);
    }

    @Test
    void dtsPrintsDtcsBytesAndNothingElse() {
        ExternalTools.Outcome run = fdt("dts", virt.toString());
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stderr()).isEmpty();
        FdtCorpusTest.assertSameText(run.stdout(), ExternalTools.dtcDts(virt), virt);
    }

    /** A name byte above 0x7f reaches standard output unchanged, as dtc -f prints it (dtc alone refuses the name). */
    @Test
    void nameBytesAbove0x7fReachStandardOutputUnchanged() throws IOException {
        Path latin = dir.resolve("latin.dtb");
        Files.write(latin, new BlobBuilder().beginNode("").beginNodeRaw(new byte[] {'n', (byte) 0xe9, 'd', 0})
                .endNode().endNode().end().build());
        ExternalTools.Outcome dtc = ExternalTools.run(List.of("dtc", "-f", "-I", "dtb", "-O", "dts", latin.toString()));
        assertThat(dtc.out()).contains("\tn\u00e9d {");
        ExternalTools.Outcome run = fdt("dts", latin.toString());
        assertThat(run.status()).as(run.stderr()).isZero();
        FdtCorpusTest.assertSameText(run.stdout(), dtc.stdout(), latin);
    }

    @Test
    void dtbRewritesAndDiffFindsNoDifference() {
        Path out = dir.resolve("rewritten.dtb");
        ExternalTools.Outcome write = fdt("dtb", virt.toString(), "-o", out.toString());
        assertThat(write.status()).as(write.stderr()).isZero();
        assertThat(write.stderr()).isEmpty();
        assertThat(ExternalTools.dtcDts(out)).isEqualTo(ExternalTools.dtcDts(virt));
        ExternalTools.Outcome same = fdt("diff", virt.toString(), out.toString());
        assertThat(same.status()).as(same.out() + same.stderr()).isZero();
        assertThat(same.out()).as("standard output").isEmpty();
    }

    @Test
    void diffOfDifferentTreesExitsOne() throws IOException {
        Path other = dir.resolve("other.dtb");
        ExternalTools.Outcome qemu = ExternalTools.run(List.of("qemu-system-aarch64", "-M", "virt,dumpdtb=" + other,
                "-cpu", "cortex-a57", "-smp", "1", "-nic", "none", "-display", "none"));
        assertThat(qemu.status()).isZero();
        ExternalTools.Outcome run = fdt("diff", virt.toString(), other.toString());
        assertThat(run.status()).isEqualTo(ExitCode.FOUND_PROBLEMS.status());
        assertThat(run.stderr()).isEmpty();
        assertThat(run.out().lines()).anyMatch(l -> l.startsWith("/cpus/cpu@1: node only in left"));
    }

    @Test
    void hostileBlobIsOneLineAndExitTwo() throws IOException {
        Path bad = dir.resolve("bad.dtb");
        Files.write(bad, BlobBuilder.emptyRoot().header(BlobBuilder.HDR_SIZE_DT_STRUCT, 0xffffffff).build());
        assertFailsWithOneLine(fdt("dts", bad.toString()), ExitCode.INVALID_INPUT,
                bad + ": bad block layout at offset 0x24: ");
    }

    @Test
    void missingFileIsOneLineAndExitTwo() {
        Path missing = dir.resolve("missing.dtb");
        assertFailsWithOneLine(fdt("validate", missing.toString()), ExitCode.INVALID_INPUT, missing + ": no such file");
    }

    @Test
    void badOptionIsOneLineAndExitTwo() {
        assertFailsWithOneLine(fdt("dts", "--frobnicate", virt.toString()), ExitCode.INVALID_INPUT, "--frobnicate");
    }

    @Test
    void verboseShowsTheStackTrace() throws IOException {
        Path bad = dir.resolve("magic.dtb");
        Files.write(bad, BlobBuilder.emptyRoot().header(BlobBuilder.HDR_MAGIC, 0x12345678).build());
        ExternalTools.Outcome run = fdt("--verbose", "dts", bad.toString());
        assertThat(run.status()).isEqualTo(ExitCode.INVALID_INPUT.status());
        assertThat(run.errLines().getFirst()).startsWith("error: " + bad + ": bad magic at offset 0x0: ");
        assertThat(run.errLines()).anyMatch(l -> l.startsWith("\tat dev.virtfw.devicetree."));
    }
}
