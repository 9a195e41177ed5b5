package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.Dtb;
import dev.virtfw.devicetree.Node;
import dev.virtfw.devicetree.Property;
import dev.virtfw.machine.unicorn.CpuModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our generated device tree against the one QEMU 7.2 dumps ({@code -M virt,dumpdtb=F}) for the same
 * -cpu and -m, node by node and property by property. Every difference must be in {@link #EXPECTED}.
 */
class DeviceTreeVsQemuTest {
    /** Nodes QEMU has for hardware this board does not emulate (a pattern over the node path). */
    static final List<Pattern> NOT_EMULATED = List.of(
            Pattern.compile("/pcie@10000000"),                 // PCIe host bridge
            Pattern.compile("/virtio_mmio@a00[0-3][0-9a-f]{3}"), // 32 virtio-mmio transports
            Pattern.compile("/platform-bus@c000000"),          // dynamic sysbus devices
            Pattern.compile("/pl031@9010000"),                 // RTC
            Pattern.compile("/pl061@9030000"),                 // GPIO
            Pattern.compile("/gpio-keys(/poweroff)?"),         // the power key on that GPIO
            Pattern.compile("/intc@8000000/v2m@8020000"));     // GICv2m MSI frame (only PCIe uses it)

    /** Properties whose values differ by nature: random on both sides; only their size must agree. */
    static final List<String> RANDOM_VALUED = List.of("/chosen:rng-seed", "/chosen:kaslr-seed");

    /** Everything that may differ, as the test accounts for it. */
    static final String EXPECTED = "nodes " + NOT_EMULATED + " are absent; " + RANDOM_VALUED + " differ in value";

    @ParameterizedTest(name = "-cpu {0} -m {1}")
    @CsvSource({"cortex-a57, 512", "cortex-a53, 512", "cortex-a72, 2048", "max, 128"})
    void sameTreeAsQemuExceptWhatIsNotEmulated(String cpu, int megabytes, @TempDir Path dir) throws IOException {
        Path qemuDtb = dir.resolve("qemu.dtb");
        var q = Qemu.run(List.of(Qemu.BINARY, "-M", "virt,dumpdtb=" + qemuDtb, "-cpu", cpu, "-m", Integer.toString(megabytes),
                "-nic", "none", "-nographic"));
        assertThat(q.status()).as("QEMU dumpdtb").isZero();
        DeviceTree theirs = Dtb.parse(Files.readAllBytes(qemuDtb));

        Path ourDtb = dir.resolve("ours.dtb");
        RunResult r = VirtMachine.run(MachineConfig.builder().cpu(CpuModel.byName(cpu).orElseThrow())
                .ramSize((long) megabytes << 20).dumpDtb(ourDtb).build());
        assertThat(r.reason()).isEqualTo(RunResult.Reason.DTB_DUMPED);
        DeviceTree ours = Dtb.parse(Files.readAllBytes(ourDtb));

        Map<String, Node> theirNodes = nodes(theirs.root());
        Map<String, Node> ourNodes = nodes(ours.root());
        List<String> differences = new ArrayList<>();
        for (var e : theirNodes.entrySet()) {
            String path = e.getKey();
            Node mine = ourNodes.get(path);
            boolean excused = NOT_EMULATED.stream().anyMatch(p -> p.matcher(path).matches());
            if (mine == null) {
                if (!excused) {
                    differences.add("missing node " + path);
                }
                continue;
            }
            if (excused) {
                differences.add("node " + path + " should be absent (not emulated)");
            }
            compareProperties(path, e.getValue(), mine, differences);
        }
        for (String path : ourNodes.keySet()) {
            if (!theirNodes.containsKey(path)) {
                differences.add("extra node " + path);
            }
        }
        assertThat(differences).as(EXPECTED).isEmpty();
        // and the excuses are not vacuous: QEMU really has those nodes
        for (Pattern p : NOT_EMULATED) {
            assertThat(theirNodes.keySet()).as("QEMU node %s", p).anyMatch(path -> p.matcher(path).matches());
        }
    }

    private static void compareProperties(String path, Node theirs, Node mine, List<String> differences) {
        Map<String, Property> mineByName = new TreeMap<>();
        mine.properties().forEach(p -> mineByName.put(p.name(), p));
        for (Property p : theirs.properties()) {
            Property m = mineByName.remove(p.name());
            String where = path + ":" + p.name();
            if (m == null) {
                differences.add("missing property " + where);
            } else if (RANDOM_VALUED.contains(where)) {
                if (m.length() != p.length()) {
                    differences.add("size of " + where + ": " + m.length() + " vs QEMU " + p.length());
                }
            } else if (!java.util.Arrays.equals(m.value(), p.value())) {
                differences.add("value of " + where + ": " + m + " vs QEMU " + p);
            }
        }
        mineByName.keySet().forEach(name -> differences.add("extra property " + path + ":" + name));
    }

    private static Map<String, Node> nodes(Node root) {
        Map<String, Node> out = new TreeMap<>();
        collect(root, out);
        return out;
    }

    private static void collect(Node n, Map<String, Node> out) {
        out.put(n.path(), n);
        n.children().forEach(c -> collect(c, out));
    }
}
