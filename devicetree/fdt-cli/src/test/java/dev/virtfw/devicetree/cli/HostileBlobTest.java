package dev.virtfw.devicetree.cli;

import static dev.virtfw.devicetree.cli.BlobBuilder.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.devicetree.DtbError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed and hostile blobs, each crafted here byte by byte: every subcommand ends with exit
 * status 2 and exactly one line on standard error naming the file, the fault and the offset where
 * it was found; nothing on standard output, no stack trace, no hang.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang fails instead of stalling the build
class HostileBlobTest {
    @TempDir
    Path dir;

    /**
     * One hostile blob, the fault the reader must name and the offset it must give: for a header
     * field that lies, the field's offset; for data that runs out, where it ran out; for a token
     * or name, where it starts; for a property's length or name offset, that field (-1: checked
     * separately).
     */
    record Case(String name, Supplier<byte[]> blob, DtbError error, long offset) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Size of {@link BlobBuilder#emptyRoot()}: header, one reservation terminator, 16-byte structure block. */
    static final int EMPTY_ROOT_SIZE = HEADER_SIZE + 16 + 16;

    static Stream<Case> cases() {
        int structAt = BlobBuilder.emptyRoot().structOffset();
        return Stream.of(
                // --- header ---
                new Case("empty file", () -> new byte[0], DtbError.TRUNCATED, 0),
                new Case("shorter than the header", () -> Arrays.copyOf(BlobBuilder.emptyRoot().build(), 20),
                        DtbError.TRUNCATED, 20),
                new Case("bad magic", () -> BlobBuilder.emptyRoot().header(HDR_MAGIC, 0xfeedd00d).build(),
                        DtbError.BAD_MAGIC, HDR_MAGIC),
                new Case("totalsize past the end of the file",
                        () -> { byte[] b = BlobBuilder.emptyRoot().build(); return withField(b, HDR_TOTALSIZE, b.length + 4); },
                        DtbError.TRUNCATED, EMPTY_ROOT_SIZE),
                new Case("totalsize of 4 GiB", () -> BlobBuilder.emptyRoot().header(HDR_TOTALSIZE, 0xffffffff).build(),
                        DtbError.TRUNCATED, EMPTY_ROOT_SIZE),
                new Case("totalsize smaller than the header", () -> BlobBuilder.emptyRoot().header(HDR_TOTALSIZE, 16).build(),
                        DtbError.BAD_LAYOUT, HDR_TOTALSIZE),
                new Case("version 0xffffffff", () -> BlobBuilder.emptyRoot().header(HDR_VERSION, 0xffffffff).build(),
                        DtbError.BAD_VERSION, HDR_VERSION),
                new Case("version 15", () -> BlobBuilder.emptyRoot().header(HDR_VERSION, 15).build(),
                        DtbError.BAD_VERSION, HDR_VERSION),
                new Case("last_comp_version 18", () -> BlobBuilder.emptyRoot().header(HDR_LAST_COMP_VERSION, 18).build(),
                        DtbError.BAD_VERSION, HDR_LAST_COMP_VERSION),
                new Case("last_comp_version above version",
                        () -> BlobBuilder.emptyRoot().header(HDR_VERSION, 16).header(HDR_LAST_COMP_VERSION, 17).build(),
                        DtbError.BAD_VERSION, HDR_LAST_COMP_VERSION),
                new Case("off_dt_struct past totalsize",
                        () -> BlobBuilder.emptyRoot().header(HDR_OFF_DT_STRUCT, 0x10000).build(),
                        DtbError.BAD_LAYOUT, HDR_OFF_DT_STRUCT),
                new Case("off_dt_struct inside the header",
                        () -> BlobBuilder.emptyRoot().header(HDR_OFF_DT_STRUCT, 8).build(),
                        DtbError.BAD_LAYOUT, HDR_OFF_DT_STRUCT),
                new Case("off_dt_struct misaligned",
                        () -> BlobBuilder.emptyRoot().header(HDR_OFF_DT_STRUCT, structAt + 2).build(),
                        DtbError.BAD_LAYOUT, HDR_OFF_DT_STRUCT),
                new Case("off_mem_rsvmap inside the header",
                        () -> BlobBuilder.emptyRoot().header(HDR_OFF_MEM_RSVMAP, 8).build(),
                        DtbError.BAD_LAYOUT, HDR_OFF_MEM_RSVMAP),
                new Case("off_dt_strings past totalsize",
                        () -> BlobBuilder.emptyRoot().header(HDR_OFF_DT_STRINGS, 0x7fff_fff0).build(),
                        DtbError.BAD_LAYOUT, HDR_OFF_DT_STRINGS),
                new Case("size_dt_struct of 4 GiB", () -> BlobBuilder.emptyRoot().header(HDR_SIZE_DT_STRUCT, 0xffffffff).build(),
                        DtbError.BAD_LAYOUT, HDR_SIZE_DT_STRUCT),
                new Case("size_dt_strings of 4 GiB", () -> BlobBuilder.emptyRoot().header(HDR_SIZE_DT_STRINGS, 0xffffffff).build(),
                        DtbError.BAD_LAYOUT, HDR_SIZE_DT_STRINGS),
                new Case("structure block overlapping the strings block",
                        () -> { BlobBuilder b = new BlobBuilder().beginNode("").propString("model", "x").endNode().end();
                                return b.header(HDR_SIZE_DT_STRUCT, b.structSize() + 4).build(); },
                        DtbError.BAD_LAYOUT, HDR_OFF_DT_STRINGS),
                // --- memory reservation block ---
                new Case("reservation map without its terminating entry",
                        () -> new BlobBuilder().reserve(0x1000, 0x1000).unterminatedReservations()
                                .beginNode("").endNode().end().build(),
                        DtbError.BAD_RESERVATION_MAP, HEADER_SIZE + 16),
                // --- structure block ---
                new Case("structure block truncated before FDT_END",
                        () -> new BlobBuilder().beginNode("").endNode().build(),
                        DtbError.STRUCT_OVERRUN, structAt + 12),
                new Case("FDT_END beyond size_dt_struct (dtc accepts this)",
                        () -> { BlobBuilder b = BlobBuilder.emptyRoot();
                                return b.header(HDR_SIZE_DT_STRUCT, b.structSize() - 4).build(); },
                        DtbError.STRUCT_OVERRUN, structAt + 12),
                new Case("property length runs past the block",
                        () -> new BlobBuilder().beginNode("").propRaw(0x100, 0, new byte[4]).endNode().end()
                                .rawStrings("a\0".getBytes(StandardCharsets.US_ASCII)).build(),
                        DtbError.PROPERTY_OVERRUN, structAt + 12),
                new Case("property length of 4 GiB",
                        () -> new BlobBuilder().beginNode("").propRaw(0xffffffff, 0, new byte[4]).endNode().end()
                                .rawStrings("a\0".getBytes(StandardCharsets.US_ASCII)).build(),
                        DtbError.PROPERTY_OVERRUN, structAt + 12),
                new Case("node name without terminator",
                        () -> new BlobBuilder().beginNode("").beginNodeRaw("abcdefgh".getBytes(StandardCharsets.US_ASCII)).build(),
                        DtbError.UNTERMINATED_STRING, structAt + 12),
                new Case("property name without terminator",
                        () -> new BlobBuilder().beginNode("").propRaw(0, 0, new byte[0]).endNode().end()
                                .rawStrings("abc".getBytes(StandardCharsets.US_ASCII)).build(),
                        DtbError.UNTERMINATED_STRING, structAt + 28),
                new Case("property name offset outside the strings block",
                        () -> new BlobBuilder().beginNode("").propRaw(0, 0x4000, new byte[0]).endNode().end()
                                .rawStrings("a\0".getBytes(StandardCharsets.US_ASCII)).build(),
                        DtbError.BAD_STRING_OFFSET, structAt + 16),
                new Case("unknown token", () -> new BlobBuilder().beginNode("").token(0x7).endNode().end().build(),
                        DtbError.BAD_TOKEN, structAt + 8),
                new Case("nesting without end",
                        () -> new BlobBuilder().beginNode("").beginNode("a").beginNode("b").end().build(),
                        DtbError.BAD_STRUCTURE, structAt + 24),
                new Case("FDT_END_NODE without a node", () -> new BlobBuilder().beginNode("").endNode().endNode().end().build(),
                        DtbError.BAD_STRUCTURE, structAt + 12),
                new Case("property before the root node",
                        () -> new BlobBuilder().propU32("x", 1).beginNode("").endNode().end().build(),
                        DtbError.BAD_STRUCTURE, structAt),
                new Case("100 000 levels deep", HostileBlobTest::deepTree, DtbError.TOO_DEEP, -1));
    }

