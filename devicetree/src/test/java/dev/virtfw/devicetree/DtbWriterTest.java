package dev.virtfw.devicetree;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The blob layout of Devicetree Specification chapter 5, read back field by field. */
class DtbWriterTest {
    private static int u32(byte[] b, int off) {
        return MemorySegment.ofArray(b).get(FdtSpec.BE_U32, off);
    }

    private static DeviceTree sample() {
        Node root = Node.root();
        root.putU32("#address-cells", 2).putU32("#size-cells", 2).putString("compatible", "x,y").putString("model", "m");
        root.addChild("a").putString("compatible", "x,a").putBytes("odd", new byte[] {1, 2, 3, 4, 5});
        root.addChild("b").putString("compatible", "x,b");
        DeviceTree t = new DeviceTree(root);
        t.addReservation(0x1000, 0x2000).setBootCpuidPhys(3);
        return t;
    }

    @Test
    void headerIsVersion17CompatibleWith16() {
        byte[] b = Dtb.write(sample());
        assertThat(u32(b, 0)).isEqualTo(0xd00dfeed);
        assertThat(u32(b, 4)).isEqualTo(b.length);
        assertThat(u32(b, 20)).isEqualTo(17);
        assertThat(u32(b, 24)).isEqualTo(16);
        assertThat(u32(b, 28)).isEqualTo(3);
    }

    @Test
    void blocksFollowEachOtherAlignedAndSized() {
        byte[] b = Dtb.write(sample());
        int offStruct = u32(b, 8);
        int offStrings = u32(b, 12);
        int offRsv = u32(b, 16);
        int sizeStrings = u32(b, 32);
        int sizeStruct = u32(b, 36);
        assertThat(offRsv).isEqualTo(40);
        assertThat(offRsv % 8).isZero();
        assertThat(offStruct).isEqualTo(offRsv + 2 * 16); // one entry plus the terminator
        assertThat(offStruct % 4).isZero();
        assertThat(offStrings).isEqualTo(offStruct + sizeStruct);
        assertThat(offStrings + sizeStrings).isEqualTo(b.length);
        assertThat(u32(b, offStruct + sizeStruct - 4)).isEqualTo(FdtSpec.FDT_END);
        MemorySegment s = MemorySegment.ofArray(b);
        assertThat(s.get(FdtSpec.BE_U64, offRsv)).isEqualTo(0x1000);
        assertThat(s.get(FdtSpec.BE_U64, offRsv + 8)).isEqualTo(0x2000);
        assertThat(s.get(FdtSpec.BE_U64, offRsv + 16)).isZero();
        assertThat(s.get(FdtSpec.BE_U64, offRsv + 24)).isZero();
    }

    @Test
    void asLibfdtTheReservationMapIsAlignedTo16AsFdtCreateDoesAndTheRestIsTheSame() {
        byte[] dtc = Dtb.write(sample(), 4096);
        byte[] libfdt = Dtb.writeAsLibfdt(sample(), 4096);
        assertThat(u32(libfdt, 16)).isEqualTo(0x30);
        assertThat(u32(libfdt, 8)).isEqualTo(0x30 + 2 * 16);
        assertThat(u32(libfdt, 12) - u32(dtc, 12)).as("the strings block moves by the 8 bytes too").isEqualTo(8);
        assertThat(u32(libfdt, 4)).isEqualTo(4096);
        assertThat(java.util.Arrays.copyOfRange(libfdt, 0x30, u32(libfdt, 12) + u32(libfdt, 32)))
                .isEqualTo(java.util.Arrays.copyOfRange(dtc, 0x28, u32(dtc, 12) + u32(dtc, 32)));
        assertThat(Dtb.parse(libfdt).reservations()).containsExactly(new MemoryReservation(0x1000, 0x2000));
        assertThat(Dtb.parse(libfdt).root().child("a").orElseThrow().property("odd").orElseThrow().length()).isEqualTo(5);
    }

    @Test
    void eachPropertyNameIsStoredOnce() {
        byte[] b = Dtb.write(sample());
        String strings = new String(b, u32(b, 12), u32(b, 32), StandardCharsets.ISO_8859_1);
        assertThat(strings).isEqualTo("#address-cells\0#size-cells\0compatible\0model\0odd\0");
    }

