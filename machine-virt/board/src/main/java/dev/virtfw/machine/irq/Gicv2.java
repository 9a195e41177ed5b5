package dev.virtfw.machine.irq;

import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioDevice;
import dev.virtfw.machine.bus.MmioWindow;
import java.util.ArrayList;
import java.util.List;

/**
 * An Arm Generic Interrupt Controller, architecture version 2 (Arm IHI 0048B), for one CPU and
 * without the Security Extensions, as QEMU's virt board builds it for a Cortex-A57 ({@code
 * hw/intc/arm_gic.c}, revision 2, 256 shared interrupts): the distributor and the CPU interface,
 * each an {@link MmioDevice} at its own base, over one state.
 *
 * <p>Interrupt IDs 0-15 are SGIs, 16-31 PPIs, 32-287 SPIs. Every interrupt has an enable bit, a
 * pending latch (edges, GICD_ISPENDR, SGIs), its input level (for level-sensitive ones, pending
 * while high), an active bit, a group, an 8-bit priority and a trigger mode. The CPU interface
 * signals IRQ when the highest-priority pending interrupt is enabled in the distributor for its
 * group, beats the priority mask and the running priority, and its group is enabled there.
 * Acknowledge (GICC_IAR) makes it active and sets the running priority; end of interrupt
 * (GICC_EOIR) drops the priority and, with EOImode 0, deactivates it.
 *
 * <p>The output is reported through {@link #setOutputListener}: the board turns it into the CPU's
 * interrupt input between two runs of the engine.
 */
public final class Gicv2 implements InterruptController {
    /** QEMU's virt: 256 SPIs on top of the 32 private interrupts. */
    public static final int NUM_IRQ = 32 + 256;
    public static final int SPURIOUS = 1023;
    static final int INTERNAL = 32;
    static final int NR_SGIS = 16;
    static final long DIST_SIZE = 0x1_0000;
    static final long CPU_SIZE = 0x1_0000;

    // Distributor registers (IHI 0048B table 4-1).
    static final int GICD_CTLR = 0x000;
    static final int GICD_TYPER = 0x004;
    static final int GICD_IGROUPR = 0x080;
    static final int GICD_ISENABLER = 0x100;
    static final int GICD_ICENABLER = 0x180;
    static final int GICD_ISPENDR = 0x200;
    static final int GICD_ICPENDR = 0x280;
    static final int GICD_ISACTIVER = 0x300;
    static final int GICD_ICACTIVER = 0x380;
    static final int GICD_IPRIORITYR = 0x400;
    static final int GICD_ITARGETSR = 0x800;
    static final int GICD_ICFGR = 0xC00;
    static final int GICD_SGIR = 0xF00;
    static final int GICD_CPENDSGIR = 0xF10;
    static final int GICD_SPENDSGIR = 0xF20;
    static final int GICD_PIDR4 = 0xFD0;
    // CPU interface registers (IHI 0048B table 4-2).
    static final int GICC_CTLR = 0x00;
    static final int GICC_PMR = 0x04;
    static final int GICC_BPR = 0x08;
    static final int GICC_IAR = 0x0C;
    static final int GICC_EOIR = 0x10;
    static final int GICC_RPR = 0x14;
    static final int GICC_HPPIR = 0x18;
    static final int GICC_ABPR = 0x1C;
    static final int GICC_APR0 = 0xD0;
    static final int GICC_NSAPR0 = 0xE0;
    static final int GICC_IIDR = 0xFC;
    static final int GICC_DIR = 0x1000;

    static final int CTLR_EN_GRP0 = 1;
    static final int CTLR_EN_GRP1 = 2;
    /** GICC_CTLR.EOImode (bit 9, no Security Extensions). */
    static final int GICC_CTLR_EOIMODE = 1 << 9;
    /** The running priority when nothing is active. */
    static final int IDLE_PRIORITY = 0x100;

