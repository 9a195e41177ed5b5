package dev.virtfw.machine.irq;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.virtfw.fwcfg.GuestAddress;
import dev.virtfw.fwcfg.GuestMemory;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioDevice;
import dev.virtfw.machine.bus.MmioWindow;
import dev.virtfw.machine.unicorn.SysReg;
import java.util.Arrays;
import java.util.BitSet;
import java.util.OptionalLong;

/**
 * An Arm Generic Interrupt Controller, architecture version 3 (Arm IHI 0069), for one CPU and
 * without the Security Extensions ({@code GICD_CTLR.DS} = 1), as QEMU 7.2's virt board builds it
 * with {@code -M virt,gic-version=3} ({@code hw/intc/arm_gicv3*.c}): the distributor, one
 * redistributor (its RD_base and SGI_base frames), LPIs, and the CPU interface, which the CPU
 * reaches through the {@code ICC_*_EL1} system registers ({@link #readSystemRegister},
 * {@link #writeSystemRegister}).
 *
 * <p>Affinity routing is always on. INTIDs 0-15 are SGIs and 16-31 PPIs, both configured in the
 * redistributor; 32-287 are SPIs in the distributor, routed by {@code GICD_IROUTER<n>} (only
 * affinity 0, this CPU, receives them); 8192 and up are LPIs, whose configuration (enable bit,
 * priority) the guest keeps in its property table at {@code GICR_PROPBASER} and whose pending bits
 * live in the pending table at {@code GICR_PENDBASER}, both in guest RAM; an ITS or
 * {@link LpiSink} makes them pending.
 *
 * <p>The CPU interface implements 5 priority bits and 5 preemption bits, as QEMU 7.2's does
 * ({@code ICC_CTLR_EL1} = 0x8c00: A3V, 24-bit INTIDs, PRIbits 4): the priority mask keeps bits
 * 7:3, the binary points start at 2 (group 0) and 3 (group 1), and only {@code ICC_AP0R0_EL1} and
 * {@code ICC_AP1R0_EL1} exist (the others are undefined instructions). Group 0 interrupts signal
 * FIQ, group 1 IRQ.
 */
public final class Gicv3 implements InterruptController, LpiSink {
    /** QEMU's virt: 256 SPIs on top of the 32 private interrupts. */
    public static final int NUM_IRQ = 32 + 256;
    public static final int SPURIOUS = 1023;
    /** The first LPI. */
    public static final int LPI_BASE = 8192;
    /** GICD_TYPER.IDbits + 1: 16-bit INTIDs. */
    static final int ID_BITS = 16;
    static final int INTERNAL = 32;
    static final int NR_SGIS = 16;
    public static final long DIST_SIZE = 0x1_0000;
    /** One redistributor: its RD_base frame, then its SGI_base frame. */
    public static final long REDIST_SIZE = 0x2_0000;
    static final long SGI_FRAME = 0x1_0000;

    // Distributor registers (IHI 0069 table 12-25).
    static final int GICD_CTLR = 0x0000;
    static final int GICD_TYPER = 0x0004;
    static final int GICD_IIDR = 0x0008;
    static final int GICD_IGROUPR = 0x0080;
    static final int GICD_ISENABLER = 0x0100;
    static final int GICD_ICENABLER = 0x0180;
    static final int GICD_ISPENDR = 0x0200;
    static final int GICD_ICPENDR = 0x0280;
    static final int GICD_ISACTIVER = 0x0300;
    static final int GICD_ICACTIVER = 0x0380;
    static final int GICD_IPRIORITYR = 0x0400;
    static final int GICD_ITARGETSR = 0x0800;
    static final int GICD_ICFGR = 0x0C00;
    static final int GICD_IGRPMODR = 0x0D00;
    static final int GICD_IROUTER = 0x6000;
    static final int GICD_IROUTER_END = GICD_IROUTER + 8 * 1020;
    static final int ID_REGISTERS = 0xFFD0;
    // Redistributor RD_base registers (IHI 0069 table 12-27).
    static final int GICR_CTLR = 0x0000;
    static final int GICR_IIDR = 0x0004;
    static final int GICR_TYPER = 0x0008;
    static final int GICR_WAKER = 0x0014;
    static final int GICR_PROPBASER = 0x0070;
    static final int GICR_PENDBASER = 0x0078;
    // SGI_base registers (offsets in that frame).
    static final int GICR_IGROUPR0 = 0x0080;
    static final int GICR_ISENABLER0 = 0x0100;
    static final int GICR_ICENABLER0 = 0x0180;
    static final int GICR_ISPENDR0 = 0x0200;
    static final int GICR_ICPENDR0 = 0x0280;
    static final int GICR_ISACTIVER0 = 0x0300;
    static final int GICR_ICACTIVER0 = 0x0380;
    static final int GICR_IPRIORITYR0 = 0x0400;
    static final int GICR_ICFGR0 = 0x0C00;
    static final int GICR_ICFGR1 = 0x0C04;

