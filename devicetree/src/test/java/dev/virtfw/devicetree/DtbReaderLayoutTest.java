package dev.virtfw.devicetree;

import static dev.virtfw.devicetree.RawBlob.get32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Valid blobs laid out otherwise than dtc lays them out: the spec fixes no block order. */
class DtbReaderLayoutTest {

    /** Moves the blocks of a writer-made blob: strings first, then the reservation map, then the structure. */
    static byte[] reordered(byte[] blob) {
        int offStruct = get32(blob, FdtSpec.HDR_OFF_DT_STRUCT);
        int offStrings = get32(blob, FdtSpec.HDR_OFF_DT_STRINGS);
        int offRsv = get32(blob, FdtSpec.HDR_OFF_MEM_RSVMAP);
        int sizeStruct = get32(blob, FdtSpec.HDR_SIZE_DT_STRUCT);
        int sizeStrings = get32(blob, FdtSpec.HDR_SIZE_DT_STRINGS);
        int rsvLen = offStruct - offRsv;
        int newStrings = 40;
        int newRsv = (int) FdtSpec.align(newStrings + sizeStrings, 8);
        int newStruct = newRsv + rsvLen;
        byte[] out = new byte[newStruct + sizeStruct + 12]; // with trailing free space
        System.arraycopy(blob, 0, out, 0, 40);
        System.arraycopy(blob, offStrings, out, newStrings, sizeStrings);
        System.arraycopy(blob, offRsv, out, newRsv, rsvLen);
        System.arraycopy(blob, offStruct, out, newStruct, sizeStruct);
        MemorySegment s = MemorySegment.ofArray(out);
        s.set(FdtSpec.BE_U32, FdtSpec.HDR_TOTALSIZE, out.length);
        s.set(FdtSpec.BE_U32, FdtSpec.HDR_OFF_DT_STRINGS, newStrings);
        s.set(FdtSpec.BE_U32, FdtSpec.HDR_OFF_MEM_RSVMAP, newRsv);
        s.set(FdtSpec.BE_U32, FdtSpec.HDR_OFF_DT_STRUCT, newStruct);
        return out;
    }

    @Test
    void blocksInAnotherOrderReadTheSameAsDtcReadsThem() {
        DeviceTree t = ModelBuiltTreeTest.kinds();
        byte[] blob = Dtb.write(t);
        byte[] moved = reordered(blob);
        assertThat(get32(moved, FdtSpec.HDR_OFF_DT_STRINGS)).isLessThan(get32(moved, FdtSpec.HDR_OFF_DT_STRUCT));
        assertThat(TreeDiff.compare(Dtb.parse(blob), Dtb.parse(moved))).isEmpty();
        assertThat(Dtb.parse(moved).reservations()).hasSize(2);
        assertThat(DtsPrinter.print(moved)).isEqualTo(Tools.dtcToDts(moved)).isEqualTo(DtsPrinter.print(blob));
    }

    @Test
    void version16WithoutStructSizeUsesTheNextBlockAsItsEnd() {
        byte[] moved = reordered(Dtb.write(ModelBuiltTreeTest.kinds()));
        MemorySegment s = MemorySegment.ofArray(moved);
        s.set(FdtSpec.BE_U32, FdtSpec.HDR_VERSION, 16);
        s.set(FdtSpec.BE_U32, FdtSpec.HDR_SIZE_DT_STRUCT, 0xdeadbeef); // not a field in version 16
        assertThat(DtsPrinter.print(moved)).isEqualTo(Tools.dtcToDts(moved));
    }

    /** dtc -O dtb -V N of each test source: the old formats dtc still writes and reads. */
    @ParameterizedTest(name = "version {0}, {1}")
    @CsvSource({"1, kinds", "2, kinds", "3, kinds", "1, odd-values", "2, odd-values", "3, odd-values", "1, phandles",
        "3, phandles"})
    void oldVersionsReadAsDtcReadsThem(int version, String source) throws Exception {
        Path dts = Path.of(DtbReaderLayoutTest.class.getResource("/dts/" + source + ".dts").toURI());
        byte[] blob = Tools.dtcCompile(dts, "-V", String.valueOf(version), "-b", "7");
        assertThat(get32(blob, FdtSpec.HDR_VERSION)).isEqualTo(version);
        DeviceTree tree = Dtb.parse(blob);
        assertThat(DtsPrinter.print(blob)).isEqualTo(Tools.dtcToDts(blob));
        assertThat(tree.bootCpuidPhys()).as("boot_cpuid_phys (absent from the version 1 header)")
                .isEqualTo(version >= 2 ? 7 : 0);
        DeviceTree current = Dtb.parse(Tools.dtcCompile(dts, "-b", "7"));
        // the old formats add a "name" property to every node; otherwise the trees agree
        Walk.depthFirst(tree.root(), (n, depth) -> n.remove("name"));
        current.setBootCpuidPhys(tree.bootCpuidPhys());
        assertThat(TreeDiff.compare(current, tree)).isEmpty();
    }

    @Test
    void versionsNeverDefinedAreRefused() {
        byte[] blob = Dtb.write(ModelBuiltTreeTest.kinds());
        for (int version : new int[] {0, 4, 15}) {
            MemorySegment.ofArray(blob).set(FdtSpec.BE_U32, FdtSpec.HDR_VERSION, version);
            MemorySegment.ofArray(blob).set(FdtSpec.BE_U32, FdtSpec.HDR_LAST_COMP_VERSION, 0);
            assertThatThrownBy(() -> Dtb.parse(blob)).isInstanceOfSatisfying(DtbFormatException.class,
                    e -> assertThat(e.error()).isEqualTo(DtbError.BAD_VERSION));
        }
    }
}
