package dev.virtfw.machine.dt;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.Node;
import dev.virtfw.devicetree.Property;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioDevice;
import dev.virtfw.machine.irq.Gicv2m;
import dev.virtfw.machine.irq.Gicv3Its;
import dev.virtfw.machine.unicorn.CpuModel;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The device tree of the virt board as QEMU 7.2's hw/arm/virt.c builds it for one CPU and a GICv2
 * or GICv3: the same node names, compatible strings, reg values, phandle numbers (QEMU starts at
 * 0x8000: apb-pclk, the CPU, the GIC, the MSI controller (GICv2m frame or ITS) when there is one,
 * the PL061), node order and property order. Devices
 * add their own nodes, in the reverse of the order they were registered on the bus: QEMU's libfdt
 * puts each new node before its siblings, so the board registers its devices in the order QEMU
 * creates them. The platform bus is an empty container (no dynamic devices), as in QEMU's tree.
 */
public final class VirtDeviceTree {
    // hw/arm/virt.c base_memmap
    public static final long FLASH_BASE = 0x0000_0000L;
    public static final long FLASH_BANK_SIZE = 0x0400_0000L;
    public static final long GIC_DIST_BASE = 0x0800_0000L;
    public static final long GIC_DIST_SIZE = 0x1_0000L;
    public static final long GIC_CPU_BASE = 0x0801_0000L;
    public static final long GIC_CPU_SIZE = 0x1_0000L;
    public static final long GIC_ITS_BASE = 0x0808_0000L;
    public static final long GIC_REDIST_BASE = 0x080A_0000L;
    /** VIRT_GIC_REDIST: room for 123 redistributors; the board has one (the rest is unassigned, as on QEMU). */
    public static final long GIC_REDIST_SIZE = 0x00F6_0000L;
    public static final long PLATFORM_BUS_BASE = 0x0C00_0000L;
    public static final long PLATFORM_BUS_SIZE = 0x0200_0000L;

    static final int PHANDLE_APB_PCLK = 0x8000;
    static final int PHANDLE_CPU0 = 0x8001;
    static final int PHANDLE_GIC = 0x8002;

    // include/hw/arm/fdt.h and virt.c: interrupt cell encodings
    static final int GIC_FDT_IRQ_TYPE_PPI = 1;
    static final int GIC_FDT_IRQ_FLAGS_LEVEL_HI = 4;
    /** PPI flags for one CPU on a GICv2: the CPU mask (bit 8) and level-high; a GICv3 has no CPU mask. */
    static final int PPI_FLAGS_ONE_CPU = (1 << 8) | GIC_FDT_IRQ_FLAGS_LEVEL_HI;
    // Arm generic timer PPIs (virt.c fdt_add_timer_nodes): secure, non-secure, virtual, hypervisor
    static final int ARCH_TIMER_S_EL1_IRQ = 13;
    static final int ARCH_TIMER_NS_EL1_IRQ = 14;
    static final int ARCH_TIMER_VIRT_IRQ = 11;
    static final int ARCH_TIMER_NS_EL2_IRQ = 10;
    static final int VIRTUAL_PMU_IRQ = 7;

    /** The 24 MHz clock of the PrimeCell devices. */
    static final int APB_PCLK_HZ = 24_000_000;

    private VirtDeviceTree() {}

