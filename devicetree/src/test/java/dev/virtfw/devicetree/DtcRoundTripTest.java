package dev.virtfw.devicetree;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each DTS source of the corpus, compiled by the real dtc, against our reader, writer and printer. */
class DtcRoundTripTest {

    static Stream<Path> corpus() throws IOException, URISyntaxException {
        Path dir = Path.of(Objects.requireNonNull(DtcRoundTripTest.class.getResource("/dts")).toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".dts")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void ourRewriteOfDtcsBlobPrintsLikeDtcsBlob(Path dts) {
        byte[] dtcBlob = Tools.dtcCompile(dts);
        byte[] ours = Dtb.write(Dtb.parse(dtcBlob));
        assertThat(Tools.dtcToDts(ours)).isEqualTo(Tools.dtcToDts(dtcBlob));
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void ourPrinterMatchesDtcByteForByte(Path dts) {
        byte[] dtcBlob = Tools.dtcCompile(dts);
        assertThat(DtsPrinter.print(dtcBlob)).isEqualTo(Tools.dtcToDts(dtcBlob));
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void dtcChecksOurRewriteExactlyAsItChecksItsOwnBlob(Path dts) {
        byte[] dtcBlob = Tools.dtcCompile(dts);
        byte[] ours = Dtb.write(Dtb.parse(dtcBlob));
        Tools.Result theirs = Tools.dtcCheck(dtcBlob);
        Tools.Result mine = Tools.dtcCheck(ours);
        assertThat(mine.exitCode()).isZero();
        assertThat(mine.stderr()).isEqualTo(theirs.stderr());
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void rewriteIsStable(Path dts) {
        byte[] once = Dtb.write(Dtb.parse(Tools.dtcCompile(dts)));
        assertThat(Dtb.write(Dtb.parse(once))).isEqualTo(once);
    }
}
