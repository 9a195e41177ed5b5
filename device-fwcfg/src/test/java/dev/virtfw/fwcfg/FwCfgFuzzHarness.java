package dev.virtfw.fwcfg;

import static dev.virtfw.fwcfg.FwCfgSpec.*;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * Drives a device over a small guest RAM with a sequence of register accesses and DMA descriptors
 * chosen by a {@link Source} (Jazzer's input or a seeded random generator), and checks after every
 * step that:
 * <ul>
 * <li>no exception escapes the device;</li>
 * <li>nothing outside the RAM segment changed (guard bytes);</li>
 * <li>a DMA READ changed no byte of RAM outside [address, address + length) and the descriptor's
 *     control field, and any other DMA changed nothing but that control field;</li>
 * <li>the control word read back is 0 or has ERROR set (ERROR alone, in fact);</li>
 * <li>a refused register access changed nothing and a refused read returned 0.</li>
 * </ul>
 * A broken invariant throws {@link AssertionError} with the step that broke it.
 */
final class FwCfgFuzzHarness implements AutoCloseable {
    /** Where the choices come from. */
    interface Source {
        /** A number in [0, bound). */
        int pick(int bound);

        /** Any 64-bit value. */
        long any();

        /** Whether another step should run. */
        boolean more();
    }

    static Source random(long seed, int steps) {
        SplittableRandom random = new SplittableRandom(seed);
        return new Source() {
            int left = steps;

            @Override
            public int pick(int bound) {
                return random.nextInt(bound);
            }

            @Override
            public long any() {
                return random.nextLong();
            }

            @Override
            public boolean more() {
                return left-- > 0;
            }
        };
    }

    static final long RAM_SIZE = 64 * 1024;
    private static final int[] WIDTHS = {1, 2, 4, 8, 1, 2, 4, 8, 3, 0, 16};
    private static final int[] KEYS = {FW_CFG_SIGNATURE, FW_CFG_ID, FW_CFG_FILE_DIR, FW_CFG_KERNEL_DATA,
        FW_CFG_FILE_FIRST, FW_CFG_FILE_FIRST + 1, FW_CFG_FILE_FIRST + 2, 0x3F, 0x40, 0x3FFF, 0x4001, 0x8000, 0xFFFF};
    private static final long[] ODD_ADDRESSES = {0, 0x0902_0000L, -1L, -8L, -16L, Long.MIN_VALUE, 0x3FFF_FFF8L};
    private static final long[] ODD_LENGTHS = {0, 1, 15, 16, 300, 0xFFFF, 0x10000, 0xFFFF_FFFFL, 0x8000_0000L};

    final GuardedRam ram;
    final FwCfgDevice device;
    private final Guest guest;
    private final MemorySegment before = MemorySegment.ofArray(new byte[(int) RAM_SIZE]);
    private int step;
    long dmaRuns;

    FwCfgFuzzHarness() {
        ram = new GuardedRam(RAM_SIZE);
        FwCfgItems items = FwCfgItems.create()
                .addBytes(FW_CFG_KERNEL_DATA, FwCfgConformanceTest.pattern(3000))
                .addFile("etc/pattern", FwCfgConformanceTest.pattern(70))
                .addFile("etc/empty", new byte[0]);
        items.addWritableFile("etc/writable", new byte[40], (item, offset, length) -> {
            if (offset < 0 || length <= 0 || offset + length > item.size()) {
                throw new AssertionError("write callback outside the item: " + offset + "+" + length);
            }
        });
        device = new FwCfgDevice(items, ram);
        guest = new Guest(device, ram);
    }

    /** Runs steps until the source has no more. */
    void run(Source source) {
        while (source.more()) {
            step++;
            switch (source.pick(6)) {
                case 0, 1 -> registerAccess(source);
                case 2 -> guest.select(KEYS[source.pick(KEYS.length)]);
                case 3, 4 -> dma(source);
                default -> guest.data(WIDTHS[source.pick(4)]);
            }
            check(ram.guardsIntact(), "bytes outside guest RAM changed");
        }
    }

    private void registerAccess(Source source) {
        long offset = source.pick(8) == 0 ? source.any() : source.pick(0x20);
        int size = WIDTHS[source.pick(WIDTHS.length)];
        boolean write = source.pick(2) == 0;
        long value = source.any();
        boolean accepted = device.accepts(offset, size, write);
        snapshot();
        if (write) {
            device.write(offset, size, value);
        } else {
            long got = device.read(offset, size);
            check(accepted || got == 0, "a refused read returned " + got);
        }
        if (!accepted || !write) {
            // Reads and refused writes never start a DMA: RAM is unchanged.
            checkChangedOnlyWithin(0, 0, -1);
        }
    }

    private void dma(Source source) {
        long descriptor = switch (source.pick(5)) {
            case 0 -> ram.end() - 16 + source.pick(24) - 8; // around the end of RAM
            case 1 -> ODD_ADDRESSES[source.pick(ODD_ADDRESSES.length)];
            default -> ram.base + source.pick((int) RAM_SIZE);
        };
        int control = source.pick(4) == 0 ? (int) source.any()
                : KEYS[source.pick(KEYS.length)] << 16 | source.pick(0x20);
        long length = source.pick(3) == 0 ? ODD_LENGTHS[source.pick(ODD_LENGTHS.length)] : source.pick(512);
        long address = switch (source.pick(6)) {
            case 0 -> ODD_ADDRESSES[source.pick(ODD_ADDRESSES.length)];
            case 1 -> ram.end() - source.pick(600);
            case 2 -> descriptor + source.pick(32) - 16; // overlapping the descriptor
            case 3 -> source.any();
            default -> ram.base + source.pick((int) RAM_SIZE);
        };
        boolean descriptorInRam = ram.ramBytesAt(descriptor, 16) == 16;
        if (descriptorInRam) {
            ram.descriptor(descriptor, control, (int) length, address);
        }
        snapshot();
        if (source.pick(2) == 0) {
            guest.trigger64(descriptor);
        } else {
            guest.triggerSplit(descriptor);
        }
        dmaRuns++;
        long controlField = ram.ramBytesAt(descriptor, 4) == 4 ? descriptor : 0;
        boolean read = descriptorInRam && (control & FW_CFG_DMA_CTL_READ) != 0;
        if (read) {
            checkChangedOnlyWithin(address, length, controlField);
        } else {
            checkChangedOnlyWithin(0, 0, controlField);
        }
        if (controlField != 0) {
            int back = ram.be32(descriptor);
            check(back == 0 || back == FW_CFG_DMA_CTL_ERROR, String.format("control read back 0x%x", back));
        }
    }

    private void snapshot() {
        MemorySegment.copy(ram.ram, 0, before, 0, RAM_SIZE);
    }

    /** Every RAM byte that differs from the snapshot lies in [from, from+length) or the 4 bytes at control. */
    private void checkChangedOnlyWithin(long from, long length, long control) {
        long i = -1;
        while (true) {
            long start = i + 1;
            long at = MemorySegment.mismatch(ram.ram, start, RAM_SIZE, before, start, RAM_SIZE);
            if (at < 0) {
                return;
            }
            i = start + at;
            long gpa = ram.base + i;
            boolean inTarget = Long.compareUnsigned(gpa - from, length) < 0;
            boolean inControl = control != 0 && Long.compareUnsigned(gpa - control, 4) < 0;
            check(inTarget || inControl, String.format(
                    "byte at 0x%x changed outside the transfer 0x%x+0x%x and the control field", gpa, from, length));
        }
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("step " + step + ": " + what);
        }
    }

    @Override
    public void close() {
        device.close();
        ram.close();
    }
}
