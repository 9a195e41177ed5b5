package dev.virtfw.machine.timer;

import dev.virtfw.machine.irq.InterruptLine;
import dev.virtfw.machine.unicorn.SysReg;
import java.util.OptionalLong;

/**
 * The EL1 physical and virtual timers of the Arm generic timer (Arm ARM D11.2), for one CPU.
 *
 * <p>Unicorn 2.1 keeps the counters (the host's monotonic clock at 62.5 MHz, as QEMU's) but drops
 * every write to the timers' control and compare registers, so no timer ever fires. The board
 * routes those MSR writes here ({@link #write}); this class keeps the state, mirrors it into the
 * CPU's registers (so the virtual timer's MRS reads and TimerValue view need no help), and drives each timer's
 * interrupt line: high while the timer is enabled, not masked, and the counter has reached the
 * compare value. The counter passing the compare value is noticed by {@link #poll} between two
 * runs of the engine; {@link #nextDeadlineNanos} tells the board how long an idle guest may sleep.
 *
 * <p>Both counters start near zero at each boot, as QEMU's do. The virtual one through the CPU: the
 * board sets CNTVOFF_EL2 to the host count at the start of the boot. The physical one has no offset
 * register before FEAT_ECV, so the board clears CNTHCTL_EL2.EL1PCTEN/EL1PCEN: every EL0/EL1 read
 * of the physical counter or timer traps to the board, which answers it here ({@link #read}); the
 * physical timer then lives wholly in this class, in the guest's time.
 */
public final class GenericTimer {
    /** Nanoseconds per counter tick: 62.5 MHz, QEMU's GTIMER_SCALE. */
    public static final long TICK_NANOS = 16;
    /** CNTx_CTL bits. */
    static final int CTL_ENABLE = 1;
    static final int CTL_IMASK = 2;
    static final int CTL_ISTATUS = 4;
    // The encodings of the registers this class performs, computed once: every MSR is compared.
    private static final int CNTV_CTL = SysReg.CNTV_CTL_EL0.encoding();
    private static final int CNTV_CVAL = SysReg.CNTV_CVAL_EL0.encoding();
    private static final int CNTV_TVAL = SysReg.CNTV_TVAL_EL0.encoding();
    private static final int CNTP_CTL = SysReg.CNTP_CTL_EL0.encoding();
    private static final int CNTP_CVAL = SysReg.CNTP_CVAL_EL0.encoding();
    private static final int CNTP_TVAL = SysReg.CNTP_TVAL_EL0.encoding();
    private static final int CNTPCT = SysReg.CNTPCT_EL0.encoding();

    /** How the timer reaches the CPU's copy of its registers. */
    public interface CpuRegisters {
        void write(SysReg reg, long value);
    }

    /** One of the two timers. */
    private final class Timer {
        final SysReg ctlReg;
        final SysReg cvalReg;
        final InterruptLine line;
        int ctl;
        long cval;
        boolean lineLevel;

        Timer(SysReg ctlReg, SysReg cvalReg, InterruptLine line) {
            this.ctlReg = ctlReg;
            this.cvalReg = cvalReg;
            this.line = line;
        }

        long count() {
            return physicalCount() - bootCount;
        }

        /** Recomputes ISTATUS and the line; mirrors CTL into the CPU when ISTATUS changed. */
        void evaluate(boolean forceMirror) {
            boolean fired = (ctl & CTL_ENABLE) != 0 && Long.compareUnsigned(count(), cval) >= 0;
            int newCtl = fired ? ctl | CTL_ISTATUS : ctl & ~CTL_ISTATUS;
            boolean changed = newCtl != ctl;
            ctl = newCtl;
            if ((changed || forceMirror) && cpu != null) {
                cpu.write(ctlReg, ctl);
            }
            boolean level = fired && (ctl & CTL_IMASK) == 0;
            if (level != lineLevel) {
                lineLevel = level;
                line.set(level);
            }
        }

        /** Host nanoTime at which this timer's line goes high, or Long.MAX_VALUE if never by itself. */
        long deadline() {
            if ((ctl & CTL_ENABLE) == 0 || (ctl & CTL_IMASK) != 0 || lineLevel) {
                return Long.MAX_VALUE;
            }
            long ticks = cval - count();
            if (ticks <= 0) {
                return System.nanoTime();
            }
            if (ticks > Long.MAX_VALUE / TICK_NANOS / 2) {
                return Long.MAX_VALUE;
            }
            return System.nanoTime() + ticks * TICK_NANOS;
        }

