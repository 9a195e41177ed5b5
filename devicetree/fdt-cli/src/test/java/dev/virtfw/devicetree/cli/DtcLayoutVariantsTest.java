package dev.virtfw.devicetree.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Blobs laid out in every way dtc can write them (version 16, padding, extra size, alignment,
 * spare reservation slots, boot CPU, symbols, phandle styles), from a source with every kind of
 * value and from QEMU's virt tree: {@code fdt dts} prints dtc's bytes and {@code fdt dtb} writes
 * a blob that prints the same and keeps boot_cpuid_phys.
 */
class DtcLayoutVariantsTest {
    @TempDir
    static Path dir;

    static Path boardDts;
    static Path virtDtb;

    static final List<List<String>> DTC_OPTIONS = List.of(
            List.of(),
            List.of("-V", "16"),
            List.of("-p", "4096"),
            List.of("-S", "65536"),
            List.of("-a", "64"),
            List.of("-R", "8"),
            List.of("-b", "3"),
            List.of("-@"),
            List.of("-H", "both"),
            List.of("-H", "epapr"));

    @BeforeAll
    static void sources() throws IOException {
        boardDts = dir.resolve("board.dts");
        try (InputStream in = DtcLayoutVariantsTest.class.getResourceAsStream("/cli/board.dts")) {
            assertThat(in).as("test resource cli/board.dts").isNotNull();
            Files.write(boardDts, in.readAllBytes());
        }
        virtDtb = dir.resolve("virt.dtb");
        ExternalTools.Outcome qemu = ExternalTools.run(List.of("qemu-system-aarch64", "-M", "virt,dumpdtb=" + virtDtb,
                "-cpu", "cortex-a72", "-smp", "2", "-nic", "none", "-display", "none"));
        assertThat(qemu.status()).as(qemu.stderr()).isZero();
    }

    static Stream<Arguments> variants() {
        return Stream.of("board.dts", "virt.dtb")
                .flatMap(source -> DTC_OPTIONS.stream().map(options -> Arguments.of(source, options)));
    }

    @ParameterizedTest(name = "{0} dtc {1}")
    @MethodSource("variants")
    void dtsAndDtbAgreeWithDtc(String source, List<String> options) throws IOException {
        Path in = source.equals("board.dts") ? boardDts : virtDtb;
        String name = source.replace('.', '-') + String.join("", options).replace("-", "_") + ".dtb";
        Path blob = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of("dtc", "-I", source.endsWith(".dts") ? "dts" : "dtb", "-O", "dtb"));
        command.addAll(options);
        command.addAll(List.of("-o", blob.toString(), in.toString()));
        ExternalTools.Outcome dtc = ExternalTools.run(command);
        assertThat(dtc.status()).as("%s: %s", command, dtc.stderr()).isZero();

        byte[] expected = ExternalTools.dtcDts(blob);
        FdtRun dts = FdtRun.of("dts", blob.toString());
        assertThat(dts.status()).as(dts.err()).isZero();
        FdtCorpusTest.assertSameText(dts.out().getBytes(FdtCommand.OUTPUT_CHARSET), expected, blob);

        Path rewritten = dir.resolve("rewritten-" + name);
        FdtRun dtb = FdtRun.of("dtb", blob.toString(), "-o", rewritten.toString());
        assertThat(dtb.status()).as(dtb.err()).isZero();
        FdtCorpusTest.assertSameText(ExternalTools.dtcDts(rewritten), expected, rewritten);
        byte[] original = Files.readAllBytes(blob);
        byte[] copy = Files.readAllBytes(rewritten);
        assertThat(BlobBuilder.headerField(copy, BlobBuilder.HDR_BOOT_CPUID_PHYS))
                .isEqualTo(BlobBuilder.headerField(original, BlobBuilder.HDR_BOOT_CPUID_PHYS));
        assertThat(FdtRun.of("diff", blob.toString(), rewritten.toString()).status()).isZero();
    }
}
