package dev.virtfw.machine.devices;

import dev.virtfw.devicetree.Cell;
import dev.virtfw.devicetree.Node;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioWindow;
import dev.virtfw.machine.irq.Spi;

/**
 * Arm PrimeCell General Purpose Input/Output PL061 (ARM DDI 0190, "PrimeCell GPIO (PL061)
 * Technical Reference Manual"), the Arm flavour of QEMU 7.2's {@code hw/gpio/pl061.c}: eight pins,
 * the data register read and written through an address mask (offset bits 9:2 select the pins a
 * GPIODATA access touches; a write changes only pins that are outputs), direction, interrupt sense,
 * both-edges, event, mask, raw and masked status, clear, and alternate function select. The
 * combined interrupt GPIOINTR drives the SPI the board wires (SPI 7 on virt).
 *
 * <p>Interrupt detection follows QEMU's model: an input pin whose value changed latches an edge
 * interrupt (any edge with GPIOIBE, otherwise the edge GPIOIEV selects), and every pin in level
 * mode whose data equals its GPIOIEV bit latches its status again on each update, so clearing a
 * level interrupt whose condition holds sets it once more. Nothing is wired to the outputs; pin 3
 * is the input of QEMU's power key ({@link #setInput}).
 */
public final class Pl061 extends MmioWindow {
    /** QEMU's virt window size for the GPIO controller. */
    public static final long SIZE = 0x1000;
    /** QEMU's virt with an MSI controller (its default): the phandle of the pl061 node, which gpio-keys refers to; one less without. */
    public static final int PHANDLE = 0x8004;
    /** The pin QEMU's gpio-keys poweroff key is wired to. */
    public static final int POWER_KEY_PIN = 3;
    /** KEY_POWER (Linux input-event-codes.h), the code of the poweroff key. */
    static final int KEY_POWER = 116;

    // Register offsets (TRM 3.2, table 3-1).
    static final int GPIODATA_END = 0x400;   // 0x000-0x3FC: data through the address mask
    static final int GPIODIR = 0x400;
    static final int GPIOIS = 0x404;
    static final int GPIOIBE = 0x408;
    static final int GPIOIEV = 0x40C;
    static final int GPIOIE = 0x410;
    static final int GPIORIS = 0x414;
    static final int GPIOMIS = 0x418;
    static final int GPIOIC = 0x41C;
    static final int GPIOAFSEL = 0x420;

    static final int PINS = 0xFF;
    /** GPIOPeriphID4-7 (reserved, 0), GPIOPeriphID0-3, GPIOPCellID0-3 (TRM 3.3.11-3.3.13). */
    private static final PrimeCellId ID = new PrimeCellId(0xFD0,
            0x00, 0x00, 0x00, 0x00, 0x61, 0x10, 0x04, 0x00, 0x0D, 0xF0, 0x05, 0xB1);

    private final Spi irq;
    private int data;
    /** The data register as the last update saw it, for input edges. */
    private int oldInData;
    private int dir;
    private int isense;
    private int ibe;
    private int iev;
    private int im;
    private int istate;
    private int afsel;

    public Pl061(long base, Spi irq) {
        super("pl061", base, SIZE);
        this.irq = irq;
        reset();
    }

    @Override
    public long read(long offset, int size) {
        if (offset < GPIODATA_END) {
            return data & mask(offset);
        }
        return switch ((int) offset) {
            case GPIODIR -> dir;
            case GPIOIS -> isense;
            case GPIOIBE -> ibe;
            case GPIOIEV -> iev;
            case GPIOIE -> im;
            case GPIORIS -> istate;
            case GPIOMIS -> istate & im;
            case GPIOAFSEL -> afsel;
            default -> ID.covers(offset) ? ID.read(offset) : 0;   // GPIOIC is write-only; the rest reserved
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        int v = (int) value;
        if (offset < GPIODATA_END) {
            int m = mask(offset) & dir;
            data = (data & ~m) | (v & m);
            update();
            return;
        }
        switch ((int) offset) {
            case GPIODIR -> dir = v & PINS;
            case GPIOIS -> isense = v & PINS;
            case GPIOIBE -> ibe = v & PINS;
            case GPIOIEV -> iev = v & PINS;
            case GPIOIE -> im = v & PINS;
            case GPIOIC -> istate &= ~v;
            // GPIOAFSEL under QEMU's commit mask, all ones on the Arm PL061
            case GPIOAFSEL -> afsel = v & PINS;
            default -> {
                return;   // reserved or read-only: ignored, no update
            }
        }
        update();
    }

    /** Drives input pin {@code pin} (ignored while the pin is an output), as a wired source does. */
    public void setInput(int pin, boolean level) {
        int bit = 1 << pin;
        if ((dir & bit) == 0) {
            data = level ? data | bit : data & ~bit;
            update();
        }
    }

    @Override
    public void reset() {
        data = 0;
        oldInData = 0;
        dir = 0;
        isense = 0;
        ibe = 0;
        iev = 0;
        im = 0;
        istate = 0;
        afsel = 0;
        irq.line().set(false);
    }

    /** The pins a GPIODATA access at {@code offset} selects: address bits 9:2. */
    private static int mask(long offset) {
        return (int) (offset >> 2) & PINS;
    }

    /** QEMU's pl061_update for the inputs and the interrupt output. */
    private void update() {
        int changed = (oldInData ^ data) & ~dir & PINS;
        if (changed != 0) {
            oldInData = data;
            int edgeMode = changed & ~isense;
            istate |= edgeMode & ibe;                          // any edge
            istate |= edgeMode & ~ibe & ~(data ^ iev);         // the edge GPIOIEV selects
        }
        istate |= ~(data ^ iev) & isense;                      // level: the pin is at its GPIOIEV level
        irq.line().set((istate & im) != 0);
    }

    /** The pl061 node and QEMU's gpio-keys node with its poweroff key on pin 3 (gpio-keys first, as QEMU's tree has them). */
    @Override
    public void addDeviceTreeNode(DeviceTreeContext context) {
        Node keys = context.parent().addChild("gpio-keys");
        keys.putString("compatible", "gpio-keys");
        Node poweroff = keys.addChild("poweroff");

        Node node = context.parent().addChild("pl061@" + Long.toHexString(base()));
        node.putU32("phandle", context.firstFreePhandle());
        node.putString("clock-names", "apb_pclk");
        node.putReference("clocks", context.apbClock());
        node.putU32("interrupts", irq.cells(Spi.FDT_LEVEL_HIGH));
        node.putEmpty("gpio-controller");
        node.putU32("#gpio-cells", 2);
        node.putString("compatible", "arm,pl061", "arm,primecell");
        node.putU64("reg", base(), SIZE);

        // GPIO_ACTIVE_HIGH (0)
        poweroff.putCells("gpios", Cell.ref(node), Cell.u32(POWER_KEY_PIN), Cell.u32(0));
        poweroff.putU32("linux,code", KEY_POWER);
        poweroff.putString("label", "GPIO Key Poweroff");
    }
}
