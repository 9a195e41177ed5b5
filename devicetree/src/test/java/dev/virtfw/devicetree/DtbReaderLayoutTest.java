package dev.virtfw.devicetree;

import static dev.virtfw.devicetree.RawBlob.get32;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

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
}
