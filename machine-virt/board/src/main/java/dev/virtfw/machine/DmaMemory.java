package dev.virtfw.machine;

import dev.virtfw.fwcfg.GuestAddress;
import dev.virtfw.fwcfg.GuestMemory;
import dev.virtfw.machine.bus.MmioBus;
import dev.virtfw.machine.bus.MmioDevice;
import dev.virtfw.machine.memory.GuestRam;
import dev.virtfw.machine.unicorn.MmioHandler;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Guest-physical memory as a device's DMA sees it (fw_cfg's, or a plug-in device's), QEMU's
 * {@code address_space_rw} for the virt board: RAM (the fast path, {@link GuestRam}), and outside
 * RAM the flash banks and the bus's devices, read and written in the access sizes QEMU's
 * {@code memory_access_size} picks (at most 4 bytes, no wider than the address's alignment, a power
 * of two, little-endian values). Bytes aimed at nothing are dropped (read as zero) and make the
 * transfer's ERROR. An access aimed at the DMA's own device is not performed (it reads as zero),
 * nor is any device access a DMA makes while it is itself inside a device access of a DMA (a DMA
 * that starts another device's DMA, which starts another...): each could recurse without end, and
 * the guest must not be able to exhaust the host's stack. QEMU 7.2 has no such guard.
 */
final class DmaMemory implements GuestMemory {
    /** QEMU's default widest access for a device region (valid.max_access_size 0 means 4). */
    static final int MAX_DEVICE_ACCESS = 4;
    private static final ValueLayout.OfInt LE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE_U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** How deep the board's DMAs are inside device accesses made by DMAs (shared by all of a board's views). */
    static final class Nesting {
        private int depth;
    }

    private final GuestRam ram;
    private final MmioBus bus;
    private final List<FlashBank> flash;
    private final Nesting nesting;
    private MmioDevice self;
    /** The bus's devices, a refusal swallowed: a device's refusal is the device's business, the DMA goes on. */
    private final MmioHandler busPort = new MmioHandler() {
        @Override
        public long read(long address, int size) {
            if (nesting.depth > 0) {
                return 0;
            }
            nesting.depth++;
            try {
                return bus.read(address, size);
            } catch (RuntimeException refused) {
                return 0;
            } finally {
                nesting.depth--;
            }
        }

        @Override
        public void write(long address, int size, long value) {
            if (nesting.depth > 0) {
                return;
            }
            nesting.depth++;
            try {
                bus.write(address, size, value);
            } catch (RuntimeException refused) {
                // not performed
            } finally {
                nesting.depth--;
            }
        }
    };
    /** An access aimed at the fw_cfg device itself: not performed, reads as zero. */
    private static final MmioHandler NOT_PERFORMED = new MmioHandler() {
        @Override
        public long read(long address, int size) {
            return 0;
        }

        @Override
        public void write(long address, int size, long value) {
        }
    };

    DmaMemory(GuestRam ram, MmioBus bus, List<FlashBank> flash) {
        this(ram, bus, flash, new Nesting());
    }

    /** A view for another device of the same board: the same map, the same guard against nesting. */
    DmaMemory(GuestRam ram, MmioBus bus, List<FlashBank> flash, Nesting nesting) {
        this.ram = ram;
        this.bus = bus;
        this.flash = flash;
        this.nesting = nesting;
    }

    /** Another view of the same board's memory map for another device's DMA. */
    DmaMemory forAnotherDevice() {
        return new DmaMemory(ram, bus, flash, nesting);
    }

    /** The device whose DMA this is: stores aimed at it are dropped. */
    void excludeSelf(MmioDevice device) {
        this.self = device;
    }

    @Override
    public long ramBytesAt(GuestAddress gpa, long length) {
        return ram.ramBytesAt(gpa, length);
    }

    @Override
    public MemorySegment slice(GuestAddress gpa, long length) {
        return ram.slice(gpa, length);
    }

    @Override
    public void copyToRam(MemorySegment src, long srcOffset, GuestAddress gpa, long length) {
        ram.copyToRam(src, srcOffset, gpa, length);
    }

    @Override
    public void copyFromRam(GuestAddress gpa, MemorySegment dst, long dstOffset, long length) {
        ram.copyFromRam(gpa, dst, dstOffset, length);
    }

    @Override
    public void written(GuestAddress gpa, long length) {
        ram.written(gpa, length);
    }

    @Override
    public Outside storeOutsideRam(GuestAddress gpa, MemorySegment data) {
        long address = gpa.value();
        int size = accessSize(address, data.byteSize());
        MmioHandler target = target(address, size, true);
        if (target == null) {
            return new Outside(unassignedRun(address, data.byteSize()), false);
        }
        long value = switch (size) {
            case 4 -> Integer.toUnsignedLong(data.get(LE_U32, 0));
            case 2 -> Short.toUnsignedLong(data.get(LE_U16, 0));
            default -> Byte.toUnsignedLong(data.get(ValueLayout.JAVA_BYTE, 0));
        };
        target.write(address, size, value);
        return new Outside(size, true);
    }

    @Override
    public Outside loadOutsideRam(GuestAddress gpa, MemorySegment into) {
        long address = gpa.value();
        int size = accessSize(address, into.byteSize());
        MmioHandler target = target(address, size, false);
        if (target == null) {
            long n = unassignedRun(address, into.byteSize());
            into.asSlice(0, n).fill((byte) 0);
            return new Outside(n, false);
        }
        long value = target.read(address, size);
        switch (size) {
            case 4 -> into.set(LE_U32, 0, (int) value);
            case 2 -> into.set(LE_U16, 0, (short) value);
            default -> into.set(ValueLayout.JAVA_BYTE, 0, (byte) value);
        }
        return new Outside(size, true);
    }

    /**
     * Where an access of {@code size} bytes at {@code address} goes: a flash bank, a device on the
     * bus ({@link #NOT_PERFORMED} for the fw_cfg device itself), or null when nothing is mapped.
     * A refusal by the flash or a device is theirs: the access is simply not performed.
     */
    private MmioHandler target(long address, int size, boolean isWrite) {
        for (FlashBank bank : flash) {
            if (bank.contains(address) && bank.contains(address + size - 1)) {
                return new MmioHandler() {
                    @Override
                    public long read(long a, int n) {
                        try {
                            return bank.device().read(a - bank.base(), n);
                        } catch (IllegalArgumentException refused) {
                            return 0;
                        }
                    }

                    @Override
                    public void write(long a, int n, long value) {
                        try {
                            bank.device().write(a - bank.base(), n, value);
                        } catch (IllegalArgumentException refused) {
                            // the flash ignores what it cannot take, as QEMU's pflash does
                        }
                    }
                };
            }
        }
        MmioDevice d = bus.deviceFor(address, size, isWrite);
        if (d == null) {
            return null;
        }
        return d == self ? NOT_PERFORMED : busPort;
    }

    /** How many bytes from {@code address} (at most {@code limit}, at least 1) nothing is mapped at: up to the next 4 KiB boundary or device. */
    private long unassignedRun(long address, long limit) {
        long toPage = PAGE - (address & (PAGE - 1));
        long next = bus.nextDeviceAfter(address);
        long gap = next > address ? Math.min(toPage, next - address) : toPage;
        return Math.max(1, Math.min(gap, limit));
    }

    /** QEMU's memory_access_size for a device region: min(length, 4, alignment), a power of two. */
    static int accessSize(long address, long length) {
        long l = Math.min(length, MAX_DEVICE_ACCESS);
        long align = address & -address;
        if (align != 0 && align < l) {
            l = align;
        }
        return (int) Long.highestOneBit(l);
    }
}
