package dev.virtfw.fwcfg;

import static dev.virtfw.fwcfg.FwCfgSpec.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Runs the device's guest-facing paths (selector writes, data register reads of every width, DMA
 * READ and SKIP started by one 8-byte or two 4-byte address writes) on a private device, so that
 * class loading, initialisation and the linkage of the memory-access method handles are done
 * before a guest's first access. One round is what a board uses (~1 ms, on a start-up thread):
 * ./virt --bench measured the run's first 1 MiB DMA at ~1800 MiB/s without it and ~2650 with it.
 * Many rounds also get the paths JIT-compiled, but that CPU time (~80 ms) cost more in a real
 * boot on two cores than it saved (measured, and reverted).
 *
 * <p>Nothing is shared with a real device: the caller gives scratch memory that no guest sees.
 * Every transfer is checked, so a warm-up that does not do what the spec says fails loudly. No
 * trace events: it does nothing when a Flight Recorder exists (events would describe a device
 * that is not there).
 */
public final class FwCfgWarmUp {
    /** Scratch bytes the warm-up needs at {@code base}: a descriptor page and a 64 KiB target. */
    public static final long SCRATCH_BYTES = 68 * 1024;
    private static final String FILE = "warmup/blob";
    private static final int ITEM_BYTES = 48 * 1024;
    /** The descriptor's page at the start of the scratch; the READ target follows it. */
    private static final long DESCRIPTOR_PAGE = 4096;

    private FwCfgWarmUp() {}

    /**
     * Runs {@code rounds} rounds on a private device over {@code scratch}, which must hold
     * {@link #SCRATCH_BYTES} bytes of RAM at {@code base}.
     *
     * @return the number of DMA transfers done and checked (0 when a recorder exists)
     * @throws FwCfgWarmUpException the scratch is not wholly RAM (nothing written), or a transfer did
     *                              not do what the spec says
     */
    public static long run(GuestMemory scratch, GuestAddress base, int rounds) {
        if (scratch.ramBytesAt(base, SCRATCH_BYTES) < SCRATCH_BYTES) {
            throw FwCfgWarmUpException.scratchNotRam(base, SCRATCH_BYTES);
        }
        return Tracing.possible() ? 0 : rounds(scratch, base, rounds);
    }

    /** The rounds themselves, whether or not a recorder exists (tests run them beside JFR tests). */
    static long rounds(GuestMemory scratch, GuestAddress base, int rounds) {
        byte[] pattern = new byte[ITEM_BYTES];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 31 + (i >>> 8));
        }
        GuestAddress descriptor = base;
        GuestAddress target = base.plus(DESCRIPTOR_PAGE);
        long transfers = 0;
        try (FwCfgItems items = FwCfgItems.create().addFile(FILE, pattern);
                FwCfgDevice device = new FwCfgDevice(items, scratch)) {
            int key = items.files().stream().filter(f -> f.name().equals(FILE)).findFirst().orElseThrow().select();
            for (int round = 0; round < rounds; round++) {
                int length = 64 << (round % 10); // 64 B to 32 KiB
                // DMA: SELECT + READ, the address in two 4-byte halves (high, then low starts it).
                describe(scratch, descriptor, key << FW_CFG_DMA_CTL_SELECTOR_SHIFT | FW_CFG_DMA_CTL_SELECT
                        | FW_CFG_DMA_CTL_READ, length, target);
                long[] halves = Layouts.cpuToBe64Halves(descriptor.value());
                device.write(FW_CFG_DMA_ADDR_HIGH_OFFSET, Integer.BYTES, halves[0]);
                device.write(FW_CFG_DMA_ADDR_LOW_OFFSET, Integer.BYTES, halves[1]);
                check(scratch, descriptor, target, pattern, 0, length);
                // DMA: SKIP a little, then READ the next bytes, started by one 8-byte write.
                describe(scratch, descriptor, FW_CFG_DMA_CTL_SKIP, 8, new GuestAddress(0));
                device.write(FW_CFG_DMA_OFFSET, Long.BYTES, Layouts.cpuToBe64(descriptor.value()));
                describe(scratch, descriptor, FW_CFG_DMA_CTL_READ, 256, target);
                device.write(FW_CFG_DMA_OFFSET, Long.BYTES, Layouts.cpuToBe64(descriptor.value()));
                check(scratch, descriptor, target, pattern, length + 8, 256);
                transfers += 3;
                // Legacy: select by the big-endian selector register, read the data register (each
                // read advances the item's offset, so none can be optimised away).
                device.write(FW_CFG_CTL_OFFSET, Short.BYTES, Layouts.cpuToBe16(key));
                for (int i = 0; i < 16; i++) {
                    device.read(FW_CFG_DATA_OFFSET, Long.BYTES);
                    device.read(FW_CFG_DATA_OFFSET, 1);
                    device.read(FW_CFG_DATA_OFFSET, Integer.BYTES);
                    device.read(FW_CFG_DATA_OFFSET + Integer.BYTES, Integer.BYTES);
                }
                device.read(FW_CFG_DMA_OFFSET, Long.BYTES);
            }
        }
        return transfers;
    }

    private static void describe(GuestMemory m, GuestAddress at, int control, int length, GuestAddress address) {
        MemorySegment d = m.slice(at, FW_CFG_DMA_ACCESS_SIZE);
        d.set(Layouts.BE_U32, FW_CFG_DMA_ACCESS_CONTROL, control);
        d.set(Layouts.BE_U32, FW_CFG_DMA_ACCESS_LENGTH, length);
        d.set(Layouts.BE_U64, FW_CFG_DMA_ACCESS_ADDRESS, address.value());
    }

    private static void check(GuestMemory m, GuestAddress descriptor, GuestAddress target, byte[] pattern, int from,
                              int length) {
        int control = m.slice(descriptor, FW_CFG_DMA_ACCESS_SIZE).get(Layouts.BE_U32, FW_CFG_DMA_ACCESS_CONTROL);
        MemorySegment got = m.slice(target, length);
        if (control != 0 || got.get(ValueLayout.JAVA_BYTE, 0) != pattern[from]
                || got.get(ValueLayout.JAVA_BYTE, length - 1) != pattern[from + length - 1]) {
            throw FwCfgWarmUpException.transferMismatch(target, length, from, control);
        }
    }
}
