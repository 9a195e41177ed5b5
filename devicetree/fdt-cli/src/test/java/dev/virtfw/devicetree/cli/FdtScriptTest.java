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
 * The fdt command as a process, the way ./fdt starts it (a fresh JVM on the module's classes and
 * its runtime class path, with the JVM's own stdout and stderr): exit statuses, standard output
 * byte for byte, and exactly one line on standard error when it fails. The launcher's build step
 * is not run here: a test never starts a nested Maven build.
 */
class FdtScriptTest {
    @TempDir
    static Path dir;

    static Path virt;

    @BeforeAll
    static void warmUp() throws IOException {
        ExternalTools.Outcome version = fdt("--version");
        assertThat(version.status()).as("fdt --version: %s", version.stderr()).isZero();
        assertThat(version.out()).startsWith("fdt ");

        virt = dir.resolve("virt.dtb");
        ExternalTools.Outcome qemu = ExternalTools.run(List.of("qemu-system-aarch64", "-M", "virt,dumpdtb=" + virt,
                "-cpu", "cortex-a57", "-smp", "2", "-nic", "none", "-display", "none"));
        assertThat(qemu.status()).as(qemu.stderr()).isZero();
    }

    /** Runs {@code FdtCommand.main} in a new JVM on this test's class path. */
    static ExternalTools.Outcome fdt(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FdtCommand.class.getName()));
        command.addAll(List.of(args));
        return ExternalTools.run(command);
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
