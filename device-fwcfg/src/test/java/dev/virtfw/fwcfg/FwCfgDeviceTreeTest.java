package dev.virtfw.fwcfg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.Dtb;
import dev.virtfw.devicetree.DtsPrinter;
import dev.virtfw.devicetree.Node;
import dev.virtfw.devicetree.Property;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device's device tree node, checked against the node QEMU 7.2's virt board publishes
 * ({@code qemu-system-aarch64 -M virt,dumpdtb=...}, printed by dtc). Needs qemu-system-aarch64 and
 * dtc on the PATH; without them the test fails and says which is missing (CI installs both).
 */
@DisplayName("Device tree node (hw/arm/virt.c create_fw_cfg)")
class FwCfgDeviceTreeTest {
    static final long VIRT_FW_CFG_BASE = 0x0902_0000L;

    @TempDir
    Path dir;

    static Path tool(String name) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(p, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(name + " is not on the PATH: install it (Debian: qemu-system-arm, device-tree-compiler)");
    }

    static String run(Path workDir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("out.txt").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
        }
        String out = Files.readString(workDir.resolve("out.txt"));
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }

    /** The lines of the node {@code name} in dtc's DTS output, from its opening line to its "};". */
    static List<String> nodeBlock(String dts, String name) {
        List<String> block = new ArrayList<>();
        boolean in = false;
        for (String line : dts.split("\n")) {
            if (line.trim().equals(name + " {")) {
                in = true;
            }
            if (in) {
                block.add(line.trim());
                if (line.trim().equals("};")) {
                    break;
                }
            }
        }
        return block;
    }

    byte[] ourDtb() {
        Node root = Node.root();
        root.putU32("#address-cells", 2);
        root.putU32("#size-cells", 2);
        try (GuardedRam ram = new GuardedRam(4096); FwCfgDevice device = new FwCfgDevice(FwCfgItems.create(), ram)) {
            device.addDeviceTreeNode(root, new GuestAddress(VIRT_FW_CFG_BASE));
        }
        return Dtb.write(new DeviceTree(root));
    }

    @Test
    @DisplayName("virt.c: node fw-cfg@9020000 with dma-coherent, reg = <0x0 base 0x0 0x18>, compatible = \"qemu,fw-cfg-mmio\", in that order")
    void nodeShape() {
        Node root = Node.root();
        try (GuardedRam ram = new GuardedRam(4096); FwCfgDevice device = new FwCfgDevice(FwCfgItems.create(), ram)) {
            device.addDeviceTreeNode(root, new GuestAddress(VIRT_FW_CFG_BASE));
        }
        Node node = root.child("fw-cfg@9020000").orElseThrow();
        assertThat(node.properties()).extracting(Property::name).containsExactly("dma-coherent", "reg", "compatible");
        assertThat(node.property("dma-coherent").orElseThrow().value()).isEmpty();
        assertThat(node.property("reg").orElseThrow().value()).containsExactly(
                0, 0, 0, 0, 0x09, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x18);
        assertThat(new String(node.property("compatible").orElseThrow().value(), StandardCharsets.US_ASCII))
                .isEqualTo("qemu,fw-cfg-mmio\0");
    }

    @Test
    @DisplayName("virt.c: the node, printed by dtc, is the same text as in QEMU 7.2's own virt device tree")
    void matchesQemu() throws Exception {
        Path qemu = tool("qemu-system-aarch64");
        Path dtc = tool("dtc");
        Path qemuDtb = dir.resolve("qemu.dtb");
        run(dir, qemu.toString(), "-M", "virt,dumpdtb=" + qemuDtb, "-nic", "none", "-display", "none");
        String qemuDts = run(dir, dtc.toString(), "-q", "-I", "dtb", "-O", "dts", qemuDtb.toString());
        Path ours = Files.write(dir.resolve("ours.dtb"), ourDtb());
        String ourDts = run(dir, dtc.toString(), "-q", "-I", "dtb", "-O", "dts", ours.toString());

        List<String> expected = nodeBlock(qemuDts, "fw-cfg@9020000");
        assertThat(expected).as("QEMU's tree has the node").hasSizeGreaterThan(2);
        assertThat(nodeBlock(ourDts, "fw-cfg@9020000")).isEqualTo(expected);
        assertThat(nodeBlock(DtsPrinter.print(ourDtb()), "fw-cfg@9020000")).as("our own DTS printer agrees").isEqualTo(expected);
    }
}