    /** GICD_CTLR: EnableGrp0, EnableGrp1 (writable); ARE and DS read as one. */
    static final int CTLR_EN_GRP0 = 1;
    static final int CTLR_EN_GRP1 = 2;
    static final int GICD_CTLR_FIXED = 1 << 4 | 1 << 6;
    /** QEMU's value: No1N, A3V, IDbits 15, LPIS, 256 SPIs. */
    static final int GICD_TYPER_VALUE = 1 << 25 | 1 << 24 | (ID_BITS - 1) << 19 | 1 << 17 | (NUM_IRQ / 32 - 2);
    /** Arm as implementer, r0p0, product 0 (QEMU's). */
    static final int IIDR_VALUE = 0x43B;
    /** GICR_TYPER: PLPIS, Last, CommonLPIAff = 1; processor 0, affinity 0. */
    static final long GICR_TYPER_VALUE = 1 | 1 << 4 | 1 << 24;
    /** GICR_CTLR: EnableLPIs (bit 0) is writable, CES (bit 1) reads as one. */
    static final int GICR_CTLR_ENABLE_LPIS = 1;
    static final int GICR_CTLR_CES = 2;
    /** GICR_WAKER: ProcessorSleep (bit 1); ChildrenAsleep (bit 2) follows it at once. */
    static final int WAKER_PROCESSOR_SLEEP = 2;
    static final int WAKER_CHILDREN_ASLEEP = 4;
    /** GICR_PENDBASER.PTZ: the pending table is zero, nothing to read at enable. */
    static final long PENDBASER_PTZ = 1L << 62;
    static final long TABLE_ADDRESS_MASK = 0x000F_FFFF_FFFF_F000L;
    static final long PENDING_TABLE_ADDRESS_MASK = 0x000F_FFFF_FFFF_0000L;
    /** PIDR4-7, PIDR0-3, CIDR0-3 from 0xFFD0; PIDR0 is 0x92 in the distributor, 0x93 in the redistributor. */
    private static final int[] ID = {0x44, 0, 0, 0, 0x92, 0xB4, 0x3B, 0, 0x0D, 0xF0, 0x05, 0xB1};

    // CPU interface, 5 priority and 5 preemption bits.
    static final int PRIORITY_MASK = 0xF8;
    static final int MIN_BPR0 = 2;
    static final int MIN_BPR1 = 3;
    /** ICC_CTLR_EL1 read-only part: A3V, IDbits 1 (24 bits), PRIbits 4 (5 bits). */
    static final int ICC_CTLR_FIXED = 1 << 15 | 1 << 11 | 4 << 8;
    static final int ICC_CTLR_CBPR = 1;
    static final int ICC_CTLR_EOIMODE = 2;
    /** ICC_SRE_EL1: SRE, DFB, DIB, all fixed at one (no memory-mapped CPU interface). */
    static final int ICC_SRE_VALUE = 7;
    static final int IDLE_PRIORITY = 0xFF;
    static final int NO_PRIORITY = 0x100;

    // The ICC_*_EL1 registers (op0 3, op1 0).
    static final int ICC_PMR = SysReg.encode(3, 0, 4, 6, 0);
    static final int ICC_IAR0 = SysReg.encode(3, 0, 12, 8, 0);
    static final int ICC_EOIR0 = SysReg.encode(3, 0, 12, 8, 1);
    static final int ICC_HPPIR0 = SysReg.encode(3, 0, 12, 8, 2);
    static final int ICC_BPR0 = SysReg.encode(3, 0, 12, 8, 3);
    static final int ICC_AP0R0 = SysReg.encode(3, 0, 12, 8, 4);
    static final int ICC_AP1R0 = SysReg.encode(3, 0, 12, 9, 0);
    static final int ICC_DIR = SysReg.encode(3, 0, 12, 11, 1);
    static final int ICC_RPR = SysReg.encode(3, 0, 12, 11, 3);
    static final int ICC_SGI1R = SysReg.encode(3, 0, 12, 11, 5);
    static final int ICC_ASGI1R = SysReg.encode(3, 0, 12, 11, 6);
    static final int ICC_SGI0R = SysReg.encode(3, 0, 12, 11, 7);
    static final int ICC_IAR1 = SysReg.encode(3, 0, 12, 12, 0);
    static final int ICC_EOIR1 = SysReg.encode(3, 0, 12, 12, 1);
    static final int ICC_HPPIR1 = SysReg.encode(3, 0, 12, 12, 2);
    static final int ICC_BPR1 = SysReg.encode(3, 0, 12, 12, 3);
    static final int ICC_CTLR = SysReg.encode(3, 0, 12, 12, 4);
    static final int ICC_SRE = SysReg.encode(3, 0, 12, 12, 5);
    static final int ICC_IGRPEN0 = SysReg.encode(3, 0, 12, 12, 6);
    static final int ICC_IGRPEN1 = SysReg.encode(3, 0, 12, 12, 7);

