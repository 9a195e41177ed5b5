package dev.virtfw.machine.devices;

import dev.virtfw.devicetree.Node;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioWindow;
import dev.virtfw.machine.irq.Spi;
import java.time.InstantSource;

/**
 * Arm PrimeCell Real Time Clock PL031 (ARM DDI 0224, "PrimeCell Real Time Clock (PL031) Technical
 * Reference Manual"), as QEMU 7.2's {@code hw/rtc/pl031.c} models it on the virt board: the
 * counter is the host's time in seconds since the epoch plus an offset that a write of the load
 * register moves (QEMU's default {@code -rtc base=utc,clock=host}); the match register raises the
 * raw interrupt when the counter reaches it; the counter is always enabled (RTCCR reads 1 and
 * ignores writes). Registers the TRM names but QEMU does not answer read as zero and ignore
 * writes.
 *
 * <p>The match interrupt is evaluated whenever the guest touches the device and when the board
 * {@link #poll polls} it; the virt board wires it to SPI 2.
 */
public final class Pl031 extends MmioWindow {
    /** QEMU's virt window size for the RTC. */
    public static final long SIZE = 0x1000;

    // Register offsets (TRM 3.2, table 3-1).
    static final int RTCDR = 0x00;
    static final int RTCMR = 0x04;
    static final int RTCLR = 0x08;
    static final int RTCCR = 0x0C;
    static final int RTCIMSC = 0x10;
    static final int RTCRIS = 0x14;
    static final int RTCMIS = 0x18;
    static final int RTCICR = 0x1C;

    /** RTCPeriphID0-3, RTCPCellID0-3 (TRM 3.3.9-3.3.10), as QEMU's pl031 reports them. */
    private static final PrimeCellId ID = new PrimeCellId(0xFE0, 0x31, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** No alarm armed. */
    private static final long NO_ALARM = Long.MAX_VALUE;

    private final InstantSource clock;
    private final Spi irq;
    /** Counter value minus the host's seconds since the epoch (QEMU's tick_offset, 32-bit arithmetic). */
    private int tickOffset;
    private int mr;
    private int lr;
    private int im;
    private int is;
    /** Host time in nanoseconds since the epoch at which the counter reaches the match value. */
    private long alarmAtNanos = NO_ALARM;

    /** An RTC at {@code base} that reads {@code clock} and drives {@code irq}. */
    public Pl031(long base, InstantSource clock, Spi irq) {
        super("pl031", base, SIZE);
        this.clock = clock;
        this.irq = irq;
        reset();
    }

    @Override
    public long read(long offset, int size) {
        poll();
        return switch ((int) offset) {
            case RTCDR -> count(nowNanos()) & 0xFFFF_FFFFL;
            case RTCMR -> mr & 0xFFFF_FFFFL;
            case RTCLR -> lr & 0xFFFF_FFFFL;
            case RTCCR -> 1;            // always enabled
            case RTCIMSC -> im;
            case RTCRIS -> is;
            case RTCMIS -> is & im;
            default -> ID.covers(offset) ? ID.read(offset) : 0;   // RTCICR is write-only: reads 0
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        poll();
        int v = (int) value;
        switch ((int) offset) {
            case RTCLR -> {
                lr = v;
                tickOffset += v - count(nowNanos());
                armAlarm();
            }
            case RTCMR -> {
                mr = v;
                armAlarm();
            }
            case RTCIMSC -> {
                im = v & 1;
                update();
            }
            case RTCICR -> {
                is &= ~v;
                update();
            }
            default -> { }             // RTCCR ignores writes; RTCDR, RTCRIS, RTCMIS are read-only
        }
    }

    /** Raises the match interrupt if the counter has reached the match value since it was armed. */
    public void poll() {
        if (alarmAtNanos != NO_ALARM && nowNanos() >= alarmAtNanos) {
            alarmAtNanos = NO_ALARM;
            raise();
        }
    }

    /** When the armed match fires, in host nanoseconds since the epoch ({@link Long#MAX_VALUE}: none). */
    public long alarmAtNanos() {
        return alarmAtNanos;
    }

    /** The host {@link System#nanoTime()} at which the armed match fires, or {@link Long#MAX_VALUE}. */
    public long nextDeadlineNanos() {
        return alarmAtNanos == NO_ALARM ? Long.MAX_VALUE : System.nanoTime() + Math.max(0, alarmAtNanos - nowNanos());
    }

    @Override
    public void reset() {
        // QEMU sets tick_offset once at creation (host time minus the RTC clock: 0 with clock=host)
        // and keeps the counter running across a system reset; the registers keep their values too.
        update();
    }

    /**
     * QEMU's pl031_set_alarm: the seconds to the match, in 32-bit wrapping arithmetic; a match now
     * raises the interrupt at once, otherwise it fires that many seconds from now.
     */
    private void armAlarm() {
        long now = nowNanos();
        int ticks = mr - count(now);
        if (ticks == 0) {
            alarmAtNanos = NO_ALARM;
            raise();
        } else {
            alarmAtNanos = now + Integer.toUnsignedLong(ticks) * NANOS_PER_SECOND;
        }
    }

    private void raise() {
        is = 1;
        update();
    }

    private void update() {
        irq.line().set((is & im) != 0);
    }

    private int count(long nowNanos) {
        return tickOffset + (int) (nowNanos / NANOS_PER_SECOND);
    }

    private long nowNanos() {
        var t = clock.instant();
        return t.getEpochSecond() * NANOS_PER_SECOND + t.getNano();
    }

    @Override
    public void addDeviceTreeNode(DeviceTreeContext context) {
        Node node = context.parent().addChild("pl031@" + Long.toHexString(base()));
        node.putString("clock-names", "apb_pclk");
        node.putReference("clocks", context.apbClock());
        node.putU32("interrupts", irq.cells(Spi.FDT_LEVEL_HIGH));
        node.putU64("reg", base(), SIZE);
        node.putString("compatible", "arm,pl031", "arm,primecell");
    }
}
