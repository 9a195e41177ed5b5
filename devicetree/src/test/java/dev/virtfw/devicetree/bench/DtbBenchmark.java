package dev.virtfw.devicetree.bench;

import dev.virtfw.devicetree.Cell;
import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.Dtb;
import dev.virtfw.devicetree.DtsPrinter;
import dev.virtfw.devicetree.Node;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Building, writing, reading and printing a tree the size of QEMU's virt tree (about 70 nodes,
 * 330 properties, 7.5 KB as a blob).
 *
 * <p>Run (from the repository root, after {@code source scripts/lib.sh && find_jdk}):
 *
 * <pre>
 * mvn -f devicetree/pom.xml test-compile exec:exec@jmh
 * mvn -f devicetree/pom.xml test-compile exec:exec@jmh -Djmh.args="-f 1 -wi 3 -i 5 DtbBenchmark.read"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DtbBenchmark {
    private byte[] qemuBlob;
    private DeviceTree built;
    private DeviceTree parsed;

    @Setup
    public void setUp() throws IOException {
        try (InputStream in = Objects.requireNonNull(DtbBenchmark.class.getResourceAsStream(
                "/dev/virtfw/devicetree/DtbReaderFuzzTestInputs/readerThrowsOnlyDtbFormatException/qemu-virt.dtb"))) {
            qemuBlob = in.readAllBytes();
        }
        built = buildVirt();
        Dtb.write(built); // resolve the references once, so write() measures writing
        parsed = Dtb.parse(qemuBlob);
    }

    /** A tree shaped like QEMU's virt board: cpus, gic, timer, pl011, rtc, fw-cfg, 32 virtio-mmio, flash, pcie. */
    public static DeviceTree buildVirt() {
        Node root = Node.root();
        root.putU32("#address-cells", 2).putU32("#size-cells", 2).putString("compatible", "linux,dummy-virt")
                .putString("model", "linux,dummy-virt");
        Node gic = root.addChild("intc@8000000");
        Node clk = root.addChild("apb-pclk");
        root.putReference("interrupt-parent", gic);
        clk.putString("clock-output-names", "clk24mhz").putU32("clock-frequency", 24000000)
                .putU32("#clock-cells", 0).putString("compatible", "fixed-clock");
        Node psci = root.addChild("psci");
        psci.putU32("migrate", 0xc4000005).putU32("cpu_on", 0xc4000003).putU32("cpu_off", 0x84000002)
                .putU32("cpu_suspend", 0xc4000001).putString("method", "hvc")
                .putString("compatible", "arm,psci-1.0", "arm,psci-0.2", "arm,psci");
        root.addChild("memory@40000000").putU64("reg", 0x40000000L, 0x20000000L).putString("device_type", "memory");
        Node cpus = root.addChild("cpus").putU32("#size-cells", 0).putU32("#address-cells", 1);
        for (int i = 0; i < 4; i++) {
            cpus.addChild("cpu@" + i).putU32("reg", i).putString("compatible", "arm,cortex-a57")
                    .putString("device_type", "cpu").putString("enable-method", "psci");
        }
        gic.putU32("phandle", 0x8002).putU64("reg", 0x8000000L, 0x10000L, 0x8010000L, 0x10000L)
                .putString("compatible", "arm,cortex-a15-gic").putEmpty("ranges").putU32("#size-cells", 2)
                .putU32("#address-cells", 2).putEmpty("interrupt-controller").putU32("#interrupt-cells", 3);
        gic.addChild("v2m@8020000").putU32("phandle", 0x8003).putU64("reg", 0x8020000L, 0x1000L)
                .putEmpty("msi-controller").putString("compatible", "arm,gic-v2m-frame");
        root.addChild("timer").putEmpty("always-on").putU32("interrupts", 1, 13, 0xf04, 1, 14, 0xf04, 1, 11, 0xf04, 1,
                10, 0xf04).putString("compatible", "arm,armv8-timer", "arm,armv7-timer");
        root.addChild("pl011@9000000").putCells("clocks", Cell.ref(clk), Cell.ref(clk))
                .putString("clock-names", "uartclk", "apb_pclk").putU32("interrupts", 0, 1, 4)
                .putU64("reg", 0x9000000L, 0x1000L).putString("compatible", "arm,pl011", "arm,primecell");
        root.addChild("pl031@9010000").putCells("clocks", Cell.ref(clk)).putString("clock-names", "apb_pclk")
                .putU32("interrupts", 0, 2, 4).putU64("reg", 0x9010000L, 0x1000L)
                .putString("compatible", "arm,pl031", "arm,primecell");
        root.addChild("fw-cfg@9020000").putEmpty("dma-coherent").putU64("reg", 0x9020000L, 0x18L)
                .putString("compatible", "qemu,fw-cfg-mmio");
        for (int i = 0; i < 32; i++) {
            long base = 0xa000000L + 0x200L * i;
            root.addChild("virtio_mmio@" + Long.toHexString(base)).putEmpty("dma-coherent")
                    .putU32("interrupts", 0, 16 + i, 1).putU64("reg", base, 0x200L).putString("compatible", "virtio,mmio");
        }
        root.addChild("flash@0").putU32("bank-width", 4).putU64("reg", 0L, 0x4000000L, 0x4000000L, 0x4000000L)
                .putString("compatible", "cfi-flash");
        Node pcie = root.addChild("pcie@10000000");
        pcie.putU32("interrupt-map-mask", 0x1800, 0, 0, 7).putU32("#interrupt-cells", 1)
                .putU32("ranges", 0x1000000, 0, 0, 0, 0x3eff0000, 0, 0x10000, 0x2000000, 0, 0x10000000, 0,
                        0x10000000, 0, 0x2eff0000)
                .putU64("reg", 0x4010000000L, 0x10000000L).putReference("msi-parent", gic.children().getFirst())
                .putEmpty("dma-coherent").putU32("bus-range", 0, 0xff).putU32("linux,pci-domain", 0)
                .putU32("#size-cells", 2).putU32("#address-cells", 3).putString("device_type", "pci")
                .putString("compatible", "pci-host-ecam-generic");
        Node chosen = root.addChild("chosen");
        chosen.putString("bootargs", "console=ttyAMA0").putString("stdout-path", "/pl011@9000000");
        return new DeviceTree(root);
    }

    @Benchmark
    public DeviceTree build() {
        return buildVirt();
    }

    @Benchmark
    public byte[] write() {
        return Dtb.write(built);
    }

    @Benchmark
    public DeviceTree read() {
        return Dtb.parse(qemuBlob);
    }

    @Benchmark
    public byte[] buildAndWrite() {
        return Dtb.write(buildVirt());
    }

    @Benchmark
    public String print() {
        return DtsPrinter.print(parsed);
    }
}