    private final boolean[] enabled = new boolean[NUM_IRQ];
    private final boolean[] pendingLatch = new boolean[NUM_IRQ];
    private final boolean[] level = new boolean[NUM_IRQ];
    private final boolean[] active = new boolean[NUM_IRQ];
    private final boolean[] group1 = new boolean[NUM_IRQ];
    private final boolean[] edge = new boolean[NUM_IRQ];
    private final int[] priority = new int[NUM_IRQ];
    private final long[] irouter = new long[NUM_IRQ];
    private int distCtlr;
    // redistributor
    private boolean processorSleep;
    private boolean lpisEnabled;
    private long propbaser;
    private long pendbaser;
    private final BitSet pendingLpis = new BitSet();
    // CPU interface
    private int pmr;
    private int bpr0;
    private int bpr1;
    private int iccCtlr;
    private boolean igrpen0;
    private boolean igrpen1;
    private int ap0r;
    private int ap1r;

    private boolean irq;
    private boolean fiq;
    private Runnable outputListener = () -> {};

    private final GuestMemory memory;
    private final MmioDevice distributor;
    private final MmioDevice redistributor;

    /**
     * A GICv3 with its distributor at {@code distBase} and its redistributor at {@code redistBase};
     * LPI tables are read from and written to {@code memory} (guest RAM).
     */
    public Gicv3(long distBase, long redistBase, GuestMemory memory) {
        this.memory = memory;
        this.distributor = new Window("gicv3-dist", distBase, DIST_SIZE, true);
        this.redistributor = new Window("gicv3-redist", redistBase, REDIST_SIZE, false);
        reset();
    }

    /** The distributor's register window. */
    public MmioDevice distributor() {
        return distributor;
    }

    /** The redistributor's two frames (RD_base, SGI_base). */
    public MmioDevice redistributor() {
        return redistributor;
    }

    @Override
    public void setOutputListener(Runnable listener) {
        this.outputListener = listener;
    }

    @Override
    public boolean irqOutput() {
        return irq;
    }

    @Override
    public boolean fiqOutput() {
        return fiq;
    }

    @Override
    public InterruptLine line(int intid) {
        if (intid < NR_SGIS || intid >= NUM_IRQ) {
            throw new IllegalArgumentException("no interrupt line " + intid + " on this GIC");
        }
        return high -> setLevel(intid, high);
    }