    /**
     * Builds the tree for {@code cpu}, a GIC of version {@code gicVersion} (2 or 3), RAM at
     * {@code ramBase} of {@code ramSize} bytes and the given devices in the order they were
     * registered; {@code rng} fills /chosen's rng-seed and kaslr-seed as QEMU does.
     */
    public static DeviceTree build(CpuModel cpu, int gicVersion, long ramBase, long ramSize, List<MmioDevice> devices,
                                   RandomGenerator rng) {
        boolean v3 = gicVersion == 3;
        int ppiFlags = v3 ? GIC_FDT_IRQ_FLAGS_LEVEL_HI : PPI_FLAGS_ONE_CPU;
        Node root = Node.root();
        Node gic = root.addChild("intc@" + Long.toHexString(GIC_DIST_BASE));
        root.putReference("interrupt-parent", gic);
        root.putString("model", "linux,dummy-virt");
        root.putU32("#size-cells", 2);
        root.putU32("#address-cells", 2);
        root.putString("compatible", "linux,dummy-virt");

        Node psci = root.addChild("psci");
        psci.putU32("migrate", 0xC400_0005);
        psci.putU32("cpu_on", 0xC400_0003);
        psci.putU32("cpu_off", 0x8400_0002);
        psci.putU32("cpu_suspend", 0xC400_0001);
        psci.putString("method", "hvc");
        psci.putString("compatible", "arm,psci-1.0", "arm,psci-0.2", "arm,psci");

        Node memory = root.addChild("memory@" + Long.toHexString(ramBase));
        memory.putU64("reg", ramBase, ramSize);
        memory.putString("device_type", "memory");

        gic.putU32("phandle", PHANDLE_GIC);
        if (v3) {
            gic.putU64("reg", GIC_DIST_BASE, GIC_DIST_SIZE, GIC_REDIST_BASE, GIC_REDIST_SIZE);
            gic.putU32("#redistributor-regions", 1);
            gic.putString("compatible", "arm,gic-v3");
        } else {
            gic.putU64("reg", GIC_DIST_BASE, GIC_DIST_SIZE, GIC_CPU_BASE, GIC_CPU_SIZE);
            gic.putString("compatible", "arm,cortex-a15-gic");
        }
        gic.putEmpty("ranges");
        gic.putU32("#size-cells", 2);
        gic.putU32("#address-cells", 2);
        gic.putEmpty("interrupt-controller");
        gic.putU32("#interrupt-cells", 3);
        Optional<Node> msi = devices.stream().filter(Gicv2m.class::isInstance).map(Gicv2m.class::cast)
                .findFirst().map(v2m -> v2m.addFrameNode(gic))
                .or(() -> devices.stream().filter(Gicv3Its.class::isInstance).map(Gicv3Its.class::cast)
                        .findFirst().map(its -> its.addItsNode(gic)));

        Node clock = root.addChild("apb-pclk");
        clock.putU32("phandle", PHANDLE_APB_PCLK);
        clock.putString("clock-output-names", "clk24mhz");
        clock.putU32("clock-frequency", APB_PCLK_HZ);
        clock.putU32("#clock-cells", 0);
        clock.putString("compatible", "fixed-clock");

        Node platformBus = root.addChild("platform-bus@" + Long.toHexString(PLATFORM_BUS_BASE));
        platformBus.putReference("interrupt-parent", gic);
        platformBus.putU32("ranges", 0, 0, (int) PLATFORM_BUS_BASE, (int) PLATFORM_BUS_SIZE);
        platformBus.putU32("#address-cells", 1);
        platformBus.putU32("#size-cells", 1);
        platformBus.putString("compatible", "qemu,platform", "simple-bus");

        // The last device QEMU creates comes first (libfdt adds each new node before the others).
        DeviceTreeContext context = new DeviceTreeContext(root, clock, gic, msi);
        for (MmioDevice d : devices.reversed()) {
            d.addDeviceTreeNode(context);
        }

        Node pmu = root.addChild("pmu");
        pmu.putU32("interrupts", GIC_FDT_IRQ_TYPE_PPI, VIRTUAL_PMU_IRQ, ppiFlags);
        pmu.putString("compatible", "arm,armv8-pmuv3");

        Node flash = root.addChild("flash@" + Long.toHexString(FLASH_BASE));
        flash.putU32("bank-width", 4);
        flash.putU64("reg", FLASH_BASE, FLASH_BANK_SIZE, FLASH_BASE + FLASH_BANK_SIZE, FLASH_BANK_SIZE);
        flash.putString("compatible", "cfi-flash");

        Node cpus = root.addChild("cpus");
        cpus.putU32("#size-cells", 0);
        cpus.putU32("#address-cells", 1);
        Node core0 = cpus.addChild("cpu-map").addChild("socket0").addChild("cluster0").addChild("core0");
        Node cpu0 = cpus.addChild("cpu@0");
        core0.putReference("cpu", cpu0);
        cpu0.putU32("phandle", PHANDLE_CPU0);
        cpu0.putU32("reg", 0);
        cpu0.putString("compatible", cpu.compatible());
        cpu0.putString("device_type", "cpu");

        Node timer = root.addChild("timer");
        timer.putU32("interrupts",
                GIC_FDT_IRQ_TYPE_PPI, ARCH_TIMER_S_EL1_IRQ, ppiFlags,
                GIC_FDT_IRQ_TYPE_PPI, ARCH_TIMER_NS_EL1_IRQ, ppiFlags,
                GIC_FDT_IRQ_TYPE_PPI, ARCH_TIMER_VIRT_IRQ, ppiFlags,
                GIC_FDT_IRQ_TYPE_PPI, ARCH_TIMER_NS_EL2_IRQ, ppiFlags);
        timer.putEmpty("always-on");
        timer.putString("compatible", "arm,armv8-timer", "arm,armv7-timer");

        Node chosen = root.addChild("chosen");
        devices.stream().filter(d -> d.name().equals("pl011")).min(Comparator.comparingLong(MmioDevice::base))
                .ifPresent(uart -> chosen.putString("stdout-path", "/pl011@" + Long.toHexString(uart.base())));
        reseed(chosen, rng);
        // QEMU's order after the devices (the GIC and the clock were made first, for references)
        for (Node n : List.of(pmu, gic, flash, cpus, timer, clock, chosen)) {
            root.moveChildToEnd(n.name());
        }
        return new DeviceTree(root);
    }

