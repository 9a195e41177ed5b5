package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.Dtb;
import dev.virtfw.devicetree.Node;
import dev.virtfw.devicetree.Property;
import dev.virtfw.machine.unicorn.CpuModel;
import dev.virtfw.testdata.Firmware;
import dev.virtfw.testdata.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our generated device tree against the one QEMU 7.2 dumps ({@code -M virt,dumpdtb=F}) for the same
 * command line: the same nodes in the same order, each with the same properties in the same order
 * and the same values (phandles included). Only the random seeds of /chosen differ in value; their
 * sizes must agree.
 */
class DeviceTreeVsQemuTest {
    /** Properties whose values differ by nature: random on both sides; only their size must agree. */
    static final List<String> RANDOM_VALUED = List.of("/chosen:rng-seed", "/chosen:kaslr-seed");

    /**
     * With firmware, QEMU 7.2's default {@code acpi=auto} swaps the PL061 for an ACPI event device;
     * this board builds no ACPI, so it is held to QEMU's {@code acpi=off} tree.
     */
    @ParameterizedTest(name = "-cpu {0} -m {1} -M virt{2} {3}")
    @CsvSource(delimiter = '|', value = {
            "cortex-a57 | 512  |                |",
            "cortex-a53 | 512  |                |",
            "cortex-a72 | 2048 |                |",
            "max        | 128  |                |",
            "cortex-a57 | 3072 | ,highmem=off   |",
            "cortex-a53 | 256  | ,highmem=off   | kernel initrd append",
            "cortex-a57 | 512  |                | kernel initrd append",
            "cortex-a72 | 1024 |                | kernel append",
            "cortex-a57 | 512  | ,acpi=off      | bios kernel append",
            "cortex-a57 | 512  | ,gic-version=3 |",
            "max        | 1024 | ,gic-version=3 | kernel initrd append",
            "cortex-a57 | 512  | ,gic-version=3,its=off |",
            "cortex-a53 | 256  | ,gic-version=3,its=off,highmem=off |",
            "cortex-a72 | 2048 | ,gic-version=max,acpi=off | bios kernel append",
    })
    void sameTreeAsQemu(String cpu, int megabytes, String machine, String boot, @TempDir Path dir) throws IOException {
        String props = machine == null ? "" : machine;
        List<String> extra = new ArrayList<>();
        MachineConfig.Builder b = MachineConfig.builder().cpu(CpuModel.byName(cpu).orElseThrow())
                .ramSize((long) megabytes << 20).highmem(!props.contains("highmem=off"))
                .gicVersion(props.contains("gic-version=3") || props.contains("gic-version=max") ? 3 : 2)
                .its(!props.contains("its=off"));
        for (String what : boot == null ? new String[0] : boot.split(" ")) {
            switch (what) {
                case "kernel" -> {
                    Path kernel = TestData.extract(Firmware.TEST_KERNEL, dir);
                    extra.addAll(List.of("-kernel", kernel.toString()));
                    b.kernel(kernel);
                }
                case "initrd" -> {
                    Path initrd = Files.write(dir.resolve("initrd.img"), new byte[12345]);
                    extra.addAll(List.of("-initrd", initrd.toString()));
                    b.initrd(initrd);
                }
                case "append" -> {
                    extra.addAll(List.of("-append", "console=ttyAMA0 earlycon quiet"));
                    b.append("console=ttyAMA0 earlycon quiet");
                }
                case "bios" -> {
                    Path bios = TestData.extract(Firmware.GUEST_WFI, dir);
                    extra.addAll(List.of("-bios", bios.toString()));
                    b.bios(bios);
                }
                default -> throw new IllegalArgumentException(what);
            }
        }

        Path qemuDtb = dir.resolve("qemu.dtb");
        List<String> cmd = new ArrayList<>(List.of(Qemu.BINARY, "-M", "virt" + props + ",dumpdtb=" + qemuDtb,
                "-cpu", cpu, "-m", Integer.toString(megabytes), "-nic", "none", "-nographic"));
        cmd.addAll(extra);
        var q = Qemu.run(cmd);
        assertThat(q.status()).as("QEMU dumpdtb").isZero();
        DeviceTree theirs = Dtb.parse(Files.readAllBytes(qemuDtb));

        Path ourDtb = dir.resolve("ours.dtb");
        RunResult r = VirtMachine.run(b.dumpDtb(ourDtb).build());
        assertThat(r.reason()).isEqualTo(RunResult.Reason.DTB_DUMPED);
        DeviceTree ours = Dtb.parse(Files.readAllBytes(ourDtb));

        assertThat(listing(ours.root())).as("nodes and properties, in order; %s differ in value only", RANDOM_VALUED)
                .containsExactlyElementsOf(listing(theirs.root()));
        assertThat(header(Files.readAllBytes(ourDtb))).as("magic, totalsize, offsets, version, sizes")
                .isEqualTo(header(Files.readAllBytes(qemuDtb)));
    }

    /** The DTB header: magic, totalsize, the three block offsets, versions, boot CPU, the two block sizes. */
    static List<Long> header(byte[] dtb) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(dtb);
        List<Long> words = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            words.add(Integer.toUnsignedLong(b.getInt(4 * i)));
        }
        return words;
    }

    /** One line per node and per property, in blob order; random values as their size. */
    static List<String> listing(Node root) {
        List<String> out = new ArrayList<>();
        list(root, out);
        return out;
    }

    private static void list(Node n, List<String> out) {
        out.add("node " + n.path());
        for (Property p : n.properties()) {
            String where = n.path() + ":" + p.name();
            out.add(RANDOM_VALUED.contains(where) ? where + " (" + p.length() + " random bytes)"
                    : where + " = " + HexFormat.of().formatHex(p.value()));
        }
        n.children().forEach(c -> list(c, out));
    }
}
