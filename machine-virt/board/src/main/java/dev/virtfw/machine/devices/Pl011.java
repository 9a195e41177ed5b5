package dev.virtfw.machine.devices;

import dev.virtfw.devicetree.Cell;
import dev.virtfw.devicetree.Node;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioDevice;
import dev.virtfw.machine.console.Console;
import dev.virtfw.machine.console.ConsoleInput;
import dev.virtfw.machine.irq.InterruptLine;
import java.util.ArrayDeque;

/**
 * ARM PrimeCell UART PL011 (ARM DDI 0183, "PrimeCell UART (PL011) Technical Reference Manual").
 * Transmission is immediate (the console takes the byte), so the transmit FIFO is always empty and
 * never busy; received bytes are pulled from the console input into a FIFO of 32 entries (1 when
 * the FIFOs are disabled, LCR_H.FEN = 0), and the flag register reports both sides as they are.
 * The control registers hold what the guest writes; RIS/MIS/ICR keep the raw status as the TRM
 * describes, and the combined interrupt (UARTINTR: any masked status bit set) drives the
 * interrupt line the board connects (SPI 1 on the virt board). The board calls {@link #pollInput}
 * between runs of the guest, so received bytes raise the receive interrupt without a guest read.
 */
public final class Pl011 implements MmioDevice {
    /** QEMU's virt window size for the UART. */
    public static final long SIZE = 0x1000;

    // Register offsets (TRM section 3.2, table 3-1).
    static final int UARTDR = 0x000;
    static final int UARTRSR = 0x004;
    static final int UARTFR = 0x018;
    static final int UARTILPR = 0x020;
    static final int UARTIBRD = 0x024;
    static final int UARTFBRD = 0x028;
    static final int UARTLCR_H = 0x02C;
    static final int UARTCR = 0x030;
    static final int UARTIFLS = 0x034;
    static final int UARTIMSC = 0x038;
    static final int UARTRIS = 0x03C;
    static final int UARTMIS = 0x040;
    static final int UARTICR = 0x044;
    static final int UARTDMACR = 0x048;
    static final int UARTPERIPHID0 = 0xFE0;

    // UARTFR bits (TRM 3.3.3).
    static final int FR_BUSY = 1 << 3;
    static final int FR_RXFE = 1 << 4;
    static final int FR_TXFF = 1 << 5;
    static final int FR_RXFF = 1 << 6;
    static final int FR_TXFE = 1 << 7;

    // Interrupt bits (TRM 3.3.10-3.3.14).
    static final int INT_RX = 1 << 4;
    static final int INT_TX = 1 << 5;
    static final int INT_ALL = 0x7FF;

    static final int LCR_H_FEN = 1 << 4;
    static final int FIFO_DEPTH = 32;

    // Reset values (TRM table 3-1).
    static final int CR_RESET = 0x300;
    static final int IFLS_RESET = 0x12;

    /** UARTPeriphID0-3 then UARTPCellID0-3 (TRM 3.3.15-3.3.16), as QEMU's pl011 reports them. */
    private static final PrimeCellId ID = new PrimeCellId(UARTPERIPHID0, 0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1);

    private final long base;
    private final Console console;
    private final ArrayDeque<Integer> rxFifo = new ArrayDeque<>();
    private int ilpr;
    private int ibrd;
    private int fbrd;
    private int lcrH;
    private int cr;
    private int ifls;
    private int imsc;
    private int ris;
    private int dmacr;

    private final InterruptLine line;
    private boolean lineLevel;

    public Pl011(long base, Console console) {
        this(base, console, InterruptLine.NONE);
    }

    public Pl011(long base, Console console, InterruptLine line) {
        this.base = base;
        this.console = console;
        this.line = line;
        reset();
    }

    /** Takes waiting console input into the receive FIFO and updates the interrupt line. */
    public void pollInput() {
        if (rxFifo.size() < capacity()) {
            fill(false);
        }
        updateLine();
    }

    /** Shows everything the guest wrote (the board calls it when the guest goes idle). */
    public void flushOutput() {
        console.output().flush();
    }

    private void updateLine() {
        boolean level = (ris & imsc) != 0;
        if (level != lineLevel) {
            lineLevel = level;
            line.set(level);
        }
    }

    @Override
    public String name() {
        return "pl011";
    }

    @Override
    public long base() {
        return base;
    }

    @Override
    public long size() {
        return SIZE;
    }