    @Test
    void valuesArePaddedToFourBytes() {
        Node root = Node.root().putBytes("p", new byte[] {1, 2, 3, 4, 5});
        byte[] b = Dtb.write(new DeviceTree(root));
        int s = u32(b, 8);
        // BEGIN_NODE, "" padded to 4, PROP len nameoff, 5 bytes + 3 padding, END_NODE, END
        assertThat(u32(b, s)).isEqualTo(FdtSpec.FDT_BEGIN_NODE);
        assertThat(u32(b, s + 8)).isEqualTo(FdtSpec.FDT_PROP);
        assertThat(u32(b, s + 12)).isEqualTo(5);
        assertThat(b[s + 20]).isEqualTo((byte) 1);
        assertThat(b[s + 25]).isZero();
        assertThat(u32(b, s + 28)).isEqualTo(FdtSpec.FDT_END_NODE);
        assertThat(u32(b, s + 32)).isEqualTo(FdtSpec.FDT_END);
        assertThat(u32(b, 36)).isEqualTo(36);
    }

    @Test
    void zeroReservationIsRefusedBecauseItWouldEndTheMap() {
        DeviceTree t = sample();
        t.addReservation(0, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Dtb.write(t))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("(0, 0)");
    }

    @Test
    void readBackGivesTheSameTree() {
        DeviceTree t = sample();
        DeviceTree back = Dtb.parse(Dtb.write(t));
        assertThat(TreeDiff.compare(t, back)).isEmpty();
        assertThat(back.bootCpuidPhys()).isEqualTo(3);
        assertThat(back.reservations()).containsExactly(new MemoryReservation(0x1000, 0x2000));
    }

    @Test
    void dtcAcceptsItWithNoWarning() {
        Tools.Result r = Tools.dtcCheck(Dtb.write(sample()));
        assertThat(r.exitCode()).isZero();
        assertThat(r.stderr()).isEmpty();
        // and dtc keeps our header data
        Tools.Result dts = Tools.run(java.util.List.of("dtc", "-q", "-I", "dtb", "-O", "dts", "-"), Dtb.write(sample()));
        assertThat(dts.out()).contains("/memreserve/\t0x0000000000001000 0x0000000000002000;");
    }

    @Test
    void bootCpuidSurvivesDtcRewrite() {
        Tools.Result r = Tools.run(java.util.List.of("dtc", "-q", "-I", "dtb", "-O", "dtb", "-"), Dtb.write(sample()));
        assertThat(Dtb.parse(r.stdout()).bootCpuidPhys()).isEqualTo(3);
    }

    @Test
    void paddingToAMinimumSizeMatchesDtcDashS() throws Exception {
        byte[] packed = Dtb.write(sample());
        byte[] padded = Dtb.write(sample(), 1 << 20);
        assertThat(padded).hasSize(1 << 20);
        assertThat(u32(padded, 4)).isEqualTo(1 << 20);
        // every block is where it is in the packed blob, and the free space is zeros
        assertThat(java.util.Arrays.copyOf(padded, packed.length)).isEqualTo(
                withTotalSize(packed, 1 << 20));
        assertThat(java.util.Arrays.copyOfRange(padded, packed.length, padded.length)).containsOnly(0);
        // dtc -S 1048576 of the same tree gives the same size and prints the same
        java.nio.file.Path dts = java.nio.file.Files.createTempFile("pad", ".dts");
        try {
            java.nio.file.Files.writeString(dts, DtsPrinter.print(packed));
            byte[] dtc = Tools.dtcCompile(dts, "-S", "1048576");
            assertThat(u32(dtc, 4)).isEqualTo(1 << 20);
            assertThat(Tools.dtcToDts(padded)).isEqualTo(Tools.dtcToDts(dtc));
        } finally {
            java.nio.file.Files.delete(dts);
        }
        // a minimum below the packed size changes nothing
        assertThat(Dtb.write(sample(), 16)).isEqualTo(packed);
    }

    private static byte[] withTotalSize(byte[] blob, int total) {
        byte[] copy = blob.clone();
        MemorySegment.ofArray(copy).set(FdtSpec.BE_U32, 4, total);
        return copy;
    }
}
