package dev.virtfw.devicetree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.devicetree.TreeDiff.Difference;
import dev.virtfw.devicetree.TreeDiff.Kind;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeDiffTest {

    /** gic and clk referenced from several places; the phandles of gic and clk given or allocated. */
    static DeviceTree linked(Integer gicPhandle, Integer clkPhandle, boolean uartClockIsGic) {
        Node root = Node.root();
        Node gic = root.addChild("intc@8000000").putEmpty("interrupt-controller");
        Node clk = root.addChild("apb-pclk").putU32("#clock-cells", 0);
        if (gicPhandle != null) {
            gic.putU32("phandle", gicPhandle);
        }
        if (clkPhandle != null) {
            clk.putU32("phandle", clkPhandle);
        }
        root.putReference("interrupt-parent", gic);
        root.addChild("pl011@9000000").putCells("clocks", Cell.ref(uartClockIsGic ? gic : clk), Cell.u32(7))
                .putU32("interrupts", 0, 1, 4);
        return new DeviceTree(root);
    }

    private static DeviceTree roundTrip(DeviceTree t) {
        return Dtb.parse(Dtb.write(t));
    }

    @Test
    void identicalTreesHaveNoDifference() {
        assertThat(TreeDiff.compare(linked(null, null, false), linked(null, null, false))).isEmpty();
    }

    @Test
    void phandleNumberingIsIgnoredWhenLinksAreTheSame() {
        DeviceTree a = roundTrip(linked(null, null, false)); // gic 1, clk 2
        DeviceTree b = roundTrip(linked(0x8001, 0x8000, false));
        assertThat(a.find("/intc@8000000").orElseThrow().phandle()).hasValue(1);
        assertThat(b.find("/intc@8000000").orElseThrow().phandle()).hasValue(0x8001);
        assertThat(TreeDiff.compare(a, b)).isEmpty();
    }

    @Test
    void aLinkToAnotherNodeIsADifference() {
        DeviceTree a = roundTrip(linked(null, null, false));
        DeviceTree b = roundTrip(linked(0x8001, 0x8000, true));
        assertThat(TreeDiff.compare(a, b)).containsExactly(new Difference(Kind.VALUE_DIFFERS, "/pl011@9000000",
                "clocks", "<0x02 0x07>", "<0x8001 0x07>"));
    }

    @Test
    void modelReferencesCompareByTarget() {
        DeviceTree model = linked(null, null, false); // not written: references not resolved yet
        DeviceTree parsed = roundTrip(linked(0x40, 0x41, false));
        assertThat(TreeDiff.compare(model, parsed)).containsExactly(
                new Difference(Kind.PROPERTY_ONLY_IN_RIGHT, "/intc@8000000", "phandle", null, "<0x40>"),
                new Difference(Kind.PROPERTY_ONLY_IN_RIGHT, "/apb-pclk", "phandle", null, "<0x41>"));
    }

    @Test
    void everyKindOfDifferenceWithPathsAndBothValues() {
        DeviceTree a = linked(null, null, false);
        DeviceTree b = linked(null, null, false);
        a.root().addChild("only-left").addChild("deeper");
        b.root().addChild("only-right");
        a.root().putString("model", "a");
        b.root().putString("model", "b");
        a.root().putEmpty("left-prop");
        b.find("/pl011@9000000").orElseThrow().putString("status", "okay");
        b.find("/pl011@9000000").orElseThrow().putU32("interrupts", 0, 1, 8);
        b.addReservation(0x1000, 0x10);
        b.setBootCpuidPhys(2);
        assertThat(TreeDiff.compare(a, b)).containsExactly(
                new Difference(Kind.RESERVATIONS_DIFFER, "/", null, "[]", "[MemoryReservation[address=4096, size=16]]"),
                new Difference(Kind.BOOT_CPUID_DIFFERS, "/", null, "0x0", "0x2"),
                new Difference(Kind.VALUE_DIFFERS, "/", "model", "\"a\"", "\"b\""),
                new Difference(Kind.PROPERTY_ONLY_IN_LEFT, "/", "left-prop", "(empty)", null),
                new Difference(Kind.NODE_ONLY_IN_LEFT, "/only-left", null, null, null),
                new Difference(Kind.NODE_ONLY_IN_RIGHT, "/only-right", null, null, null),
                new Difference(Kind.VALUE_DIFFERS, "/pl011@9000000", "interrupts", "<0x00 0x01 0x04>",
                        "<0x00 0x01 0x08>"),
                new Difference(Kind.PROPERTY_ONLY_IN_RIGHT, "/pl011@9000000", "status", null, "\"okay\""));
    }

    @Test
    void differenceReadsAsOneLine() {
        Difference d = new Difference(Kind.VALUE_DIFFERS, "/a", "p", "<0x01>", "<0x02>");
        assertThat(d).hasToString("/a:p: value differs: <0x01> | <0x02>");
        assertThat(new Difference(Kind.NODE_ONLY_IN_LEFT, "/x", null, null, null))
                .hasToString("/x: node only in left: (absent) | (absent)");
    }

    @Test
    void childOrderIsNotADifference() {
        Node r1 = Node.root();
        r1.addChild("a");
        r1.addChild("b");
        Node r2 = Node.root();
        r2.addChild("b");
        r2.addChild("a");
        assertThat(TreeDiff.compare(new DeviceTree(r1), new DeviceTree(r2))).isEmpty();
    }

    @Test
    void qemuVariantsDifferWhereTheirOptionsDo(@TempDir Path dir) throws IOException {
        DeviceTree one = Dtb.parse(Tools.qemuVirtDtb(dir, "", "-cpu", "cortex-a57", "-m", "512"));
        DeviceTree four = Dtb.parse(Tools.qemuVirtDtb(dir, "", "-cpu", "cortex-a57", "-m", "512", "-smp", "4"));
        assertThat(TreeDiff.compare(one, Dtb.parse(Dtb.write(one)))).isEmpty();
        var diffs = TreeDiff.compare(one, four);
        assertThat(diffs).filteredOn(d -> d.kind() == Kind.NODE_ONLY_IN_RIGHT).extracting(Difference::path)
                .contains("/cpus/cpu@1", "/cpus/cpu@2", "/cpus/cpu@3");
        assertThat(diffs).noneMatch(d -> d.kind() == Kind.NODE_ONLY_IN_LEFT);
    }
}
