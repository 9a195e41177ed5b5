package dev.virtfw.devicetree;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Trees built through the model API, written by us, against dtc's compile of the same source. */
class ModelBuiltTreeTest {

    static Path resource(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(ModelBuiltTreeTest.class.getResource("/dts/" + name)).toURI());
    }

    /** The same tree as src/test/resources/dts/kinds.dts. */
    static DeviceTree kinds() {
        Node root = Node.root();
        DeviceTree t = new DeviceTree(root);
        t.addReservation(0x48000000L, 0x100000L);
        t.addReservation(0xffffffff00000000L, 0x1000L);
        root.putU32("#address-cells", 2).putU32("#size-cells", 2).putString("compatible", "linux,dummy-virt")
                .putString("model", "every property kind");
        Node chosen = root.addChild("chosen");
        Node memory = root.addChild("memory@40000000");
        Node gic = root.addChild("intc@8000000");
        root.putReference("interrupt-parent", gic); // a reference before the target has a phandle
        chosen.putString("bootargs", "console=ttyAMA0 root=/dev/vda").putString("stdout-path", "/pl011@9000000")
                .putString("empty-string", "");
        memory.putString("device_type", "memory").putU64("reg", 0x40000000L, 0x20000000L);
        gic.putString("compatible", "arm,cortex-a15-gic").putU32("#interrupt-cells", 3).putU32("#address-cells", 0)
                .putEmpty("interrupt-controller").putU32("reg", 0, 0x8000000, 0, 0x10000, 0, 0x8010000, 0, 0x10000);
        Node clk = root.addChild("apb-pclk");
        clk.putString("compatible", "fixed-clock").putU32("#clock-cells", 0).putU32("clock-frequency", 24000000)
                .putString("clock-output-names", "clk24mhz").putU32("phandle", 0x8000);
        Node uart = root.addChild("pl011@9000000");
        uart.putString("compatible", "arm,pl011", "arm,primecell").putU64("reg", 0x9000000L, 0x1000L)
                .putU32("interrupts", 0, 1, 4).putCells("clocks", Cell.ref(clk), Cell.ref(clk))
                .putString("clock-names", "uartclk", "apb_pclk");
        Node k = root.addChild("kinds");
        k.putEmpty("empty").putU32("u32", 0x12345678).putU32("u32-zero", 0).putU32("u32-max", 0xffffffff)
                .putU32("cells", 1, 2, 3, 4, 5).putU64("u64", 0x123456789abcdef0L).putU64("u64s", 1, -1L)
                .putBytes("u16", new byte[] {0x12, 0x34, 0x56, 0x78, (byte) 0x9a, (byte) 0xbc})
                .putBytes("u8", new byte[] {1, 2, 3}).putString("string", "hello")
                .putString("strings", "one", "two", "three")
                .putBytes("bytes", new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1})
                .putBytes("bytes4", new byte[] {0, 1, 2, 3})
                .putCells("mixed", Cell.ref(gic), Cell.u32(1), Cell.ref(clk))
                .putString("path-ref", "/apb-pclk");
        return t;
    }

    @Test
    void treeBuiltLikeKindsDtsPrintsLikeDtcsCompile() throws Exception {
        byte[] ours = Dtb.write(kinds());
        assertThat(Tools.dtcToDts(ours)).isEqualTo(Tools.dtcToDts(Tools.dtcCompile(resource("kinds.dts"))));
    }

    @Test
    void treeBuiltWithForwardReferencesAllocatesPhandlesLikeDtc() throws Exception {
        Node root = Node.root();
        root.putU32("#address-cells", 1).putU32("#size-cells", 1).putString("compatible", "test,phandles")
                .putString("model", "references before and after targets");
        Node explicit = root.addChild("explicit").putU32("phandle", 1);
        Node explicit3 = root.addChild("explicit3").putU32("phandle", 3);
        Node users = root.addChild("users");
        Node early = root.addChild("early");
        Node late = root.addChild("late");
        Node other = root.addChild("other").putU32("linux,phandle", 7);
        root.putReference("first-ref", late);
        // put "first-ref" before the children's properties, as in the source: it is already a root property
        users.putCells("refs", Cell.ref(late), Cell.ref(explicit), Cell.ref(early), Cell.ref(explicit3),
                Cell.ref(other));
        users.putReference("again", late);
        byte[] ours = Dtb.write(new DeviceTree(root));
        assertThat(Tools.dtcToDts(ours)).isEqualTo(Tools.dtcToDts(Tools.dtcCompile(resource("phandles.dts"))));
        assertThat(late.phandle()).hasValue(2);
        assertThat(early.phandle()).hasValue(4);
    }

    @Test
    void dtcAcceptsOurBlobWithoutAnyWarning() {
        DeviceTree t = kinds();
        Tools.Result r = Tools.dtcCheck(Dtb.write(t));
        assertThat(r.exitCode()).isZero();
        assertThat(r.stderr()).isEmpty();
    }
}
