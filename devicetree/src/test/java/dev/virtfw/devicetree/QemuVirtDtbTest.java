package dev.virtfw.devicetree;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** QEMU's own virt device trees, dumped at test time, against our reader, writer and printer. */
class QemuVirtDtbTest {
    @TempDir
    static Path dir;

    record Variant(String name, String machineOptions, List<String> args) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Variant> variants;

    @BeforeAll
    static void makePayloads() throws IOException {
        Files.write(dir.resolve("kernel.img"), new byte[65536]);
        Files.write(dir.resolve("initrd.img"), new byte[1000]);
        List<String> base = List.of("-cpu", "cortex-a57", "-m", "512");
        variants = List.of(
                new Variant("default", "", base),
                new Variant("smp4", "", concat(base, "-smp", "4")),
                new Variant("gicv3", ",gic-version=3", base),
                new Variant("cpu-max", "", List.of("-cpu", "max", "-m", "512")),
                new Variant("kernel-append", "", concat(base, "-kernel", dir.resolve("kernel.img").toString(),
                        "-initrd", dir.resolve("initrd.img").toString(), "-append",
                        "console=ttyAMA0 \"quoted\" back\\slash")));
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }

    static Stream<Arguments> blobs() throws IOException {
        if (variants == null) {
            makePayloads();
        }
        List<Arguments> out = new ArrayList<>();
        for (Variant v : variants) {
            out.add(Arguments.of(v, Tools.qemuVirtDtb(dir, v.machineOptions(), v.args().toArray(String[]::new))));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blobs")
    void printerMatchesDtcByteForByte(Variant v, byte[] blob) {
        assertThat(DtsPrinter.print(blob)).isEqualTo(Tools.dtcToDts(blob));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blobs")
    void rewrittenBlobPrintsIdenticallyInDtc(Variant v, byte[] blob) {
        byte[] ours = Dtb.write(Dtb.parse(blob));
        assertThat(Tools.dtcToDts(ours)).isEqualTo(Tools.dtcToDts(blob));
        assertThat(Tools.dtcCheck(ours).stderr()).isEqualTo(Tools.dtcCheck(blob).stderr());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blobs")
    void headerFieldsSurviveTheRoundTrip(Variant v, byte[] blob) {
        DeviceTree t = Dtb.parse(blob);
        DeviceTree again = Dtb.parse(Dtb.write(t));
        assertThat(again.bootCpuidPhys()).isEqualTo(t.bootCpuidPhys());
        assertThat(again.reservations()).isEqualTo(t.reservations());
        assertThat(TreeDiff.compare(t, again)).isEmpty();
    }

    @Test
    void virtTreeHasTheDevicesQemuDescribes() throws IOException {
        DeviceTree t = Dtb.parse(Tools.qemuVirtDtb(dir, "", "-cpu", "cortex-a57", "-m", "512"));
        assertThat(t.find("/fw-cfg@9020000")).isPresent();
        assertThat(t.find("/fw-cfg@9020000").orElseThrow().property("compatible").orElseThrow().asString())
                .isEqualTo("qemu,fw-cfg-mmio");
        assertThat(t.find("/memory").orElseThrow().property("reg").orElseThrow().asU64Array())
                .containsExactly(0x40000000L, 512L << 20);
        assertThat(t.root().child("pl011")).map(Node::name).hasValue("pl011@9000000");
        assertThat(t.find("/chosen")).isPresent();
    }

    @Test
    void parseFromPathAndSegmentAgreeWithBytes() throws IOException {
        byte[] blob = Tools.qemuVirtDtb(dir, "", "-cpu", "cortex-a57", "-m", "512");
        Path f = dir.resolve("copy.dtb");
        Files.write(f, blob);
        String expected = DtsPrinter.print(blob);
        assertThat(DtsPrinter.print(Dtb.parse(f))).isEqualTo(expected);
        assertThat(DtsPrinter.print(Dtb.parse(java.lang.foreign.MemorySegment.ofArray(blob)))).isEqualTo(expected);
    }
}