    /** PIDR4-7, PIDR0-3, CIDR0-3 from 0xFD0: an Arm GICv2 (QEMU's values). */
    private static final int[] ID = {0x04, 0x00, 0x00, 0x00, 0x90, 0xB4, 0x2B, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

    private final boolean[] enabled = new boolean[NUM_IRQ];
    private final boolean[] pendingLatch = new boolean[NUM_IRQ];
    private final boolean[] level = new boolean[NUM_IRQ];
    private final boolean[] active = new boolean[NUM_IRQ];
    private final boolean[] group1 = new boolean[NUM_IRQ];
    private final boolean[] edge = new boolean[NUM_IRQ];
    private final int[] priority = new int[NUM_IRQ];
    /** SGI pending bits by source CPU (one CPU: bit 0). */
    private final int[] sgiSources = new int[NR_SGIS];
    /** Priorities of acknowledged interrupts not yet through priority drop (group priorities). */
    private final List<int[]> activePriorities = new ArrayList<>();
    private int distCtlr;
    private int cpuCtlr;
    private int pmr;
    private int bpr;
    private int abpr;
    private final int[] apr = new int[4];
    private final int[] nsapr = new int[4];
    private boolean output;
    private Runnable outputListener = () -> {};

    private final long distBase;
    private final long cpuBase;
    private final MmioDevice distributor;
    private final MmioDevice cpuInterface;

    public Gicv2(long distBase, long cpuBase) {
        this.distBase = distBase;
        this.cpuBase = cpuBase;
        this.distributor = new Window("gic-dist", distBase, DIST_SIZE, true);
        this.cpuInterface = new Window("gic-cpu", cpuBase, CPU_SIZE, false);
        reset();
    }

    /** The distributor's register window. */
    public MmioDevice distributor() {
        return distributor;
    }

    /** The CPU interface's register window. */
    public MmioDevice cpuInterface() {
        return cpuInterface;
    }

    /** Told whenever {@link #irqOutput()} may have changed (called with the state already updated). */
    @Override
    public void setOutputListener(Runnable listener) {
        this.outputListener = listener;
    }

    /** Whether the CPU interface signals IRQ to the CPU now. */
    @Override
    public boolean irqOutput() {
        return output;
    }

    /** Never: without the Security Extensions, GICC_CTLR.FIQEn does not exist and both groups signal IRQ. */
    @Override
    public boolean fiqOutput() {
        return false;
    }

    /** The input wire of interrupt {@code intid} (a PPI 16-31 or an SPI 32 and up). */
    @Override
    public InterruptLine line(int intid) {
        if (intid < NR_SGIS || intid >= NUM_IRQ) {
            throw new IllegalArgumentException("no interrupt line " + intid + " on this GIC");
        }
        return high -> setLevel(intid, high);
    }

    /** Shared peripheral interrupt {@code n}: INTID 32 + n. */
    @Override
    public Spi spi(int n) {
        return new Spi(n, line(INTERNAL + n));
    }

    /** Power-on state: everything disabled, nothing pending or active, PPIs level, SGIs edge. */
    @Override
    public void reset() {
        java.util.Arrays.fill(enabled, false);
        java.util.Arrays.fill(enabled, 0, NR_SGIS, true); // SGIs are always enabled
        java.util.Arrays.fill(pendingLatch, false);
        java.util.Arrays.fill(active, false);
        java.util.Arrays.fill(group1, false);
        java.util.Arrays.fill(priority, 0);
        java.util.Arrays.fill(sgiSources, 0);
        for (int i = 0; i < NUM_IRQ; i++) {
            edge[i] = i < NR_SGIS;
        }
        activePriorities.clear();
        distCtlr = 0;
        cpuCtlr = 0;
        pmr = 0;
        bpr = 0;
        abpr = 1;
        java.util.Arrays.fill(apr, 0);
        java.util.Arrays.fill(nsapr, 0);
        update();
    }

    private void setLevel(int intid, boolean high) {
        if (level[intid] == high) {
            return;
        }
        level[intid] = high;
        if (high && edge[intid]) {
            pendingLatch[intid] = true;
        }
        update();
    }

    boolean pending(int id) {
        if (id < NR_SGIS) {
            return sgiSources[id] != 0;
        }
        return pendingLatch[id] || (!edge[id] && level[id]);
    }

    private boolean groupEnabledInDistributor(int id) {
        return (distCtlr & (group1[id] ? CTLR_EN_GRP1 : CTLR_EN_GRP0)) != 0;
    }

    private boolean groupEnabledInCpu(int id) {
        return (cpuCtlr & (group1[id] ? CTLR_EN_GRP1 : CTLR_EN_GRP0)) != 0;
    }

    /** The pending, enabled, inactive interrupt of highest priority (lowest value, then lowest ID), or -1. */
    private int bestPending() {
        int best = -1;
        int bestPriority = IDLE_PRIORITY;
        for (int id = 0; id < NUM_IRQ; id++) {
            if (enabled[id] && !active[id] && pending(id) && groupEnabledInDistributor(id)
                    && priority[id] < bestPriority) {
                best = id;
                bestPriority = priority[id];
            }
        }
        return best;
    }

    /** The priority bits that count for preemption under the binary point of the interrupt's group. */
    private int groupPriority(int id) {
        int point = group1[id] ? Math.max(0, abpr - 1) : bpr;
        int mask = (0xFF << (point + 1)) & 0xFF;
        return priority[id] & mask;
    }

    private int runningPriority() {
        int running = IDLE_PRIORITY;
        for (int[] entry : activePriorities) {
            running = Math.min(running, entry[1]);
        }
        return running;
    }

    /** Recomputes the IRQ output and tells the listener. */
    private void update() {
        int best = bestPending();
        boolean out = best >= 0 && groupEnabledInCpu(best) && priority[best] < pmr
                && groupPriority(best) < runningPriority();
        output = out;
        outputListener.run();
    }

    // ---- CPU interface ----

    private int acknowledge() {
        int id = bestPending();
        if (id < 0 || priority[id] >= pmr || groupPriority(id) >= runningPriority() || !groupEnabledInCpu(id)) {
            return SPURIOUS;
        }
        int value = id;
        if (id < NR_SGIS) {
            int source = Integer.numberOfTrailingZeros(sgiSources[id]);
            sgiSources[id] &= ~(1 << source);
            value |= source << 10;
        } else {
            pendingLatch[id] = false;
        }
        active[id] = true;
        activePriorities.add(new int[] {id, groupPriority(id)});
        update();
        return value;
    }

    private void endOfInterrupt(int id) {
        if (id >= NUM_IRQ || activePriorities.isEmpty()) {
            return; // spurious or nonexistent ID, or nothing active: ignored, as QEMU does
        }
        // Priority drop: the highest-priority active interrupt leaves the running priority.
        int drop = 0;
        for (int i = 1; i < activePriorities.size(); i++) {
            if (activePriorities.get(i)[1] < activePriorities.get(drop)[1]) {
                drop = i;
            }
        }
        activePriorities.remove(drop);
        if ((cpuCtlr & GICC_CTLR_EOIMODE) == 0) {
            active[id] = false;
        }
        update();
    }

    private long cpuRead(long offset) {
        int o = (int) offset;
        return switch (o) {
            case GICC_CTLR -> cpuCtlr;
            case GICC_PMR -> pmr;
            case GICC_BPR -> bpr;
            case GICC_IAR -> acknowledge();
            case GICC_RPR -> runningPriority() == IDLE_PRIORITY ? 0xFF : runningPriority();
            case GICC_HPPIR -> {
                int best = bestPending();
                yield best < 0 ? SPURIOUS : best;
            }
            case GICC_ABPR -> abpr;
            case GICC_IIDR -> 0x0202_043BL;
            default -> {
                if (o >= GICC_APR0 && o < GICC_APR0 + 16) {
                    yield Integer.toUnsignedLong(apr[(o - GICC_APR0) / 4]);
                }
                if (o >= GICC_NSAPR0 && o < GICC_NSAPR0 + 16) {
                    yield Integer.toUnsignedLong(nsapr[(o - GICC_NSAPR0) / 4]);
                }
                yield 0;
            }
        };
    }

    private void cpuWrite(long offset, long value) {
        int o = (int) offset;
        int v = (int) value;
        switch (o) {
            case GICC_CTLR -> cpuCtlr = v & (CTLR_EN_GRP0 | CTLR_EN_GRP1 | 0x1E | GICC_CTLR_EOIMODE | (1 << 10));
            case GICC_PMR -> pmr = v & 0xFF;
            case GICC_BPR -> bpr = v & 7;
            case GICC_EOIR -> endOfInterrupt(v & 0x3FF);
            case GICC_ABPR -> abpr = Math.max(1, v & 7);
            case GICC_DIR -> {
                int id = v & 0x3FF;
                if ((cpuCtlr & GICC_CTLR_EOIMODE) != 0 && id < NUM_IRQ) {
                    active[id] = false;
                }
            }
            default -> {
                if (o >= GICC_APR0 && o < GICC_APR0 + 16) {
                    apr[(o - GICC_APR0) / 4] = v;
                } else if (o >= GICC_NSAPR0 && o < GICC_NSAPR0 + 16) {
                    nsapr[(o - GICC_NSAPR0) / 4] = v;
                }
            }
        }
        update();
    }

    // ---- distributor: byte-wise, as the registers are defined per interrupt ----

    private int distReadByte(int offset) {
        if (offset < 0x100) {
            if (offset == GICD_CTLR) {
                return distCtlr;
            }
            if (offset >= GICD_TYPER && offset < GICD_TYPER + 4) {
                int typer = NUM_IRQ / 32 - 1;
                return (typer >>> ((offset - GICD_TYPER) * 8)) & 0xFF;
            }
            if (offset >= GICD_IGROUPR) {
                return bits(offset - GICD_IGROUPR, group1);
            }
            return 0;
        }
        if (offset < GICD_ISPENDR) {
            return bits((offset - GICD_ISENABLER) % 0x80, enabled);
        }
        if (offset < GICD_ISACTIVER) {
            int first = ((offset - GICD_ISPENDR) % 0x80) * 8;
            int r = 0;
            for (int i = 0; i < 8 && first + i < NUM_IRQ; i++) {
                if (pending(first + i)) {
                    r |= 1 << i;
                }
            }
            return r;
        }
        if (offset < GICD_IPRIORITYR) {
            return bits((offset - GICD_ISACTIVER) % 0x80, active);
        }
        if (offset < GICD_ITARGETSR) {
            int id = offset - GICD_IPRIORITYR;
            return id < NUM_IRQ ? priority[id] : 0;
        }
        if (offset < GICD_ICFGR) {
            return 0; // uniprocessor GIC: the targets read as zero (as QEMU)
        }
        if (offset < GICD_SGIR) {
            int first = (offset - GICD_ICFGR) * 4;
            int r = 0;
            for (int i = 0; i < 4 && first + i < NUM_IRQ; i++) {
                if (edge[first + i]) {
                    r |= 2 << (i * 2);
                }
            }
            return r;
        }
        if (offset >= GICD_CPENDSGIR && offset < GICD_SPENDSGIR + NR_SGIS) {
            return sgiSources[(offset - GICD_CPENDSGIR) % NR_SGIS];
        }
        if (offset >= GICD_PIDR4 && offset < 0x1000) {
            return (offset & 3) == 0 ? ID[(offset - GICD_PIDR4) >> 2] : 0;
        }
        return 0;
    }

    private int bits(int byteIndex, boolean[] set) {
        int first = byteIndex * 8;
        int r = 0;
        for (int i = 0; i < 8 && first + i < NUM_IRQ; i++) {
            if (set[first + i]) {
                r |= 1 << i;
            }
        }
        return r;
    }

    private void distWriteByte(int offset, int value) {
        if (offset < 0x100) {
            if (offset == GICD_CTLR) {
                distCtlr = value & (CTLR_EN_GRP0 | CTLR_EN_GRP1);
            } else if (offset >= GICD_IGROUPR) {
                forEachBit(offset - GICD_IGROUPR, 0xFF, id -> group1[id] = (value >> (id & 7) & 1) != 0);
            }
        } else if (offset < GICD_ICENABLER) {
            forEachBit(offset - GICD_ISENABLER, value, id -> enabled[id] = true);
        } else if (offset < GICD_ISPENDR) {
            int first = (offset - GICD_ICENABLER) * 8;
            forEachBit(offset - GICD_ICENABLER, first < NR_SGIS ? 0 : value, id -> enabled[id] = false);
        } else if (offset < GICD_ICPENDR) {
            int first = (offset - GICD_ISPENDR) * 8;
            forEachBit(offset - GICD_ISPENDR, first < NR_SGIS ? 0 : value, id -> pendingLatch[id] = true);
        } else if (offset < GICD_ISACTIVER) {
            int first = (offset - GICD_ICPENDR) * 8;
            forEachBit(offset - GICD_ICPENDR, first < NR_SGIS ? 0 : value, id -> pendingLatch[id] = false);
        } else if (offset < GICD_IPRIORITYR) {
            // GICD_ISACTIVER/ICACTIVER: QEMU 7.2 ignores writes (a guest-error log); so do we.
        } else if (offset < GICD_ITARGETSR) {
            int id = offset - GICD_IPRIORITYR;
            if (id < NUM_IRQ) {
                priority[id] = value & 0xFF;
            }
        } else if (offset < GICD_ICFGR) {
            // uniprocessor GIC: targets are read-as-zero, writes ignored
        } else if (offset < GICD_SGIR) {
            int first = (offset - GICD_ICFGR) * 4;
            for (int i = 0; i < 4 && first + i < NUM_IRQ; i++) {
                int id = first + i;
                if (id >= NR_SGIS) { // SGIs are always edge-triggered
                    edge[id] = (value & (2 << (i * 2))) != 0;
                }
            }
        } else if (offset >= GICD_CPENDSGIR && offset < GICD_SPENDSGIR) {
            sgiSources[offset - GICD_CPENDSGIR] &= ~(value & 1);
        } else if (offset >= GICD_SPENDSGIR && offset < GICD_SPENDSGIR + NR_SGIS) {
            sgiSources[offset - GICD_SPENDSGIR] |= value & 1;
        }
    }

    private void forEachBit(int byteIndex, int value, java.util.function.IntConsumer action) {
        int first = byteIndex * 8;
        for (int i = 0; i < 8; i++) {
            if ((value & (1 << i)) != 0 && first + i < NUM_IRQ) {
                action.accept(first + i);
            }
        }
    }

    /** GICD_SGIR: TargetListFilter (bits 25:24), CPUTargetList (23:16), SGIINTID (3:0). */
    private void softwareInterrupt(int value) {
        int filter = (value >>> 24) & 3;
        int targets = (value >>> 16) & 0xFF;
        boolean toSelf = switch (filter) {
            case 0 -> (targets & 1) != 0;
            case 1 -> false;      // every CPU but this one: there is none
            case 2 -> true;       // this CPU only
            default -> false;     // reserved
        };
        if (toSelf) {
            sgiSources[value & 0xF] |= 1; // from CPU 0
        }
    }

    private long distRead(long offset, int size) {
        long r = 0;
        for (int i = 0; i < size; i++) {
            r |= (long) distReadByte((int) offset + i) << (8 * i);
        }
        return r;
    }

    private void distWrite(long offset, int size, long value) {
        if (offset == GICD_SGIR && size == 4) {
            softwareInterrupt((int) value);
        } else {
            for (int i = 0; i < size; i++) {
                distWriteByte((int) offset + i, (int) (value >>> (8 * i)) & 0xFF);
            }
        }
        update();
    }

    /** One of the two register windows. */
    private final class Window extends MmioWindow {
        private final boolean isDistributor;

        Window(String name, long base, long size, boolean isDistributor) {
            super(name, base, size);
            this.isDistributor = isDistributor;
        }

        @Override
        public long read(long offset, int width) {
            if (isDistributor) {
                return distRead(offset, Math.min(width, 4));
            }
            return (offset & 3) == 0 ? cpuRead(offset) : 0;
        }

        @Override
        public void write(long offset, int width, long value) {
            if (isDistributor) {
                distWrite(offset, Math.min(width, 4), value);
            } else if ((offset & 3) == 0) {
                cpuWrite(offset, value);
            }
        }

        @Override
        public void addDeviceTreeNode(DeviceTreeContext context) {
            // The board's tree describes the GIC itself (the intc node the other nodes refer to).
        }

        @Override
        public void reset() {
            if (isDistributor) {
                Gicv2.this.reset();
            }
        }
    }
}