    /** 100 000 nested, properly closed nodes: refused, not a stack overflow. */
    static byte[] deepTree() {
        BlobBuilder b = new BlobBuilder().beginNode("");
        for (int i = 0; i < 100_000; i++) {
            b.beginNode("n");
        }
        for (int i = 0; i < 100_000; i++) {
            b.endNode();
        }
        return b.endNode().end().build();
    }

    static Stream<Arguments> casesForEachSubcommand() {
        return cases().flatMap(c -> Stream.of("dts", "dtb", "validate", "diff-a", "diff-b").map(sub -> Arguments.of(c, sub)));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("casesForEachSubcommand")
    void refusedWithOneLineNamingFaultAndOffset(Case hostile, String subcommand) throws IOException {
        Path bad = dir.resolve("hostile.dtb");
        Files.write(bad, hostile.blob().get());
        Path good = dir.resolve("good.dtb");
        Files.write(good, BlobBuilder.emptyRoot().build());
        String[] args = switch (subcommand) {
            case "dts" -> new String[] {"dts", bad.toString()};
            case "dtb" -> new String[] {"dtb", bad.toString(), "-o", dir.resolve("out.dtb").toString()};
            case "validate" -> new String[] {"validate", bad.toString()};
            case "diff-a" -> new String[] {"diff", bad.toString(), good.toString()};
            case "diff-b" -> new String[] {"diff", good.toString(), bad.toString()};
            default -> throw new IllegalArgumentException(subcommand);
        };

        FdtRun run = FdtRun.of(args);

        assertThat(run.status()).as("exit status; stderr: %s", run.err()).isEqualTo(ExitCode.INVALID_INPUT.status());
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).hasSize(1);
        String line = run.errLines().getFirst();
        String prefix = "error: " + bad + ": " + hostile.error().description() + " at offset 0x";
        assertThat(line).startsWith(prefix);
        if (hostile.offset() >= 0) {
            assertThat(line).startsWith(prefix + Long.toHexString(hostile.offset()) + ": ");
        }
        assertThat(Files.exists(dir.resolve("out.dtb"))).as("dtb writes nothing for a refused blob").isFalse();
    }

