package dev.virtfw.devicetree;

import static dev.virtfw.devicetree.RawBlob.get32;
import static dev.virtfw.devicetree.RawBlob.set32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.Stream;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and hostile blobs: each ends in one {@link DtbFormatException} with the right kind
 * and offset. Offsets below refer to {@link RawBlob#small()}: struct at 0x38, strings at 0x78.
 */
class HostileDtbTest {
    static final byte[] SMALL = RawBlob.small().bytes();
    static final int STRUCT = RawBlob.OFF_STRUCT;
    static final int STRINGS = get32(SMALL, FdtSpec.HDR_OFF_DT_STRINGS);

    private static void assertFault(byte[] blob, DtbError kind, long offset) {
        assertThatThrownBy(() -> Dtb.parse(blob)).isInstanceOfSatisfying(DtbFormatException.class, e -> {
            assertThat(e.error()).as(e.getMessage()).isEqualTo(kind);
            assertThat(e.offset()).as(e.getMessage()).isEqualTo(offset);
            assertThat(e.getMessage()).contains("0x" + Long.toHexString(offset));
        });
    }

    @Test
    void theBaseBlobIsValid() {
        DeviceTree t = Dtb.parse(SMALL);
        assertThat(t.find("/child").orElseThrow().property("b").orElseThrow().asU32()).isEqualTo(1);
        assertThat(STRINGS).isEqualTo(0x78);
    }

    @Nested
    class Header {
        @Test
        void badMagic() {
            assertFault(set32(SMALL, 0, 0xfeedd00d), DtbError.BAD_MAGIC, 0);
        }

        @Test
        void emptyAndTinyBlobs() {
            assertFault(new byte[0], DtbError.TRUNCATED, 0);
            assertFault(new byte[] {(byte) 0xd0, 0x0d}, DtbError.TRUNCATED, 2);
            assertFault(Arrays.copyOf(SMALL, 20), DtbError.TRUNCATED, 20);
        }

        @Test
        void truncatedBlob() {
            assertFault(Arrays.copyOf(SMALL, SMALL.length - 1), DtbError.TRUNCATED, SMALL.length - 1);
            assertFault(Arrays.copyOf(SMALL, 70), DtbError.TRUNCATED, 70);
        }

        @Test
        void totalSizeOfFourGibibytes() {
            assertFault(set32(SMALL, FdtSpec.HDR_TOTALSIZE, 0xffffffff), DtbError.TRUNCATED, SMALL.length);
        }

        @Test
        void totalSizeSmallerThanHeader() {
            assertFault(set32(SMALL, FdtSpec.HDR_TOTALSIZE, 12), DtbError.BAD_LAYOUT, FdtSpec.HDR_TOTALSIZE);
        }

        @ParameterizedTest
        @MethodSource("dev.virtfw.devicetree.HostileDtbTest#badVersions")
        void versionsOutOfRange(int version, int lastComp, int faultOffset) {
            byte[] b = set32(set32(SMALL, FdtSpec.HDR_VERSION, version), FdtSpec.HDR_LAST_COMP_VERSION, lastComp);
            assertFault(b, DtbError.BAD_VERSION, faultOffset);
        }

        @ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(ints = {18, 1000, 0xffff})
        void laterVersionCompatibleWith16IsReadAsDtcReadsIt(int version) {
            byte[] b = set32(SMALL, FdtSpec.HDR_VERSION, version);
            assertThat(Dtb.parse(b).find("/child")).isPresent();
            assertThat(DtsPrinter.print(b)).isEqualTo(Tools.dtcToDts(b));
        }

        @Test
        void versionMessagesReadUnsignedValues() {
            assertThatThrownBy(() -> Dtb.parse(set32(SMALL, FdtSpec.HDR_LAST_COMP_VERSION, 0xffffffff)))
                    .hasMessageContaining("4294967295").hasMessageNotContaining("-1");
            assertThatThrownBy(() -> Dtb.parse(set32(SMALL, FdtSpec.HDR_VERSION, 0xffffffff)))
                    .hasMessageContaining("version 4294967295 is above").hasMessageNotContaining("below");
            assertThatThrownBy(() -> Dtb.parse(set32(SMALL, FdtSpec.HDR_VERSION, 5)))
                    .hasMessageContaining("version 5 was never defined");
        }

        @Test
        void bytesPastTotalsizeAreIgnored() {
            byte[] b = Arrays.copyOf(SMALL, SMALL.length + 100);
            Arrays.fill(b, SMALL.length, b.length, (byte) 0xff);
            assertThat(Dtb.parse(b).find("/child")).isPresent();
        }
    }

    static Stream<Arguments> badVersions() {
        return Stream.of(
                Arguments.of(15, 15, FdtSpec.HDR_VERSION),
                Arguments.of(4, 1, FdtSpec.HDR_VERSION),
                Arguments.of(0, 0, FdtSpec.HDR_VERSION),
                Arguments.of(0xffffffff, 16, FdtSpec.HDR_VERSION),
                Arguments.of(0x80000000, 16, FdtSpec.HDR_VERSION),
                Arguments.of(0x10000, 16, FdtSpec.HDR_VERSION),
                Arguments.of(17, 18, FdtSpec.HDR_LAST_COMP_VERSION),
                Arguments.of(17, 0x7fffffff, FdtSpec.HDR_LAST_COMP_VERSION),
                Arguments.of(16, 17, FdtSpec.HDR_LAST_COMP_VERSION)); // contradicts version
    }

    @Nested
    class Layout {
        @Test
        void structOffsetOutsideBlob() {
            assertFault(set32(SMALL, FdtSpec.HDR_OFF_DT_STRUCT, 0x10000), DtbError.BAD_LAYOUT, FdtSpec.HDR_OFF_DT_STRUCT);
            assertFault(set32(SMALL, FdtSpec.HDR_OFF_DT_STRUCT, 0xfffffffc), DtbError.BAD_LAYOUT,
                    FdtSpec.HDR_OFF_DT_STRUCT);
        }

        @Test
        void structOffsetMisaligned() {
            assertFault(set32(SMALL, FdtSpec.HDR_OFF_DT_STRUCT, STRUCT + 2), DtbError.BAD_LAYOUT,
                    FdtSpec.HDR_OFF_DT_STRUCT);
        }

        @Test
        void structOffsetInsideHeader() {
            assertFault(set32(SMALL, FdtSpec.HDR_OFF_DT_STRUCT, 8), DtbError.BAD_LAYOUT, FdtSpec.HDR_OFF_DT_STRUCT);
        }

        @Test
        void structSizeOfFourGibibytes() {
            assertFault(set32(SMALL, FdtSpec.HDR_SIZE_DT_STRUCT, 0xffffffff), DtbError.BAD_LAYOUT,
                    FdtSpec.HDR_SIZE_DT_STRUCT);
        }

        @Test
        void stringsBlockOutsideBlob() {
            assertFault(set32(SMALL, FdtSpec.HDR_OFF_DT_STRINGS, 0x7fffffff), DtbError.BAD_LAYOUT,
                    FdtSpec.HDR_OFF_DT_STRINGS);
            assertFault(set32(SMALL, FdtSpec.HDR_SIZE_DT_STRINGS, 0xffffffff), DtbError.BAD_LAYOUT,
                    FdtSpec.HDR_SIZE_DT_STRINGS);
        }

        @Test
        void stringsOverlappingStruct() {
            assertFault(set32(SMALL, FdtSpec.HDR_OFF_DT_STRINGS, STRUCT + 8), DtbError.BAD_LAYOUT,
                    FdtSpec.HDR_OFF_DT_STRINGS);
        }

        @Test
        void reservationMapMisalignedOrOutside() {
            assertFault(set32(SMALL, FdtSpec.HDR_OFF_MEM_RSVMAP, 44), DtbError.BAD_LAYOUT, FdtSpec.HDR_OFF_MEM_RSVMAP);
            assertFault(set32(SMALL, FdtSpec.HDR_OFF_MEM_RSVMAP, 0xfffffff8), DtbError.BAD_LAYOUT,
                    FdtSpec.HDR_OFF_MEM_RSVMAP);
            assertFault(set32(SMALL, FdtSpec.HDR_OFF_MEM_RSVMAP, 0), DtbError.BAD_LAYOUT, FdtSpec.HDR_OFF_MEM_RSVMAP);
        }

        @Test
        void reservationMapInsideStruct() {
            assertFault(set32(SMALL, FdtSpec.HDR_OFF_MEM_RSVMAP, STRUCT + 8), DtbError.BAD_LAYOUT,
                    FdtSpec.HDR_OFF_MEM_RSVMAP);
        }

        @Test
        void reservationMapWithoutTerminator() {
            byte[] b = SMALL.clone();
            b[RawBlob.OFF_RSVMAP + 3] = 1; // the only entry is no longer (0, 0)
            assertFault(b, DtbError.BAD_RESERVATION_MAP, RawBlob.OFF_RSVMAP + 16);
        }
    }

    @Nested
    class Structure {
        @Test
        void structBlockLargerThanSizeDtStructSays() {
            int size = get32(SMALL, FdtSpec.HDR_SIZE_DT_STRUCT);
            byte[] b = set32(SMALL, FdtSpec.HDR_SIZE_DT_STRUCT, size - 8);
            assertFault(b, DtbError.STRUCT_OVERRUN, STRUCT + size - 8);
        }

        @Test
        void propertyLengthPastTheBlock() {
            // the property "a" is at STRUCT + 8; its length field at STRUCT + 12
            assertFault(set32(SMALL, STRUCT + 12, 0x1000), DtbError.PROPERTY_OVERRUN, STRUCT + 12);
            assertFault(set32(SMALL, STRUCT + 12, 0xffffffff), DtbError.PROPERTY_OVERRUN, STRUCT + 12);
        }

        @Test
        void nameOffsetOutsideStrings() {
            assertFault(set32(SMALL, STRUCT + 16, 4), DtbError.BAD_STRING_OFFSET, STRUCT + 16);
            assertFault(set32(SMALL, STRUCT + 16, 0xffffffff), DtbError.BAD_STRING_OFFSET, STRUCT + 16);
        }

        @Test
        void propertyNameWithoutTerminator() {
            byte[] b = new RawBlob().begin("").prop(0, 0, new byte[0]).end().finish()
                    .rawString(new byte[] {'a', 'b', 'c'}).bytes();
            assertFault(b, DtbError.UNTERMINATED_STRING, get32(b, FdtSpec.HDR_OFF_DT_STRINGS));
        }

        @Test
        void nodeNameWithoutTerminator() {
            RawBlob r = new RawBlob().begin("");
            r.word(FdtSpec.FDT_BEGIN_NODE).word(0x61616161).word(0x61616161);
            byte[] b = r.bytes();
            assertFault(b, DtbError.UNTERMINATED_STRING, STRUCT + 12);
        }

        @Test
        void unknownToken() {
            assertFault(set32(SMALL, STRUCT + 8, 0x7), DtbError.BAD_TOKEN, STRUCT + 8);
        }

        @Test
        void endNodeWithoutOpenNode() {
            byte[] b = new RawBlob().end().finish().bytes();
            assertFault(b, DtbError.BAD_STRUCTURE, STRUCT);
        }

        @Test
        void endInsideANode() {
            byte[] b = new RawBlob().begin("").begin("a").end().finish().bytes();
            assertFault(b, DtbError.BAD_STRUCTURE, STRUCT + 20);
        }

        @Test
        void propertyOutsideAnyNode() {
            byte[] b = new RawBlob().prop("x", new byte[0]).finish().bytes();
            assertFault(b, DtbError.BAD_STRUCTURE, STRUCT);
        }

        @Test
        void secondRoot() {
            byte[] b = new RawBlob().begin("").end().begin("").end().finish().bytes();
            assertFault(b, DtbError.BAD_STRUCTURE, STRUCT + 12);
        }

        @Test
        void endWithoutAnyNode() {
            assertFault(new RawBlob().finish().bytes(), DtbError.BAD_STRUCTURE, STRUCT);
        }

        @Test
        void nestedWithoutEnd() {
            RawBlob r = new RawBlob().begin("");
            for (int i = 0; i < 100; i++) {
                r.begin("n");
            }
            assertFault(r.bytes(), DtbError.STRUCT_OVERRUN, STRUCT + 4 + 100 * 8 + 4);
        }

        @Test
        void hundredThousandLevelsDeep() {
            RawBlob r = new RawBlob().begin("");
            for (int i = 0; i < 100_000; i++) {
                r.begin("n");
            }
            for (int i = 0; i <= 100_000; i++) {
                r.end();
            }
            r.finish();
            // root at STRUCT (8 bytes), then 8 bytes per level; the node at depth 10 000 is refused
            assertFault(r.bytes(), DtbError.TOO_DEEP, STRUCT + 8 + 9_999L * 8);
        }

        @Test
        void tenThousandLevelsAreReadWrittenAndPrinted() {
            RawBlob r = new RawBlob().begin("");
            for (int i = 1; i < FdtSpec.MAX_DEPTH; i++) {
                r.begin("n");
            }
            for (int i = 0; i < FdtSpec.MAX_DEPTH; i++) {
                r.end();
            }
            byte[] b = r.finish().bytes();
            DeviceTree t = Dtb.parse(b);
            assertThat(Dtb.write(t)).isEqualTo(b);
            String dts = DtsPrinter.print(b); // quadratic in size (tabs), about 100 MB of text
            assertThat(dts).endsWith("\t};\n};\n");
            String deepest = "\t".repeat(9_999) + "n {";
            assertThat(dts.lines().filter(l -> l.startsWith(deepest))).hasSize(1);
            assertThat(dts.lines().count()).isEqualTo(3 + 2 * 9_999 + 10_000);
            assertThat(TreeDiff.compare(t, Dtb.parse(b))).isEmpty();
            assertThat(Validator.validate(t)).isNotEmpty(); // root lacks the required properties
        }

        @Test
        void nonEmptyRootName() {
            assertFault(new RawBlob().begin("root").end().finish().bytes(), DtbError.BAD_NAME, STRUCT + 4);
        }

        @Test
        void emptyOrSlashedChildName() {
            assertFault(new RawBlob().begin("").begin("").end().end().finish().bytes(), DtbError.BAD_NAME, STRUCT + 12);
            assertFault(new RawBlob().begin("").begin("a/b").end().end().finish().bytes(), DtbError.BAD_NAME,
                    STRUCT + 12);
        }

        @Test
        void duplicateNamesAreRefusedInDtcsWordsAsDtcRefusesThem() {
            byte[] nodes = new RawBlob().begin("").begin("a").end().begin("a").end().end().finish().bytes();
            assertFault(nodes, DtbError.DUPLICATE_NAME, STRUCT + 24);
            byte[] props = new RawBlob().begin("").begin("n").prop("p", new byte[0]).prop(0, 0, new byte[0]).end().end()
                    .finish().bytes();
            assertFault(props, DtbError.DUPLICATE_NAME, STRUCT + 28);
            for (byte[] blob : List.of(nodes, props)) {
                // dtc reads the blob but its checks fail it (only -f prints it)
                Tools.Result dtc = Tools.dtcCheck(blob);
                assertThat(dtc.exitCode()).isNotZero();
                String dtcLine = dtc.stderr().lines().filter(l -> l.contains("ERROR (")).findFirst().orElseThrow();
                assertThatThrownBy(() -> Dtb.parse(blob)).isInstanceOfSatisfying(DtbFormatException.class,
                        e -> assertThat(dtcLine).endsWith(e.detail()));
            }
        }

        @Test
        void overlappingPropertyNamesCannotMultiplyMemory() {
            // strings block: 8000 'a' and one NUL; 3000 properties each naming a different suffix
            byte[] run = new byte[8001];
            Arrays.fill(run, 0, 8000, (byte) 'a');
            RawBlob r = new RawBlob().begin("");
            for (int i = 0; i < 3000; i++) {
                r.prop(0, i, new byte[0]);
            }
            byte[] b = r.end().finish().rawString(run).bytes();
            // names cost 8001 + 8000 + ... bytes; the budget 2 * 8001 + 4096 runs out at the third
            assertFault(b, DtbError.NAME_OVERLAP, STRUCT + 8 + 2 * 12 + 8); // the third name offset
        }

        @Test
        void sharedSuffixNamesAsLinkersWriteThemAreRead() {
            // "linux,phandle" and "phandle" sharing one string, as string-table tools may do
            byte[] strings = "linux,phandle\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            byte[] b = new RawBlob().begin("").prop(4, 0, new byte[] {0, 0, 0, 1}).prop(4, 6, new byte[] {0, 0, 0, 1})
                    .end().finish().rawString(strings).bytes();
            assertThat(Dtb.parse(b).root().properties()).extracting(Property::name)
                    .containsExactly("linux,phandle", "phandle");
        }

        @Test
        void nopTokensAreSkipped() {
            byte[] b = new RawBlob().word(FdtSpec.FDT_NOP).begin("").word(FdtSpec.FDT_NOP).end().word(FdtSpec.FDT_NOP)
                    .finish().bytes();
            assertThat(Dtb.parse(b).root().children()).isEmpty();
        }
    }

    @Test
    void version16BlobFromDtcIsRead() throws Exception {
        Tools.Result r = Tools.run(java.util.List.of("dtc", "-q", "-I", "dts", "-O", "dtb", "-V", "16",
                ModelBuiltTreeTest.resource("kinds.dts").toString()), null);
        assertThat(get32(r.stdout(), FdtSpec.HDR_VERSION)).isEqualTo(16);
        assertThat(DtsPrinter.print(r.stdout())).isEqualTo(Tools.dtcToDts(r.stdout()));
    }
}