    /** Power-on state, as QEMU's: everything group 0, disabled, priority 0; SGIs edge, the rest level. */
    @Override
    public void reset() {
        Arrays.fill(enabled, false);
        Arrays.fill(pendingLatch, false);
        Arrays.fill(active, false);
        Arrays.fill(group1, false);
        Arrays.fill(priority, 0);
        Arrays.fill(irouter, 0);
        for (int i = 0; i < NUM_IRQ; i++) {
            edge[i] = i < NR_SGIS;
        }
        distCtlr = 0;
        processorSleep = true;
        lpisEnabled = false;
        propbaser = 0;
        pendbaser = 0;
        pendingLpis.clear();
        pmr = 0;
        bpr0 = MIN_BPR0;
        bpr1 = MIN_BPR1;
        iccCtlr = 0;
        igrpen0 = false;
        igrpen1 = false;
        ap0r = 0;
        ap1r = 0;
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

    private boolean pending(int id) {
        return pendingLatch[id] || (!edge[id] && level[id]);
    }

    private boolean groupEnabledInDistributor(boolean isGroup1) {
        return (distCtlr & (isGroup1 ? CTLR_EN_GRP1 : CTLR_EN_GRP0)) != 0;
    }

    /** Affinity routing: an SPI reaches this CPU only when its IROUTER names affinity 0.0.0.0 (QEMU ignores IRM). */
    private boolean routedHere(int id) {
        return id < INTERNAL || (irouter[id] & 0xFF_00FF_FFFFL) == 0;
    }

    // ---- highest-priority pending interrupt ----

    /** The pending interrupt of highest priority (lowest value, then lowest INTID) this CPU may take, or -1. */
    private int bestPending() {
        int best = -1;
        int bestPriority = NO_PRIORITY;
        for (int id = 0; id < NUM_IRQ; id++) {
            if (enabled[id] && !active[id] && priority[id] < bestPriority && pending(id)
                    && groupEnabledInDistributor(group1[id]) && routedHere(id)) {
                best = id;
                bestPriority = priority[id];
            }
        }
        if (lpisEnabled && groupEnabledInDistributor(true)) {
            for (int id = pendingLpis.nextSetBit(LPI_BASE); id >= 0; id = pendingLpis.nextSetBit(id + 1)) {
                int config = lpiConfig(id);
                if ((config & 1) != 0 && (config & 0xFC) < bestPriority) {
                    best = id;
                    bestPriority = config & 0xFC;
                }
            }
        }
        return best;
    }

    private int priorityOf(int id) {
        return id >= LPI_BASE ? lpiConfig(id) & 0xFC : priority[id];
    }

    private boolean isGroup1(int id) {
        return id >= LPI_BASE || group1[id];
    }

    /** The bits of a priority that count for preemption in a group (ICC_BPR0/1, ICC_CTLR.CBPR). */
    private int groupPriorityMask(boolean isGroup1) {
        if (!isGroup1 || (iccCtlr & ICC_CTLR_CBPR) != 0) {
            return (0xFF << (bpr0 + 1)) & 0xFF;
        }
        return (0xFF << bpr1) & 0xFF;
    }

    /** The running priority: the highest active group priority in the active-priority registers, or idle. */
    private int runningPriority() {
        int aprs = ap0r | ap1r;
        return aprs == 0 ? IDLE_PRIORITY : Integer.numberOfTrailingZeros(aprs) << 3;
    }

    /** Whether interrupt {@code id} (the best pending one) may be signalled: group enabled, unmasked, preempting. */
    private boolean canSignal(int id) {
        if (id < 0 || !(isGroup1(id) ? igrpen1 : igrpen0)) {
            return false;
        }
        int prio = priorityOf(id);
        if (prio >= pmr) {
            return false;
        }
        int running = runningPriority();
        if (running == IDLE_PRIORITY) {
            return true;
        }
        int mask = groupPriorityMask(isGroup1(id));
        return (prio & mask) < (running & mask);
    }

    /** Recomputes the IRQ and FIQ outputs and tells the listener. */
    private void update() {
        int best = bestPending();
        boolean signal = canSignal(best);
        irq = signal && isGroup1(best);
        fiq = signal && !isGroup1(best);
        outputListener.run();
    }

    // ---- LPIs ----

    private int lpiIdBits() {
        return Math.min((int) (propbaser & 0x1F) + 1, ID_BITS);
    }

    /** The LPI's byte in the property table (priority 7:2, enable 0); 0 where the table is not RAM. */
    private int lpiConfig(int intid) {
        if (intid >= 1 << lpiIdBits()) {
            return 0;
        }
        GuestAddress at = new GuestAddress((propbaser & TABLE_ADDRESS_MASK) + (intid - LPI_BASE));
        if (memory.ramBytesAt(at, 1) < 1) {
            return 0;
        }
        return memory.slice(at, 1).get(JAVA_BYTE, 0) & 0xFF;
    }

    private void writePendingBit(int intid, boolean set) {
        GuestAddress at = new GuestAddress((pendbaser & PENDING_TABLE_ADDRESS_MASK) + intid / 8);
        if (memory.ramBytesAt(at, 1) < 1) {
            return;
        }
        var cell = memory.slice(at, 1);
        int old = cell.get(JAVA_BYTE, 0);
        int bit = 1 << (intid % 8);
        cell.set(JAVA_BYTE, 0, (byte) (set ? old | bit : old & ~bit));
        memory.written(at, 1);
    }

    /** EnableLPIs went to one: unless PTZ says the table is zero, the LPIs pending in it are taken in. */
    private void loadPendingTable() {
        pendingLpis.clear();
        if ((pendbaser & PENDBASER_PTZ) != 0) {
            return;
        }
        long base = pendbaser & PENDING_TABLE_ADDRESS_MASK;
        int limit = 1 << lpiIdBits();
        for (int id = LPI_BASE; id < limit; id += 8) {
            GuestAddress at = new GuestAddress(base + id / 8);
            if (memory.ramBytesAt(at, 1) < 1) {
                return;
            }
            int bits = memory.slice(at, 1).get(JAVA_BYTE, 0) & 0xFF;
            for (int b = 0; bits != 0 && b < 8; b++, bits >>>= 1) {
                if ((bits & 1) != 0) {
                    pendingLpis.set(id + b);
                }
            }
        }
    }

    @Override
    public void setLpiPending(int intid) {
        if (!lpisEnabled || intid < LPI_BASE || intid >= 1 << lpiIdBits()) {
            return;
        }
        pendingLpis.set(intid);
        writePendingBit(intid, true);
        update();
    }

    @Override
    public void clearLpiPending(int intid) {
        if (!lpisEnabled || intid < LPI_BASE || intid >= 1 << lpiIdBits()) {
            return;
        }
        pendingLpis.clear(intid);
        writePendingBit(intid, false);
        update();
    }

    @Override
    public void lpiConfigurationChanged(int intid) {
        update();   // the configuration is read from the table whenever the best LPI is chosen
    }

    @Override
    public int idBits() {
        return ID_BITS;
    }

    // ---- CPU interface (system registers) ----

    /**
     * An MRS of the GIC system register {@code encoding} ({@link SysReg#encode}); empty when it is
     * not one of the CPU interface's registers (the access is then an undefined instruction).
     */
    public OptionalLong readSystemRegister(int encoding) {
        long v;
        if (encoding == ICC_PMR) {
            v = pmr;
        } else if (encoding == ICC_IAR1 || encoding == ICC_IAR0) {
            v = acknowledge(encoding == ICC_IAR1);
        } else if (encoding == ICC_HPPIR1 || encoding == ICC_HPPIR0) {
            int best = bestPending();
            v = best >= 0 && isGroup1(best) == (encoding == ICC_HPPIR1) ? best : SPURIOUS;
        } else if (encoding == ICC_BPR0) {
            v = bpr0;
        } else if (encoding == ICC_BPR1) {
            v = (iccCtlr & ICC_CTLR_CBPR) != 0 ? Math.min(bpr0 + 1, 7) : bpr1;
        } else if (encoding == ICC_AP0R0) {
            v = Integer.toUnsignedLong(ap0r);
        } else if (encoding == ICC_AP1R0) {
            v = Integer.toUnsignedLong(ap1r);
        } else if (encoding == ICC_RPR) {
            v = runningPriority();
        } else if (encoding == ICC_CTLR) {
            v = ICC_CTLR_FIXED | iccCtlr;
        } else if (encoding == ICC_SRE) {
            v = ICC_SRE_VALUE;
        } else if (encoding == ICC_IGRPEN0) {
            v = igrpen0 ? 1 : 0;
        } else if (encoding == ICC_IGRPEN1) {
            v = igrpen1 ? 1 : 0;
        } else if (encoding == ICC_EOIR0 || encoding == ICC_EOIR1 || encoding == ICC_DIR
                || encoding == ICC_SGI0R || encoding == ICC_SGI1R || encoding == ICC_ASGI1R) {
            return OptionalLong.of(0);   // write-only registers read as an unknown value: zero
        } else {
            return OptionalLong.empty();
        }
        return OptionalLong.of(v);
    }

    /** An MSR of {@code value} to the GIC system register {@code encoding}; false when it is not one. */
    public boolean writeSystemRegister(int encoding, long value) {
        int v = (int) value;
        if (encoding == ICC_PMR) {
            pmr = v & PRIORITY_MASK;
        } else if (encoding == ICC_EOIR1 || encoding == ICC_EOIR0) {
            endOfInterrupt(v & 0xFF_FFFF, encoding == ICC_EOIR1);
        } else if (encoding == ICC_DIR) {
            int id = v & 0xFF_FFFF;
            if ((iccCtlr & ICC_CTLR_EOIMODE) != 0 && id < NUM_IRQ) {
                active[id] = false;
            }
        } else if (encoding == ICC_BPR0) {
            bpr0 = Math.max(v & 7, MIN_BPR0);
        } else if (encoding == ICC_BPR1) {
            if ((iccCtlr & ICC_CTLR_CBPR) == 0) {
                bpr1 = Math.max(v & 7, MIN_BPR1);
            }
        } else if (encoding == ICC_AP0R0) {
            ap0r = v;
        } else if (encoding == ICC_AP1R0) {
            ap1r = v;
        } else if (encoding == ICC_CTLR) {
            iccCtlr = v & (ICC_CTLR_CBPR | ICC_CTLR_EOIMODE);
        } else if (encoding == ICC_IGRPEN0) {
            igrpen0 = (v & 1) != 0;
        } else if (encoding == ICC_IGRPEN1) {
            igrpen1 = (v & 1) != 0;
        } else if (encoding == ICC_SGI1R || encoding == ICC_SGI0R || encoding == ICC_ASGI1R) {
            // SGI1R pends group 1 SGIs; SGI0R and (without EL3) ASGI1R pend group 0 ones, as QEMU.
            softwareInterrupt(value, encoding == ICC_SGI1R);
        } else if (encoding == ICC_SRE) {
            return true;    // fixed
        } else if (encoding == ICC_IAR0 || encoding == ICC_IAR1 || encoding == ICC_HPPIR0 || encoding == ICC_HPPIR1
                || encoding == ICC_RPR) {
            return true;    // read-only: the write is ignored
        } else {
            return false;
        }
        update();
        return true;
    }

    private int acknowledge(boolean forGroup1) {
        int id = bestPending();
        if (!canSignal(id) || isGroup1(id) != forGroup1) {
            return SPURIOUS;
        }
        int groupPriority = priorityOf(id) & groupPriorityMask(forGroup1);
        int bit = 1 << (groupPriority >>> 3);
        if (forGroup1) {
            ap1r |= bit;
        } else {
            ap0r |= bit;
        }
        if (id >= LPI_BASE) {
            pendingLpis.clear(id);
            writePendingBit(id, false);
        } else {
            active[id] = true;
            pendingLatch[id] = false;
        }
        update();
        return id;
    }

    /** The group of the highest active priority (1, 0), or -1 when nothing is active. */
    private int highestActiveGroup() {
        int g0 = Integer.numberOfTrailingZeros(ap0r);
        int g1 = Integer.numberOfTrailingZeros(ap1r);
        if (g1 < g0) {
            return 1;
        }
        return g0 < 32 ? 0 : -1;
    }

    private void endOfInterrupt(int id, boolean forGroup1) {
        if (id >= 1020 && id < LPI_BASE) {
            return;     // special INTIDs and nonexistent ones: ignored, as QEMU does
        }
        if (highestActiveGroup() != (forGroup1 ? 1 : 0)) {
            return;
        }
        if (forGroup1) {
            ap1r &= ap1r - 1;   // priority drop: the lowest set bit is the highest active priority
        } else {
            ap0r &= ap0r - 1;
        }
        if ((iccCtlr & ICC_CTLR_EOIMODE) == 0 && id < NUM_IRQ) {
            active[id] = false;
        }
    }

    /**
     * ICC_SGI0R/SGI1R: INTID 27:24, TargetList 15:0 for Aff3.Aff2.Aff1 (55:48, 39:32, 23:16) and
     * range selector RS 47:44, or IRM (40) for every CPU but this one. Only CPU 0.0.0.0 exists.
     */
    private void softwareInterrupt(long value, boolean group1Sgi) {
        int id = (int) (value >>> 24) & 0xF;
        boolean irm = (value & (1L << 40)) != 0;
        boolean toSelf = !irm && (value & 1) != 0 && ((value >>> 16) & 0xFF) == 0 && ((value >>> 32) & 0xFF) == 0
                && ((value >>> 44) & 0xF) == 0 && ((value >>> 48) & 0xFF) == 0;
        if (toSelf && group1[id] == group1Sgi) {
            pendingLatch[id] = true;
        }
    }

    // ---- distributor ----

    private long distRead(int offset, int size) {
        if (size == 1) {
            if (offset >= GICD_IPRIORITYR && offset < GICD_IPRIORITYR + 1020) {
                int id = offset - GICD_IPRIORITYR;
                return id >= INTERNAL && id < NUM_IRQ ? priority[id] : 0;
            }
            return 0;   // GICD_ITARGETSR, GICD_xPENDSGIR: affinity routing makes them RAZ/WI; others reserved
        }
        if (size != 4) {
            return 0;
        }
        if (offset >= GICD_IROUTER && offset < GICD_IROUTER_END) {
            int id = (offset - GICD_IROUTER) / 8;
            long r = id >= INTERNAL && id < NUM_IRQ ? irouter[id] : 0;
            return (offset & 4) == 0 ? r & 0xFFFF_FFFFL : r >>> 32;
        }
        if (offset >= ID_REGISTERS) {
            return (offset & 3) == 0 ? ID[(offset - ID_REGISTERS) >> 2] : 0;
        }
        return switch (offset) {
            case GICD_CTLR -> GICD_CTLR_FIXED | distCtlr;
            case GICD_TYPER -> GICD_TYPER_VALUE;
            case GICD_IIDR -> IIDR_VALUE;
            default -> Integer.toUnsignedLong(bitmapRead(offset, INTERNAL));
        };
    }

    private void distWrite(int offset, int size, long value) {
        if (size == 1) {
            if (offset >= GICD_IPRIORITYR && offset < GICD_IPRIORITYR + 1020) {
                int id = offset - GICD_IPRIORITYR;
                if (id >= INTERNAL && id < NUM_IRQ) {
                    priority[id] = (int) value & 0xFF;
                }
            }
            return;
        }
        if (size != 4) {
            return;
        }
        if (offset >= GICD_IROUTER && offset < GICD_IROUTER_END) {
            int id = (offset - GICD_IROUTER) / 8;
            if (id >= INTERNAL && id < NUM_IRQ) {
                long half = value & 0xFFFF_FFFFL;
                irouter[id] = (offset & 4) == 0 ? (irouter[id] & ~0xFFFF_FFFFL) | half
                        : (irouter[id] & 0xFFFF_FFFFL) | half << 32;
            }
        } else if (offset == GICD_CTLR) {
            distCtlr = (int) value & (CTLR_EN_GRP0 | CTLR_EN_GRP1);
        } else {
            bitmapWrite(offset, (int) value, INTERNAL);
        }
    }

    // ---- the per-interrupt registers shared by the distributor (SPIs) and SGI_base (SGIs, PPIs) ----

    /**
     * A 32-bit read of a per-interrupt register at {@code offset} (GICD_/GICR_ layout): the bits of
     * interrupts from {@code first} up are real, the others read as zero.
     */
    private int bitmapRead(int offset, int first) {
        if (offset >= GICD_IGROUPR && offset < GICD_ISENABLER) {
            return bits(offset - GICD_IGROUPR, first, group1);
        } else if (offset >= GICD_ISENABLER && offset < GICD_ISPENDR) {
            return bits((offset - GICD_ISENABLER) % 0x80, first, enabled);
        } else if (offset >= GICD_ISPENDR && offset < GICD_ISACTIVER) {
            int base = ((offset - GICD_ISPENDR) % 0x80) * 8;
            int r = 0;
            for (int i = 0; i < 32; i++) {
                int id = base + i;
                if (id >= first && id < NUM_IRQ && (first != 0 || id < INTERNAL) && pending(id)) {
                    r |= 1 << i;
                }
            }
            return r;
        } else if (offset >= GICD_ISACTIVER && offset < GICD_IPRIORITYR) {
            return bits((offset - GICD_ISACTIVER) % 0x80, first, active);
        } else if (offset >= GICD_IPRIORITYR && offset < GICD_IPRIORITYR + 1020) {
            int r = 0;
            for (int i = 0; i < 4; i++) {
                int id = offset - GICD_IPRIORITYR + i;
                if (inBank(id, first)) {
                    r |= priority[id] << (8 * i);
                }
            }
            return r;
        } else if (offset >= GICD_ICFGR && offset < GICD_IGRPMODR) {
            int base = (offset - GICD_ICFGR) * 4;
            int r = 0;
            for (int i = 0; i < 16; i++) {
                int id = base + i;
                if (inBank(id, first) && edge[id]) {
                    r |= 2 << (2 * i);
                }
            }
            return r;
        }
        return 0;
    }

    private boolean inBank(int id, int first) {
        return id >= first && id < NUM_IRQ && (first != 0 || id < INTERNAL);
    }

    private int bits(int byteOffset, int first, boolean[] set) {
        int base = byteOffset * 8;
        int r = 0;
        for (int i = 0; i < 32; i++) {
            if (inBank(base + i, first) && set[base + i]) {
                r |= 1 << i;
            }
        }
        return r;
    }

    private void bitmapWrite(int offset, int value, int first) {
        if (offset >= GICD_IGROUPR && offset < GICD_ISENABLER) {
            int base = (offset - GICD_IGROUPR) * 8;
            forBits(base, -1, first, id -> group1[id] = (value >>> (id - base) & 1) != 0);
        } else if (offset >= GICD_ISENABLER && offset < GICD_ICENABLER) {
            forBits((offset - GICD_ISENABLER) * 8, value, first, id -> enabled[id] = true);
        } else if (offset >= GICD_ICENABLER && offset < GICD_ISPENDR) {
            forBits((offset - GICD_ICENABLER) * 8, value, first, id -> enabled[id] = false);
        } else if (offset >= GICD_ISPENDR && offset < GICD_ICPENDR) {
            forBits((offset - GICD_ISPENDR) * 8, value, first, id -> pendingLatch[id] = true);
        } else if (offset >= GICD_ICPENDR && offset < GICD_ISACTIVER) {
            forBits((offset - GICD_ICPENDR) * 8, value, first, id -> pendingLatch[id] = false);
        } else if (offset >= GICD_ISACTIVER && offset < GICD_ICACTIVER) {
            forBits((offset - GICD_ISACTIVER) * 8, value, first, id -> active[id] = true);
        } else if (offset >= GICD_ICACTIVER && offset < GICD_IPRIORITYR) {
            forBits((offset - GICD_ICACTIVER) * 8, value, first, id -> active[id] = false);
        } else if (offset >= GICD_IPRIORITYR && offset < GICD_IPRIORITYR + 1020) {
            for (int i = 0; i < 4; i++) {
                int id = offset - GICD_IPRIORITYR + i;
                if (inBank(id, first)) {
                    priority[id] = (value >>> (8 * i)) & 0xFF;
                }
            }
        } else if (offset >= GICD_ICFGR && offset < GICD_IGRPMODR) {
            int base = (offset - GICD_ICFGR) * 4;
            for (int i = 0; i < 16; i++) {
                int id = base + i;
                if (inBank(id, first) && id >= NR_SGIS) {   // SGIs are always edge-triggered
                    edge[id] = (value & (2 << (2 * i))) != 0;
                }
            }
        }
    }

    private void forBits(int base, int value, int first, java.util.function.IntConsumer action) {
        for (int i = 0; i < 32; i++) {
            if ((value & (1 << i)) != 0 && inBank(base + i, first)) {
                action.accept(base + i);
            }
        }
    }

    // ---- redistributor ----

    private long redistRead(int offset, int size) {
        if (offset >= SGI_FRAME) {
            int o = offset - (int) SGI_FRAME;
            if (size == 1) {
                return o >= GICR_IPRIORITYR0 && o < GICR_IPRIORITYR0 + INTERNAL ? priority[o - GICR_IPRIORITYR0] : 0;
            }
            return size == 4 ? Integer.toUnsignedLong(bitmapRead(o, 0)) : 0;
        }
        if (size != 4) {
            return 0;
        }
        if (offset >= ID_REGISTERS) {
            if ((offset & 3) != 0) {
                return 0;
            }
            int id = ID[(offset - ID_REGISTERS) >> 2];
            return offset == ID_REGISTERS + 0x10 ? id + 1 : id;   // PIDR0: 0x93
        }
        return switch (offset) {
            case GICR_CTLR -> GICR_CTLR_CES | (lpisEnabled ? GICR_CTLR_ENABLE_LPIS : 0);
            case GICR_IIDR -> IIDR_VALUE;
            case GICR_TYPER -> GICR_TYPER_VALUE;
            case GICR_TYPER + 4 -> 0;   // affinity 0.0.0.0
            case GICR_WAKER -> processorSleep ? WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP : 0;
            case GICR_PROPBASER -> propbaser & 0xFFFF_FFFFL;
            case GICR_PROPBASER + 4 -> propbaser >>> 32;
            case GICR_PENDBASER -> pendbaser & 0xFFFF_FFFFL;
            case GICR_PENDBASER + 4 -> pendbaser >>> 32;
            default -> 0;
        };
    }

    private void redistWrite(int offset, int size, long value) {
        if (offset >= SGI_FRAME) {
            int o = offset - (int) SGI_FRAME;
            if (size == 1 && o >= GICR_IPRIORITYR0 && o < GICR_IPRIORITYR0 + INTERNAL) {
                priority[o - GICR_IPRIORITYR0] = (int) value & 0xFF;
            } else if (size == 4 && o != GICR_ICFGR0) {   // ICFGR0: SGIs are edge-triggered, read-only
                bitmapWrite(o, (int) value, 0);
            }
            return;
        }
        if (size != 4) {
            return;
        }
        long half = value & 0xFFFF_FFFFL;
        switch (offset) {
            case GICR_CTLR -> {
                boolean enable = (value & GICR_CTLR_ENABLE_LPIS) != 0;
                if (enable && !lpisEnabled) {
                    lpisEnabled = true;
                    loadPendingTable();
                } else if (!enable) {
                    lpisEnabled = false;
                }
            }
            case GICR_WAKER -> processorSleep = (value & WAKER_PROCESSOR_SLEEP) != 0;
            case GICR_PROPBASER -> propbaser = (propbaser & ~0xFFFF_FFFFL) | half;
            case GICR_PROPBASER + 4 -> propbaser = (propbaser & 0xFFFF_FFFFL) | half << 32;
            case GICR_PENDBASER -> pendbaser = (pendbaser & ~0xFFFF_FFFFL) | half;
            case GICR_PENDBASER + 4 -> pendbaser = (pendbaser & 0xFFFF_FFFFL) | half << 32;
            default -> {
                // read-only or reserved: ignored
            }
        }
    }

    /** One of the two register windows. Reserved registers and unsupported widths read as zero, writes are ignored. */
    private final class Window extends MmioWindow {
        private final boolean isDistributor;

        Window(String name, long base, long size, boolean isDistributor) {
            super(name, base, size);
            this.isDistributor = isDistributor;
        }

        @Override
        public long read(long offset, int width) {
            if ((offset & (width - 1)) != 0) {
                return 0;
            }
            return isDistributor ? distRead((int) offset, width) : redistRead((int) offset, width);
        }

        @Override
        public void write(long offset, int width, long value) {
            if ((offset & (width - 1)) != 0) {
                return;
            }
            if (isDistributor) {
                distWrite((int) offset, width, value);
            } else {
                redistWrite((int) offset, width, value);
            }
            update();
        }

        @Override
        public void addDeviceTreeNode(DeviceTreeContext context) {
            // The board's tree describes the GIC itself (the intc node the other nodes refer to).
        }

        @Override
        public void reset() {
            if (isDistributor) {
                Gicv3.this.reset();
            }
        }
    }
}