    /** Headers that contradict themselves, which dtc 1.6.1 nevertheless prints: we refuse them (above). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"version 0xffffffff", "last_comp_version 18", "last_comp_version above version",
            "FDT_END beyond size_dt_struct (dtc accepts this)"})
    void dtcAcceptsWhatWeRefuse(String name) throws IOException {
        Case hostile = cases().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
        Path blob = dir.resolve("contradiction.dtb");
        Files.write(blob, hostile.blob().get());
        assertThat(ExternalTools.dtcAccepts(blob)).as("dtc prints %s", name).isTrue();
        assertThat(FdtRun.of("dts", blob.toString()).status()).isEqualTo(ExitCode.INVALID_INPUT.status());
    }

    @Test
    void versionAboveTheRangeIsNotCalledBelowIt() throws IOException {
        Path bad = dir.resolve("version.dtb");
        Files.write(bad, BlobBuilder.emptyRoot().header(HDR_VERSION, 0xffffffff).build());
        FdtRun run = FdtRun.of("dts", bad.toString());
        assertThat(run.status()).isEqualTo(ExitCode.INVALID_INPUT.status());
        assertThat(run.errLines()).singleElement().asString().contains("4294967295").doesNotContain("below");
    }

    @Test
    void deepTreeRefusalNamesTheOffsetOfTheNodeBeyondTheLimit() throws IOException {
        Path bad = dir.resolve("deep.dtb");
        Files.write(bad, deepTree());
        FdtRun run = FdtRun.of("dts", bad.toString());
        assertThat(run.status()).isEqualTo(2);
        long offset = Long.parseLong(run.errLines().getFirst().replaceFirst(".* at offset 0x([0-9a-f]+): .*", "$1"), 16);
        int structAt = BlobBuilder.emptyRoot().structOffset();
        // Every FDT_BEGIN_NODE "n" takes 8 bytes after the root's 8: the offset is one of them.
        assertThat(offset).isGreaterThan(structAt).isLessThan(structAt + 8 + 8 * 100_000L);
        assertThat((offset - structAt) % 8).isZero();
    }

    @Test
    void verboseAddsTheStackTraceAfterTheLine() throws IOException {
        Path bad = dir.resolve("bad.dtb");
        Files.write(bad, BlobBuilder.emptyRoot().header(HDR_MAGIC, 0).build());
        FdtRun run = FdtRun.of("dts", "--verbose", bad.toString());
        assertThat(run.status()).isEqualTo(2);
        List<String> lines = run.errLines();
        assertThat(lines.getFirst()).startsWith("error: " + bad + ": bad magic at offset 0x0");
        assertThat(lines).anyMatch(l -> l.contains("DtbFormatException")).anyMatch(l -> l.startsWith("\tat "));
    }

    static byte[] withField(byte[] blob, int field, int value) {
        byte[] copy = blob.clone();
        java.lang.foreign.MemorySegment.ofArray(copy).set(BE_U32, field, value);
        return copy;
    }
}