    @Override
    public void reset() {
        rxFifo.clear();
        ilpr = 0;
        ibrd = 0;
        fbrd = 0;
        lcrH = 0;
        cr = CR_RESET;
        ifls = IFLS_RESET;
        imsc = 0;
        ris = 0;
        dmacr = 0;
        updateLine();
    }

    @Override
    public long read(long offset, int size) {
        int shift = (int) (offset & 3) * 8;
        long value = Integer.toUnsignedLong(register((int) (offset & ~3L))) >>> shift;
        updateLine();
        return value;
    }

    private int register(int reg) {
        return switch (reg) {
            case UARTDR -> receive();
            case UARTRSR -> 0; // no framing, parity, break or overrun errors
            case UARTFR -> flags();
            case UARTILPR -> ilpr;
            case UARTIBRD -> ibrd;
            case UARTFBRD -> fbrd;
            case UARTLCR_H -> lcrH;
            case UARTCR -> cr;
            case UARTIFLS -> ifls;
            case UARTIMSC -> imsc;
            case UARTRIS -> rawStatus();
            case UARTMIS -> rawStatus() & imsc;
            case UARTDMACR -> dmacr;
            default -> ID.covers(reg) ? ID.read(reg) : 0;
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        if ((offset & 3) != 0) {
            return; // only the low lanes of the registers hold anything
        }
        int v = (int) value;
        switch ((int) offset) {
            case UARTDR -> transmit(v & 0xFF);
            case UARTRSR -> { } // write clears the (always clear) error bits
            case UARTILPR -> ilpr = v & 0xFF;
            case UARTIBRD -> ibrd = v & 0xFFFF;
            case UARTFBRD -> fbrd = v & 0x3F;
            case UARTLCR_H -> setLineControl(v & 0xFF);
            case UARTCR -> cr = v & 0xFFFF;
            case UARTIFLS -> ifls = v & 0x3F;
            case UARTIMSC -> imsc = v & INT_ALL;
            case UARTICR -> ris &= ~(v & INT_ALL);
            case UARTDMACR -> dmacr = v & 0x7;
            default -> { } // read-only or reserved: ignored, as QEMU does
        }
        updateLine();
    }

    private void setLineControl(int v) {
        boolean fifoWasOn = (lcrH & LCR_H_FEN) != 0;
        lcrH = v;
        if (fifoWasOn && (v & LCR_H_FEN) == 0) {
            // Leaving FIFO mode keeps only the holding register's byte.
            while (rxFifo.size() > 1) {
                rxFifo.removeLast();
            }
        }
    }

    private void transmit(int b) {
        console.output().write(b);
        ris |= INT_TX; // the transmit FIFO is empty again at once
    }

    private int receive() {
        fill();
        Integer b = rxFifo.poll();
        if (rxFifo.isEmpty()) {
            ris &= ~INT_RX;
        }
        return b == null ? 0 : b;
    }

    private int flags() {
        fill();
        int fr = FR_TXFE; // transmit: always empty, never full, never busy
        if (rxFifo.isEmpty()) {
            fr |= FR_RXFE;
        }
        if (rxFifo.size() >= capacity()) {
            fr |= FR_RXFF;
        }
        return fr;
    }

    private int rawStatus() {
        fill();
        return ris;
    }

    private int capacity() {
        return (lcrH & LCR_H_FEN) != 0 ? FIFO_DEPTH : 1;
    }

    /** Moves waiting input into the receive FIFO; when there is none, the guest waits: show its output. */
    private void fill() {
        fill(true);
    }

    private void fill(boolean flushWhenEmpty) {
        while (rxFifo.size() < capacity()) {
            int b = console.input().poll();
            if (b == ConsoleInput.NONE) {
                if (flushWhenEmpty) {
                    console.output().flush();
                }
                return;
            }
            rxFifo.add(b & 0xFF);
            ris |= INT_RX;
        }
    }

    /** Adds {@code pl011@<base>} as QEMU's virt board does (hw/arm/virt.c create_uart). */
    @Override
    public void addDeviceTreeNode(DeviceTreeContext context) {
        Node node = context.parent().addChild("pl011@" + Long.toHexString(base));
        node.putString("clock-names", "uartclk", "apb_pclk");
        node.putCells("clocks", Cell.ref(context.apbClock()),
                Cell.ref(context.apbClock()));
        // GIC_FDT_IRQ_TYPE_SPI, SPI 1 (VIRT_UART), GIC_FDT_IRQ_FLAGS_LEVEL_HI
        node.putU32("interrupts", 0, 1, 4);
        node.putU64("reg", base, SIZE);
        node.putString("compatible", "arm,pl011", "arm,primecell");
    }
}