    /** Fresh rng-seed (32 bytes) and kaslr-seed (8 bytes), as QEMU writes at every reset. */
    public static void reseed(Node chosen, RandomGenerator rng) {
        int[] seed = new int[8];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = rng.nextInt();
        }
        chosen.putU32("rng-seed", seed);
        chosen.putU32("kaslr-seed", rng.nextInt(), rng.nextInt());
    }

    /**
     * What QEMU's hw/arm/boot.c arm_load_dtb writes into any tree (generated or -dtb) at boot:
     * /chosen bootargs when a command line is given, linux,initrd-start/-end when an initrd was
     * loaded (one cell each, as QEMU writes them), and /memory's reg.
     */
    public static void applyBootInfo(DeviceTree tree, long ramBase, long ramSize, String bootargs,
                                     long initrdStart, long initrdSize) {
        Node root = tree.root();
        Node chosen = root.child("chosen").orElseGet(() -> root.addChild("chosen"));
        if (bootargs != null && !bootargs.isEmpty()) {
            setprop(chosen, "bootargs", n -> n.putString("bootargs", bootargs));
        }
        if (initrdSize > 0) {
            setprop(chosen, "linux,initrd-start", n -> putAddress(n, "linux,initrd-start", initrdStart));
            setprop(chosen, "linux,initrd-end", n -> putAddress(n, "linux,initrd-end", initrdStart + initrdSize));
        }
        root.child("memory").ifPresent(m -> setprop(m, "reg", n -> n.putU64("reg", ramBase, ramSize)));
    }

    /**
     * QEMU 7.2 writes the initrd bounds as one cell (qemu_fdt_setprop_cell), which its layout keeps
     * below 4 GiB; an address above would take two cells here rather than be cut.
     */
    private static void putAddress(Node node, String name, long address) {
        if (address >>> 32 == 0) {
            node.putU32(name, (int) address);
        } else {
            node.putU64(name, address);
        }
    }

    /**
     * libfdt's fdt_setprop on a finished tree, as QEMU's boot code calls it: a property the node
     * has is replaced in place, a new one goes before the node's other properties.
     */
    static void setprop(Node node, String name, Consumer<Node> put) {
        boolean isNew = node.property(name).isEmpty();
        put.accept(node);
        if (isNew) {
            List<Property> others = node.properties().stream().filter(p -> !p.name().equals(name)).toList();
            others.forEach(o -> node.remove(o.name()));
            others.forEach(node::put);
        }
    }
}
