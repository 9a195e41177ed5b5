package dev.virtfw.devicetree;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each DTS source of the corpus (src/test/resources/dts), compiled by the real dtc with several
 * output options (symbols, legacy phandles, version 16, sorting, padding, reservation slots),
 * against our reader, writer and printer.
 */
class DtcRoundTripTest {
    static final List<List<String>> DTC_FLAGS = List.of(List.of(), List.of("-@"), List.of("-H", "both"),
            List.of("-H", "legacy"), List.of("-V", "16"), List.of("-s"), List.of("-p", "256"),
            List.of("-R", "3", "-b", "2"));

    static List<Path> sources() throws IOException, URISyntaxException {
        Path dir = Path.of(Objects.requireNonNull(DtcRoundTripTest.class.getResource("/dts")).toURI());
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".dts")).sorted().toList();
            assertThat(files).hasSizeGreaterThanOrEqualTo(4);
            return files;
        }
    }

    static Stream<Arguments> corpus() throws IOException, URISyntaxException {
        List<Arguments> out = new ArrayList<>();
        for (Path p : sources()) {
            for (List<String> flags : DTC_FLAGS) {
                out.add(Arguments.of(p.getFileName().toString(), String.join(" ", flags),
                        Tools.dtcCompile(p, flags.toArray(String[]::new))));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} dtc {1}")
    @MethodSource("corpus")
    void ourPrinterMatchesDtcByteForByte(String source, String flags, byte[] dtcBlob) {
        assertThat(DtsPrinter.print(dtcBlob)).isEqualTo(Tools.dtcToDts(dtcBlob));
    }

    @ParameterizedTest(name = "{0} dtc {1}")
    @MethodSource("corpus")
    void ourRewriteOfDtcsBlobPrintsLikeDtcsBlob(String source, String flags, byte[] dtcBlob) {
        byte[] ours = Dtb.write(Dtb.parse(dtcBlob));
        assertThat(Tools.dtcToDts(ours)).isEqualTo(Tools.dtcToDts(dtcBlob));
    }

    @ParameterizedTest(name = "{0} dtc {1}")
    @MethodSource("corpus")
    void dtcChecksOurRewriteExactlyAsItChecksItsOwnBlob(String source, String flags, byte[] dtcBlob) {
        byte[] ours = Dtb.write(Dtb.parse(dtcBlob));
        Tools.Result theirs = Tools.dtcCheck(dtcBlob);
        Tools.Result mine = Tools.dtcCheck(ours);
        assertThat(mine.exitCode()).isEqualTo(theirs.exitCode());
        assertThat(mine.stderr()).isEqualTo(theirs.stderr());
    }

    @ParameterizedTest(name = "{0} dtc {1}")
    @MethodSource("corpus")
    void rewriteIsStableAndKeepsHeaderData(String source, String flags, byte[] dtcBlob) {
        DeviceTree t = Dtb.parse(dtcBlob);
        byte[] once = Dtb.write(t);
        assertThat(Dtb.write(Dtb.parse(once))).isEqualTo(once);
        assertThat(Dtb.parse(once).reservations()).isEqualTo(t.reservations());
        assertThat(Dtb.parse(once).bootCpuidPhys()).isEqualTo(t.bootCpuidPhys());
    }
}