        void reset() {
            ctl = 0;
            cval = 0;
            if (lineLevel) {
                lineLevel = false;
                line.set(false);
            }
        }
    }

    private final Timer physical;
    private final Timer virtualTimer;
    /** The host count at the start of the boot: the guest's counters count from there. */
    private long bootCount;
    private CpuRegisters cpu;

    /**
     * @param physicalLine the EL1 physical timer's interrupt (PPI 14, INTID 30 on the virt board)
     * @param virtualLine  the virtual timer's interrupt (PPI 11, INTID 27)
     */
    public GenericTimer(InterruptLine physicalLine, InterruptLine virtualLine) {
        this.physical = new Timer(SysReg.CNTP_CTL_EL0, SysReg.CNTP_CVAL_EL0, physicalLine);
        this.virtualTimer = new Timer(SysReg.CNTV_CTL_EL0, SysReg.CNTV_CVAL_EL0, virtualLine);
    }

    /** The host count: the host's monotonic clock in ticks, what Unicorn's counter reads before any offset. */
    public static long physicalCount() {
        return System.nanoTime() / TICK_NANOS;
    }

    /**
     * Starts a boot on a CPU: both timers off, and both counters made to start at zero (returns
     * the CNTVOFF_EL2 value the board must give the CPU; the physical counter's reads are trapped).
     */
    public long boot(CpuRegisters registers) {
        this.cpu = registers;
        physical.reset();
        virtualTimer.reset();
        bootCount = physicalCount();
        return bootCount;
    }

    /** The CPU of the boot is gone; nothing is mirrored any more. */
    public void detach() {
        this.cpu = null;
    }

    /**
     * An MSR to {@code encoding}: performs it when it is a timer register and returns true, else
     * returns false (the CPU performs it).
     */
    public boolean write(int encoding, long value) {
        if (encoding == CNTV_CTL || encoding == CNTP_CTL) {
            Timer t = encoding == CNTV_CTL ? virtualTimer : physical;
            t.ctl = (t.ctl & CTL_ISTATUS) | (int) (value & (CTL_ENABLE | CTL_IMASK));
            t.evaluate(true);
        } else if (encoding == CNTV_CVAL || encoding == CNTP_CVAL) {
            setCompare(encoding == CNTV_CVAL ? virtualTimer : physical, value);
        } else if (encoding == CNTV_TVAL || encoding == CNTP_TVAL) {
            Timer t = encoding == CNTV_TVAL ? virtualTimer : physical;
            // TimerValue is a signed 32-bit view: CVAL = count + sign-extended value.
            setCompare(t, t.count() + (int) value);
        } else {
            return false;
        }
        return true;
    }

    /**
     * A trapped MRS of {@code encoding}: the physical counter or one of the physical timer's
     * registers as the guest sees them, or empty when it is not one of those.
     */
    public OptionalLong read(int encoding) {
        if (encoding == CNTPCT) {
            return OptionalLong.of(physical.count());
        }
        if (encoding == CNTP_CTL) {
            physical.evaluate(false);
            return OptionalLong.of(physical.ctl);
        }
        if (encoding == CNTP_CVAL) {
            return OptionalLong.of(physical.cval);
        }
        if (encoding == CNTP_TVAL) {
            // TimerValue: the low 32 bits of CVAL - count, the upper half of the register RES0.
            return OptionalLong.of((physical.cval - physical.count()) & 0xFFFF_FFFFL);
        }
        return OptionalLong.empty();
    }

    private void setCompare(Timer t, long value) {
        t.cval = value;
        if (cpu != null) {
            cpu.write(t.cvalReg, value);
        }
        t.evaluate(false);
    }

    /** Re-evaluates both timers against the counter now (between runs of the engine). */
    public void poll() {
        physical.evaluate(false);
        virtualTimer.evaluate(false);
    }

    /** The host {@link System#nanoTime()} at which the next timer interrupt is due, or Long.MAX_VALUE. */
    public long nextDeadlineNanos() {
        return Math.min(physical.deadline(), virtualTimer.deadline());
    }

    /** Whether any timer is enabled (the guest may be waiting for one). */
    public boolean anyEnabled() {
        return ((physical.ctl | virtualTimer.ctl) & CTL_ENABLE) != 0;
    }
}
