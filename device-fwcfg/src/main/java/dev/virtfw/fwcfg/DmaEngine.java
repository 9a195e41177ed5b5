package dev.virtfw.fwcfg;

import static dev.virtfw.fwcfg.FwCfgSpec.*;

import java.lang.foreign.MemorySegment;

/**
 * Runs one DMA transfer in the spec's order (fw_cfg.rst, "DMA interface", and QEMU's
 * {@code fw_cfg_dma_transfer}): read the descriptor (if part of it cannot be read, write ERROR to
 * its control field and stop), SELECT, then exactly one of READ, WRITE, SKIP (READ before WRITE
 * before SKIP when several bits are set), then write the control word back: 0, or ERROR.
 *
 * <p>Every guest address goes through {@link GuestMemory#ramBytesAt} before use: RAM is used
 * directly, anything else goes through the board's memory map ({@link GuestMemory#storeOutsideRam},
 * {@link GuestMemory#loadOutsideRam}), so the device itself never touches memory outside guest RAM;
 * bytes aimed at nothing make ERROR, as QEMU's DMA helpers report a decode error.
 */
final class DmaEngine {
    /** The zeros a READ past the end of its item stores, a chunk at a time (read-only, shared). */
    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[64 * 1024]).asReadOnly();

    private final GuestMemory memory;
    private final Selection selection;

    DmaEngine(GuestMemory memory, Selection selection) {
        this.memory = memory;
        this.selection = selection;
    }

    /** Executes the descriptor at {@code descriptorAddress}; the caller has already cleared the latch. */
    void transfer(GuestAddress descriptorAddress) {
        FwCfgDmaEvent event = Tracing.possible() ? new FwCfgDmaEvent() : null;
        boolean trace = event != null && event.shouldCommit();
        if (trace) {
            event.begin();
            event.descriptor = descriptorAddress.value();
        }
        // The usual case, a descriptor in RAM, is decoded in place; anything else is read through the map.
        boolean inRam = memory.ramBytesAt(descriptorAddress, FW_CFG_DMA_ACCESS_SIZE) >= FW_CFG_DMA_ACCESS_SIZE;
        MemorySegment descriptor = inRam ? memory.slice(descriptorAddress, FW_CFG_DMA_ACCESS_SIZE)
                : MemorySegment.ofArray(new byte[FW_CFG_DMA_ACCESS_SIZE]);
        if (!inRam && !load(descriptorAddress, descriptor)) {
            // QEMU: a descriptor it cannot wholly read (part of it aimed at nothing) is not
            // executed; the ERROR store to its control field goes where the memory map sends it.
            writeControl(descriptorAddress, FW_CFG_DMA_CTL_ERROR);
            if (trace) {
                event.key = selection.key;
                event.operation = "DESCRIPTOR_UNREADABLE";
                event.result = FW_CFG_DMA_CTL_ERROR;
                event.detail = "descriptor is not wholly guest memory";
                event.commit();
            }
            return;
        }
        DmaAccess access = DmaAccess.decode(descriptor);
        if (access.has(FW_CFG_DMA_CTL_SELECT)) {
            selection.select(access.selector(), true);
        }
        String detail;
        String operation;
        if (access.has(FW_CFG_DMA_CTL_READ)) {
            operation = "READ";
            detail = read(access.address(), access.length());
        } else if (access.has(FW_CFG_DMA_CTL_WRITE)) {
            operation = "WRITE";
            detail = write(access.address(), access.length());
        } else if (access.has(FW_CFG_DMA_CTL_SKIP)) {
            operation = "SKIP";
            detail = skip(access.length());
        } else {
            operation = "NONE";
            detail = null;
        }
        int result = detail == null ? 0 : FW_CFG_DMA_CTL_ERROR;
        writeControl(descriptorAddress, result);
        if (trace) {
            event.key = selection.key;
            event.operation = operation;
            event.control = access.control();
            event.length = access.length();
            event.address = access.address().value();
            event.result = result;
            event.detail = detail == null ? "" : detail;
            event.commit();
        }
    }

    /**
     * READ: copy what the item still holds, advance the offset by that much, then fill the rest of
     * {@code length} with zeros ("If the item runs out, the rest is zero-filled"). The bytes go where
     * the memory map sends them, as QEMU's {@code dma_memory_write}: RAM, a device's registers, or
     * nowhere; a target that is not wholly RAM or devices gives ERROR, but what could be stored is.
     *
     * @return null on success, else why ERROR was set
     */
    private String read(GuestAddress address, long length) {
        long fromItem = Math.min(length, Math.max(0, selection.remaining()));
        boolean decoded = true;
        if (fromItem > 0) {
            decoded = store(address, selection.item.content().asSlice(selection.offset, fromItem));
            // QEMU advances the offset by the whole chunk even when the store into guest memory failed.
            selection.offset += fromItem;
        }
        for (long done = fromItem; done < length; ) {
            long n = Math.min(length - done, ZEROS.byteSize());
            decoded &= store(address.plus(done), ZEROS.asSlice(0, n));
            done += n;
        }
        return decoded ? null : String.format("READ target %s+0x%x is not wholly guest memory", address, length);
    }

    /** Stores {@code data} at {@code at} through the memory map; returns whether every byte reached something. */
    private boolean store(GuestAddress at, MemorySegment data) {
        boolean decoded = true;
        long done = 0;
        while (done < data.byteSize()) {
            GuestAddress a = at.plus(done);
            long rest = data.byteSize() - done;
            long ram = Math.min(memory.ramBytesAt(a, rest), rest);
            if (ram > 0) {
                memory.copyToRam(data, done, a, ram);
                memory.written(a, ram);
                done += ram;
            } else {
                GuestMemory.Outside o = memory.storeOutsideRam(a, data.asSlice(done, rest));
                decoded &= o.decoded();
                done += Math.min(o.bytes(), rest);
            }
        }
        return decoded;
    }

    /**
     * WRITE: only into a writable item, and only when the whole length fits in what is left of it
     * (QEMU's "len != dma.length" test); the offset still advances by the part that fits when the
     * write is refused. A zero-length WRITE succeeds whatever the item (the loop never runs in QEMU).
     */
    private String write(GuestAddress address, long length) {
        if (length == 0) {
            return null;
        }
        long fits = Math.max(0, selection.remaining());
        if (fits == 0) {
            return "WRITE past the end of the item, or no item selected";
        }
        long n = Math.min(length, fits);
        FwCfgItem item = selection.item;
        long start = selection.offset;
        selection.offset += n;
        if (!item.writable()) {
            return "WRITE to an item that is not writable";
        }
        if (n != length) {
            return "WRITE runs past the end of the item";
        }
        // As QEMU's dma_memory_read: every byte comes through the memory map (RAM, the flash, a
        // device's registers; zero where nothing is mapped), and any byte from nowhere makes the
        // transfer an error whose data stays in the item, without the write callback.
        if (!load(address, item.content().asSlice(start, n))) {
            return String.format("WRITE source %s+0x%x is not wholly guest memory", address, n);
        }
        FwCfgWriteCallback callback = item.callback();
        if (callback != null) {
            try {
                callback.written(item, start, n);
            } catch (RuntimeException e) {
                // A host callback's failure is reported to the guest, never thrown into the board.
                return "write callback failed: " + e;
            }
        }
        return null;
    }

    /** SKIP: advance the offset by {@code length}, clamped at the end of the item; never an error. */
    private String skip(long length) {
        selection.offset += Math.min(length, Math.max(0, selection.remaining()));
        return null;
    }

    /**
     * Stores the big-endian control word back into the descriptor as one 4-byte store (QEMU's
     * {@code stl_be_dma}): into RAM when the field is RAM, through the memory map when none of it
     * is (a descriptor in the flash), and nowhere when it straddles the end of RAM.
     */
    private void writeControl(GuestAddress descriptorAddress, int control) {
        GuestAddress field = descriptorAddress.plus(FW_CFG_DMA_ACCESS_CONTROL);
        long ram = memory.ramBytesAt(field, Integer.BYTES);
        if (ram >= Integer.BYTES) {
            memory.slice(field, Integer.BYTES).set(Layouts.BE_U32, 0, control);
            memory.written(field, Integer.BYTES);
        } else if (ram == 0) {
            MemorySegment word = MemorySegment.ofArray(new byte[Integer.BYTES]);
            word.set(Layouts.BE_U32, 0, control);
            store(field, word);
        }
    }

    /** Loads {@code into} from {@code at} through the memory map; returns whether every byte came from something. */
    private boolean load(GuestAddress at, MemorySegment into) {
        boolean decoded = true;
        long done = 0;
        while (done < into.byteSize()) {
            GuestAddress a = at.plus(done);
            long rest = into.byteSize() - done;
            long ram = Math.min(memory.ramBytesAt(a, rest), rest);
            if (ram > 0) {
                memory.copyFromRam(a, into, done, ram);
                done += ram;
            } else {
                GuestMemory.Outside o = memory.loadOutsideRam(a, into.asSlice(done, rest));
                decoded &= o.decoded();
                done += Math.min(o.bytes(), rest);
            }
        }
        return decoded;
    }
}
