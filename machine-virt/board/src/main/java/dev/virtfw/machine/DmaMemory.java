package dev.virtfw.machine;

import dev.virtfw.fwcfg.GuestAddress;
import dev.virtfw.fwcfg.GuestMemory;
import dev.virtfw.machine.bus.MmioBus;
import dev.virtfw.machine.bus.MmioDevice;
import dev.virtfw.machine.memory.GuestRam;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Guest-physical memory as a DMA of the board's fw_cfg sees it, QEMU's {@code address_space_rw}
 * for the virt board: RAM (the fast path, {@link GuestRam}), and outside RAM the flash banks and
 * the bus's devices, read and written in the access sizes QEMU's {@code memory_access_size} picks (at most
 * 4 bytes, no wider than the address's alignment, a power of two, little-endian values). Bytes
 * aimed at nothing are dropped (read as zero) and make the transfer's ERROR. An access aimed at the
 * fw_cfg device itself is not performed (it reads as zero): it could start a DMA inside a DMA.
 */
final class DmaMemory implements GuestMemory {
    /** QEMU's default widest access for a device region (valid.max_access_size 0 means 4). */
    static final int MAX_DEVICE_ACCESS = 4;
    private static final ValueLayout.OfInt LE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE_U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final GuestRam ram;
    private final MmioBus bus;
    private final List<FlashBank> flash;
    private MmioDevice self;

    DmaMemory(GuestRam ram, MmioBus bus, List<FlashBank> flash) {
        this.ram = ram;
        this.bus = bus;
        this.flash = flash;
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
    public void written(GuestAddress gpa, long length) {
        ram.written(gpa, length);
    }

    @Override
    public Outside storeOutsideRam(GuestAddress gpa, MemorySegment data) {
        long address = gpa.value();
        int size = accessSize(address, data.byteSize());
        long value = switch (size) {
            case 4 -> Integer.toUnsignedLong(data.get(LE_U32, 0));
            case 2 -> Short.toUnsignedLong(data.get(LE_U16, 0));
            default -> Byte.toUnsignedLong(data.get(ValueLayout.JAVA_BYTE, 0));
        };
        for (FlashBank bank : flash) {
            if (bank.contains(address) && bank.contains(address + size - 1)) {
                try {
                    bank.device().write(address - bank.base(), size, value);
                } catch (IllegalArgumentException refused) {
                    // the flash ignores what it cannot take, as QEMU's pflash does
                }
                return new Outside(size, true);
            }
        }
        MmioDevice d = bus.deviceFor(address, size, true);
        if (d != null) {
            if (d != self) {
                try {
                    bus.write(address, size, value);
                } catch (RuntimeException refused) {
                    // a device's refusal is the device's business; the DMA goes on
                }
            }
            return new Outside(size, true);
        }
        // Nothing here: drop up to the next 4 KiB boundary or the next device, whichever is first.
        long toPage = PAGE - (address & (PAGE - 1));
        long next = bus.nextDeviceAfter(address);
        long gap = next > address ? Math.min(toPage, next - address) : toPage;
        return new Outside(Math.max(1, Math.min(gap, data.byteSize())), false);
    }

    @Override
    public Outside loadOutsideRam(GuestAddress gpa, MemorySegment into) {
        long address = gpa.value();
        int size = accessSize(address, into.byteSize());
        Long value = null;
        for (FlashBank bank : flash) {
            if (bank.contains(address) && bank.contains(address + size - 1)) {
                try {
                    value = bank.device().read(address - bank.base(), size);
                } catch (IllegalArgumentException refused) {
                    value = 0L;
                }
            }
        }
        if (value == null) {
            MmioDevice d = bus.deviceFor(address, size, false);
            if (d != null) {
                try {
                    value = d == self ? 0L : bus.read(address, size);
                } catch (RuntimeException refused) {
                    value = 0L;
                }
            }
        }
        if (value == null) {
            long toPage = PAGE - (address & (PAGE - 1));
            long next = bus.nextDeviceAfter(address);
            long gap = next > address ? Math.min(toPage, next - address) : toPage;
            long n = Math.max(1, Math.min(gap, into.byteSize()));
            into.asSlice(0, n).fill((byte) 0);
            return new Outside(n, false);
        }
        switch (size) {
            case 4 -> into.set(LE_U32, 0, value.intValue());
            case 2 -> into.set(LE_U16, 0, value.shortValue());
            default -> into.set(ValueLayout.JAVA_BYTE, 0, value.byteValue());
        }
        return new Outside(size, true);
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
