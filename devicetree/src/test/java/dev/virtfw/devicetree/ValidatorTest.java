package dev.virtfw.devicetree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.devicetree.Finding.Severity;
import dev.virtfw.devicetree.Validator.Options;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidatorTest {

    /** A minimal machine tree that breaks no rule. */
    static DeviceTree clean() {
        Node root = Node.root();
        root.putU32("#address-cells", 2).putU32("#size-cells", 2).putString("compatible", "linux,dummy-virt")
                .putString("model", "clean");
        root.addChild("chosen").putString("bootargs", "console=ttyAMA0");
        Node cpus = root.addChild("cpus").putU32("#address-cells", 1).putU32("#size-cells", 0);
        cpus.addChild("cpu@0").putString("device_type", "cpu").putU32("reg", 0);
        root.addChild("memory@40000000").putString("device_type", "memory").putU64("reg", 0x40000000L, 0x20000000L);
        Node gic = root.addChild("intc@8000000").putU64("reg", 0x8000000L, 0x10000L)
                .putEmpty("interrupt-controller").putU32("#interrupt-cells", 3);
        Node clk = root.addChild("apb-pclk").putU32("#clock-cells", 0);
        root.putReference("interrupt-parent", gic);
        root.addChild("pl011@9000000").putU64("reg", 0x9000000L, 0x1000L).putReference("clocks", clk);
        return new DeviceTree(root);
    }

    private static List<String> lines(DeviceTree t, Options o) {
        return Validator.validate(t, o).stream().map(Finding::toString).toList();
    }

    @Test
    void cleanTreeHasNoFinding() {
        DeviceTree t = clean();
        assertThat(Validator.validate(t, Options.forMachine())).isEmpty();
        Dtb.write(t); // references resolved: still clean, now through phandle values
        assertThat(Validator.validate(Dtb.parse(Dtb.write(t)), Options.forMachine())).isEmpty();
    }

    @Test
    void findingPrintsInDtcShape() {
        Finding f = new Finding(Severity.ERROR, "reg_format", "/a@1", "reg", "property has invalid length (4 bytes)");
        assertThat(f).hasToString("ERROR (reg_format): /a@1:reg: property has invalid length (4 bytes)");
        assertThat(new Finding(Severity.WARNING, "x", "/", null, "text")).hasToString("Warning (x): /: text");
    }

    @Test
    void qemuVirtTreeHasOnlyItsKnownPcieUnitAddressQuirk(@TempDir Path dir) throws IOException {
        DeviceTree t = Dtb.parse(Tools.qemuVirtDtb(dir, "", "-cpu", "cortex-a57", "-m", "512"));
        assertThat(lines(t, Options.forMachine())).containsExactly(
                "Warning (unit_address_matches_reg): /pcie@10000000:reg: unit address \"10000000\" does not match"
                        + " the first reg address, expected \"4010000000\"");
    }

    /** Every warning dtc gives for a blob, from a check we share, we give too: same check, path and text. */
    @Test
    void findingsCoverDtcsWarningsOfTheSameChecks() throws Exception {
        Path dts = Path.of(java.util.Objects.requireNonNull(getClass().getResource("/validate/warnings.dts")).toURI());
        byte[] blob = Tools.dtcCompile(dts);
        List<String> dtc = Tools.dtcCheck(blob).stderr().lines()
                .filter(l -> !l.contains("Failed prerequisite"))
                .map(l -> l.substring(l.indexOf(" (") + 1)) // drop "file: Warning"
                .toList();
        assertThat(dtc).hasSize(5);
        List<String> ours = Validator.validate(Dtb.parse(blob)).stream()
                .map(f -> f.toString().substring(f.toString().indexOf(" (") + 1))
                .toList();
        assertThat(ours).containsAll(dtc);
    }

    /**
     * What dtc accepts without error we accept too: a tab in a string, the nodes dtc generates
     * with -@ ({@code __symbols__}), a GPIO hog's {@code gpios} (no phandle in it).
     */
    @Test
    void whatDtcAcceptsWithoutErrorHasNoErrorFinding() throws Exception {
        Path dts = Path.of(java.util.Objects.requireNonNull(getClass().getResource("/validate/dtc-clean.dts")).toURI());
        for (String flags : List.of("", "-@")) {
            byte[] blob = flags.isEmpty() ? Tools.dtcCompile(dts) : Tools.dtcCompile(dts, flags);
            assertThat(Tools.dtcCheck(blob).stderr()).doesNotContain("ERROR");
            DeviceTree t = Dtb.parse(blob);
            if (!flags.isEmpty()) {
                assertThat(t.find("/__symbols__")).isPresent();
            }
            assertThat(Validator.validate(t, Options.forMachine())).noneMatch(f -> f.severity() == Severity.ERROR);
        }
    }

    @Test
    void onlyTheRulesDtcEnforcesOnBlobsAreErrors() {
        // dtc's ERROR-level checks that apply to a blob, and ours that a tree built in the model or a machine needs.
        assertThat(Validator.CHECKS.stream().filter(c -> c.severity() == Severity.ERROR).map(Validator.Check::name))
                .containsExactly("node_name_chars", "node_name_format", "property_name_chars", "explicit_phandles",
                        "phandle_references", "machine_nodes");
    }

    @Nested
    class Names {
        @Test
        void badNodeCharactersAndFormats() {
            DeviceTree t = clean();
            t.root().addChild("Bad!name");
            t.root().addChild("a@b@c").putU32("reg", 0xb, 0, 0, 0);
            t.root().addChild("@1");
            t.root().addChild("x@");
            t.root().addChild("9lives");
            t.root().addChild("n".repeat(32));
            assertThat(lines(t, Options.defaults())).contains(
                    "ERROR (node_name_chars): /Bad!name: Bad character '!' in node name",
                    "ERROR (node_name_format): /a@b@c: multiple '@' in node name",
                    "Warning (node_name_spec): /@1: node name is empty before '@'",
                    "Warning (node_name_spec): /x@: empty unit address after '@'",
                    "Warning (node_name_spec): /9lives: node name does not start with a letter",
                    "Warning (node_name_length): /" + "n".repeat(32) + ": node name is 32 characters, more than 31");
        }

        @Test
        void badPropertyNames() {
            DeviceTree t = clean();
            t.root().addChild("p").putEmpty("bad=name").putEmpty("").putEmpty("p".repeat(32)).putEmpty("ok,#?+_.-");
            assertThat(lines(t, Options.defaults())).containsExactly(
                    "ERROR (property_name_chars): /p:bad=name: Bad character '=' in property name",
                    "Warning (property_name_length): /p:: property name is empty",
                    "Warning (property_name_length): /p:" + "p".repeat(32)
                            + ": property name is 32 characters, more than 31");
        }
    }

    @Nested
    class Addressing {
        @Test
        void regLengthMustFitParentCells() {
            DeviceTree t = clean();
            t.root().addChild("dev@1000").putU32("reg", 0, 0x1000, 0);
            assertThat(lines(t, Options.defaults())).containsExactly(
                    "Warning (reg_format): /dev@1000:reg: property has invalid length (12 bytes)"
                            + " (#address-cells == 2, #size-cells == 2)");
        }

        @Test
        void rangesLengthMustFitBothSidesCells() {
            DeviceTree t = clean();
            Node bus = t.root().addChild("bus@0").putU32("#address-cells", 1).putU32("#size-cells", 1)
                    .putU32("ranges", 0, 0, 0, 0x1000, 7);
            bus.addChild("d@10").putU32("reg", 0x10, 4);
            assertThat(lines(t, Options.defaults())).containsExactly(
                    "Warning (ranges_format): /bus@0:ranges: property has invalid length (20 bytes)"
                            + " (parent #address-cells == 2, child #address-cells == 1, #size-cells == 1)");
        }

        @Test
        void unitAddressMustMatchFirstRegAddress() {
            DeviceTree t = clean();
            t.root().addChild("dev@2000").putU64("reg", 0x1000L, 0x10L);
            t.root().addChild("dev@0x1000").putU64("reg", 0x1000L, 0x10L);
            t.root().addChild("dev@01000").putU64("reg", 0x1000L, 0x10L);
            assertThat(lines(t, Options.defaults())).containsExactly(
                    "Warning (unit_address_matches_reg): /dev@2000:reg: unit address \"2000\" does not match the"
                            + " first reg address, expected \"1000\"",
                    "Warning (unit_address_format): /dev@0x1000: unit name should not have leading \"0x\"",
                    "Warning (unit_address_matches_reg): /dev@0x1000:reg: unit address \"0x1000\" does not match"
                            + " the first reg address, expected \"1000\"",
                    "Warning (unit_address_format): /dev@01000: unit name should not have leading 0s",
                    "Warning (unit_address_matches_reg): /dev@01000:reg: unit address \"01000\" does not match"
                            + " the first reg address, expected \"1000\"");
        }

        @Test
        void unitAddressWithoutRegAndRegWithoutUnitAddress() {
            DeviceTree t = clean();
            t.root().addChild("lonely@5");
            t.root().addChild("anonymous").putU64("reg", 5, 1);
            assertThat(lines(t, Options.defaults())).containsExactly(
                    "Warning (unit_address_vs_reg): /lonely@5: node has a unit name, but no reg or ranges property",
                    "Warning (unit_address_vs_reg): /anonymous: node has a reg or ranges property, but no unit name");
        }

        @Test
        void defaultCellsAreReported() {
            DeviceTree t = clean();
            t.root().addChild("bus").addChild("d@1").putU32("reg", 0, 1, 2);
            assertThat(lines(t, Options.defaults())).containsExactly(
                    "Warning (avoid_default_addr_size): /bus/d@1: Relying on default #address-cells value",
                    "Warning (avoid_default_addr_size): /bus/d@1: Relying on default #size-cells value");
        }
    }

    @Nested
    class Phandles {
        @Test
        void duplicateAndBadPhandles() {
            DeviceTree t = clean();
            t.root().addChild("a").putU32("phandle", 0x20);
            t.root().addChild("b").putU32("phandle", 0x20);
            t.root().addChild("c").putU32("phandle", 0);
            t.root().addChild("d").putU32("phandle", 5).putU32("linux,phandle", 6);
            assertThat(lines(t, Options.defaults())).containsExactly(
                    "ERROR (explicit_phandles): /b:phandle: duplicated phandle 0x20 (seen before at /a)",
                    "ERROR (explicit_phandles): /c:phandle: bad value (0x0) in phandle property",
                    "ERROR (explicit_phandles): /d:linux,phandle: mismatching 'phandle' and 'linux,phandle' properties");
        }

        @Test
        void danglingPhandlesInParsedTrees() {
            DeviceTree t = clean();
            Node root = t.root();
            root.putU32("interrupt-parent", 0x99);
            root.addChild("user").putU32("clocks", 0x77);
            assertThat(lines(t, Options.defaults())).containsExactly(
                    "Warning (phandle_args): /:interrupt-parent: dangling phandle 0x99",
                    "Warning (phandle_args): /user:clocks: dangling phandle 0x77 in cell 0");
        }

        @Test
        void phandleArgumentsFollowTheProvidersCellCount() {
            DeviceTree t = clean();
            Node gpio = t.root().addChild("gpio").putU32("#gpio-cells", 2).putU32("phandle", 0x40);
            t.root().addChild("ok").putU32("reset-gpios", 0x40, 1, 0);
            t.root().addChild("short").putU32("reset-gpios", 0x40, 1);
            t.root().addChild("nocells").putU32("resets", 0x40);
            assertThat(gpio.phandle()).hasValue(0x40);
            assertThat(lines(t, Options.defaults())).containsExactly(
                    "Warning (phandle_args): /short:reset-gpios: property size (8) too small for cell size 2"
                            + " at cell 0",
                    "Warning (phandle_args): /nocells:resets: missing property '#reset-cells' in node /gpio"
                            + " or bad phandle (referred from cell 0)");
        }

        @Test
        void modelReferenceOutsideTheTree() {
            DeviceTree t = clean();
            Node stranger = Node.root().addChild("stranger");
            t.root().addChild("user").putReference("link", stranger);
            assertThat(lines(t, Options.defaults())).containsExactly(
                    "ERROR (phandle_references): /user:link: reference to /stranger, a node outside this tree");
        }
    }

    @Nested
    class RequiredNodes {
        @Test
        void rootPropertiesAreRequired() {
            DeviceTree t = new DeviceTree(Node.root());
            assertThat(lines(t, Options.defaults())).containsExactly(
                    "Warning (root_properties): /: missing required property '#address-cells'",
                    "Warning (root_properties): /: missing required property '#size-cells'",
                    "Warning (root_properties): /: missing required property 'model'",
                    "Warning (root_properties): /: missing required property 'compatible'");
        }

        @Test
        void machineNodesOnlyWhenAsked() {
            DeviceTree t = clean();
            t.root().removeChild("chosen");
            t.root().removeChild("cpus");
            t.root().removeChild("memory@40000000");
            assertThat(lines(t, Options.defaults())).isEmpty();
            assertThat(lines(t, Options.forMachine())).containsExactly(
                    "ERROR (machine_nodes): /: missing /chosen node",
                    "ERROR (machine_nodes): /: missing /cpus node",
                    "ERROR (machine_nodes): /: missing /memory node (a node named memory with device_type = \"memory\")");
        }

        @Test
        void memoryNodeNeedsReg() {
            DeviceTree t = clean();
            t.root().find("/memory").orElseThrow().remove("reg");
            assertThat(lines(t, Options.forMachine())).containsExactly(
                    "Warning (unit_address_vs_reg): /memory@40000000: node has a unit name, but no reg or ranges property",
                    "Warning (memory_node): /memory@40000000: memory node has no reg property");
        }

        @Test
        void typedPropertiesMustBeStringsAndCells() {
            DeviceTree t = clean();
            t.root().addChild("t").putU32("compatible", 1).putString("status", "okay", "disabled")
                    .putU64("#foo-cells", 1);
            assertThat(lines(t, Options.defaults())).containsExactly(
                    "Warning (cells_property_format): /t:#foo-cells: property is not a single cell (8 bytes)",
                    "Warning (string_property): /t:status: property is not a string",
                    "Warning (string_property): /t:compatible: property is not a string list");
        }
    }
}
