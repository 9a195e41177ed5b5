package dev.virtfw.devicetree.dts;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.virtfw.devicetree.Dtb;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Coverage-guided fuzzing of the DTS compiler with Jazzer: any bytes as source, compiled with an
 * include folder holding one .dtsi and one binary file. The compiler may refuse an input only
 * with {@link DtsException} (nothing else escapes: no stack overflow on deep nesting, no
 * arithmetic or index exception); a source it accepts gives a blob the reader accepts and DTS text.
 *
 * <p>Every {@code mvn test} replays the seeds in
 * {@code src/test/resources/dev/virtfw/devicetree/dts/DtsCompilerFuzzTestInputs/compilerThrowsOnlyDtsException/}
 * (each construct of the language, and the hostile shapes: deep nesting of nodes and parentheses,
 * huge /incbin/ ranges, self-inclusion). To fuzz for real, here for five minutes:
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -f devicetree/pom.xml test -Dtest=DtsCompilerFuzzTest -Djazzer.max_duration=5m
 * </pre>
 *
 * A crash lands as a new file in that folder and is replayed from then on.
 */
class DtsCompilerFuzzTest {
    private static final Path INCLUDES = includeFolder();

    private static Path includeFolder() {
        try {
            Path dir = Files.createTempDirectory("dts-fuzz");
            Files.writeString(dir.resolve("common.dtsi"), "/ { common = <1>; lbl: node { }; };\n");
            Files.write(dir.resolve("blob.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void compilerThrowsOnlyDtsException(byte[] input) {
        DtsOptions options = DtsOptions.defaults().withWorkingDir(INCLUDES).withIncludeDirs(List.of(INCLUDES))
                .withSymbols(input.length % 2 == 0);
        CompiledDts compiled;
        try {
            compiled = DtsCompiler.compile("fuzz.dts", input, options);
        } catch (DtsException refused) {
            // dtc's words, with whatever a file name holds (a line break too: the CLI makes it one line)
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        byte[] blob = compiled.toDtb();
        assertThat(Dtb.parse(blob)).isNotNull();
        assertThat(compiled.toDts()).startsWith("/dts-v1/;");
    }
}
