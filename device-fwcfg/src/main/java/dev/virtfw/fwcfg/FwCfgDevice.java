package dev.virtfw.fwcfg;

import static dev.virtfw.fwcfg.FwCfgSpec.*;

import dev.virtfw.devicetree.Node;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * QEMU's fw_cfg device with the MMIO transport of the ARM virt board (fw_cfg.rst, "Memory-Mapped
 * I/O"): data register at +0x00 (1 to 8 bytes, a byte stream in string order), selector at +0x08
 * (16 bits, big-endian, write-only), DMA address at +0x10 (64 bits, big-endian; reads "QEMU CFG").
 *
 * <p><b>Values.</b> {@link #read} returns, and {@link #write} takes, the value a little-endian guest's
 * register holds for the access: after selecting FW_CFG_SIGNATURE, a 4-byte data read returns
 * 0x554D4551 ("QEMU" in memory order).
 *
 * <p><b>Acceptance.</b> {@link #accepts} is QEMU 7.2's rule for which accesses a register takes;
 * the guest gets a synchronous external abort for the others on QEMU. A board should consult it and
 * turn a refusal into a data abort or a log line; {@link #read} and {@link #write} of a refused access
 * do nothing (a read returns 0) and emit {@link FwCfgRefusedAccessEvent}. One addition to QEMU's
 * rule: a 4-byte access at +0x04 is accepted as the second half of an 8-byte data access when it
 * directly follows a 4-byte access of the same direction at +0x00, because some buses (Unicorn)
 * split an 8-byte access into two 4-byte ones, lower address first; the pair then gives exactly the
 * bytes one 8-byte access would.
 *
 * <p><b>Threads.</b> Not thread-safe: the board serialises accesses, as a bus does.
 *
 * <p>The device owns the {@link FwCfgItems} it is given: {@link #close()} closes them.
 */
public final class FwCfgDevice implements AutoCloseable {
    /** Size of the MMIO window: data, selector and DMA address registers. */
    public static final long MMIO_SIZE = FW_CFG_MMIO_SIZE;

    /** Split-access tracking: what the previous access was, when it may be the first half of 8 bytes. */
    private static final int NO_HALF = 0;
    private static final int READ_HALF = 1;
    private static final int WRITE_HALF = 2;

    /** The DMA address register's reads: "QEMU CFG", big-endian, in guest memory order. */
    private static final MemorySegment DMA_SIGNATURE = signature();

    private final FwCfgItems items;
    private final Selection selection;
    private final DmaEngine dma;
    /**
     * QEMU's dma_addr, latched: the DMA address register's bytes as the guest stored them (memory
     * order), read as the big-endian address when a transfer starts, and cleared then.
     */
    private final MemorySegment dmaAddress = MemorySegment.ofArray(new byte[FW_CFG_DMA_SIZE]);
    /** The bytes of the current selector write, in memory order. */
    private final MemorySegment selector = MemorySegment.ofArray(new byte[FW_CFG_CTL_SIZE]);
    /** The last bytes of an item that ends inside a data read, zero-padded to one 8-byte load. */
    private final MemorySegment tail = MemorySegment.ofArray(new byte[Long.BYTES]);
    private int pendingHalf = NO_HALF;
    private boolean closed;

    /**
     * A device serving {@code items} (which it seals: no more items can be added) with DMA into
     * {@code memory}. Like QEMU at reset, FW_CFG_SIGNATURE starts selected.
     */
    public FwCfgDevice(FwCfgItems items, GuestMemory memory) {
        this.items = Objects.requireNonNull(items, "items");
        Objects.requireNonNull(memory, "memory");
        items.seal();
        this.selection = new Selection(items);
        this.dma = new DmaEngine(memory, selection);
        selection.select(FW_CFG_SIGNATURE, false);
    }

    /**
     * System reset, as QEMU's {@code fw_cfg_reset}: FW_CFG_SIGNATURE selected at offset 0, no DMA
     * address latched, no split access open. Items keep their contents (a writable item keeps what
     * the guest wrote, as in QEMU).
     */
    public void reset() {
        dmaAddress.fill((byte) 0);
        pendingHalf = NO_HALF;
        if (!closed && !items.closed()) {
            selection.select(FW_CFG_SIGNATURE, false);
        }
    }

    /**
     * Tells {@code observer} of every later select (selector register, DMA SELECT, {@link #reset});
     * null stops it. The observer runs inside the guest's access.
     */
    public void observeSelects(FwCfgSelectObserver observer) {
        selection.observer = observer;
    }

    /** The item store this device serves. */
    public FwCfgItems items() {
        return items;
    }

    /**
     * Whether the registers take this access (QEMU 7.2's {@code accepts} callbacks and the memory
     * core's rules: widths 1, 2, 4, 8, naturally aligned, wholly inside one register):
     * <ul>
     * <li>data (+0x00): reads and writes of every width at +0x00 only (writes are ignored); plus a
     *     4-byte access at +0x04 right after a 4-byte one at +0x00 in the same direction (a split
     *     8-byte access, see the class comment);</li>
     * <li>selector (+0x08): 2-byte writes only;</li>
     * <li>DMA address (+0x10..+0x17): reads of every width; writes of 4 bytes at +0x10 or +0x14
     *     and of 8 bytes at +0x10;</li>
     * <li>nothing else (+0x02..+0x07 otherwise, +0x0a..+0x0f, +0x18 and above).</li>
     * </ul>
     * Has no side effect. A board that refuses an access should still pass it to {@link #read} or
     * {@link #write} (which ignore it and report it): that is also what closes an open split, so a
     * later +0x04 access is not taken for the second half of an older one.
     */
    public boolean accepts(long offset, int size, boolean isWrite) {
        if (closed || items.closed() || (size != 1 && size != 2 && size != 4 && size != 8)) {
            return false;
        }
        if (offset < 0 || offset > MMIO_SIZE - size || (offset & (size - 1)) != 0) {
            return false;
        }
        if (offset == FW_CFG_DATA_OFFSET) {
            return true;
        }
        if (offset == FW_CFG_DATA_OFFSET + Integer.BYTES && size == Integer.BYTES) {
            return pendingHalf == (isWrite ? WRITE_HALF : READ_HALF);
        }
        if (offset >= FW_CFG_CTL_OFFSET && offset < FW_CFG_CTL_OFFSET + FW_CFG_CTL_SIZE) {
            return isWrite && offset == FW_CFG_CTL_OFFSET && size == FW_CFG_CTL_SIZE;
        }
        if (offset >= FW_CFG_DMA_OFFSET) {
            return !isWrite || size == Integer.BYTES || (size == Long.BYTES && offset == FW_CFG_DMA_OFFSET);
        }
        return false;
    }

    /**
     * An MMIO read of {@code size} bytes at {@code offset}; the value as a little-endian guest's
     * register holds it. A refused access returns 0 and changes nothing.
     */
    public long read(long offset, int size) {
        if (!accepts(offset, size, false)) {
            refused(offset, size, false, 0);
            return 0;
        }
        if (offset >= FW_CFG_DMA_OFFSET) {
            pendingHalf = NO_HALF;
            return load(DMA_SIGNATURE, offset - FW_CFG_DMA_OFFSET, size);
        }
        // Only the data register remains: +0 of any width, or the upper half of a split 8-byte read.
        pendingHalf = offset == FW_CFG_DATA_OFFSET && size == Integer.BYTES ? READ_HALF : NO_HALF;
        return readData(size);
    }

    /**
     * An MMIO write of {@code size} bytes at {@code offset}; {@code value} as a little-endian guest's
     * register holds it. A refused access changes nothing.
     */
    public void write(long offset, int size, long value) {
        if (!accepts(offset, size, true)) {
            refused(offset, size, true, value);
            return;
        }
        if (offset < FW_CFG_CTL_OFFSET) {
            // fw_cfg.rst: writes to the data register are ignored (QEMU 2.4 and later).
            pendingHalf = offset == FW_CFG_DATA_OFFSET && size == Integer.BYTES ? WRITE_HALF : NO_HALF;
            return;
        }
        pendingHalf = NO_HALF;
        // A little-endian guest's store puts the value's low byte at the register's first address;
        // the registers are big-endian, so each is read back from those bytes through BE layouts.
        if (offset == FW_CFG_CTL_OFFSET) {
            selector.set(Layouts.LE_U16, 0, (short) value);
            selection.select(Short.toUnsignedInt(selector.get(Layouts.BE_U16, 0)), false);
        } else if (size == Long.BYTES) {
            dmaAddress.set(Layouts.LE_U64, 0, value);
            startDma();
        } else if (offset == FW_CFG_DMA_ADDR_HIGH_OFFSET) {
            // High half: latches bits 63..32 and clears the low half; no transfer yet.
            dmaAddress.set(Layouts.LE_U32, 0, (int) value);
            dmaAddress.set(Layouts.LE_U32, Integer.BYTES, 0);
        } else {
            // Low half: completes the address and starts the transfer.
            dmaAddress.set(Layouts.LE_U32, FW_CFG_DMA_ADDR_LOW_OFFSET - FW_CFG_DMA_OFFSET, (int) value);
            startDma();
        }
    }

    /**
     * Adds this device's node under {@code parent} as QEMU's virt board does: {@code fw-cfg@<base>}
     * with {@code dma-coherent}, {@code reg = <base size>} in two address and two size cells, and
     * {@code compatible = "qemu,fw-cfg-mmio"} (QEMU's property order).
     */
    public void addDeviceTreeNode(Node parent, GuestAddress base) {
        Node node = parent.addChild("fw-cfg@" + Long.toHexString(base.value()));
        node.putEmpty("dma-coherent");
        node.putU64("reg", base.value(), MMIO_SIZE);
        node.putString("compatible", FW_CFG_COMPATIBLE);
    }

    /** Closes the item store (its memory and file mappings); later accesses are refused. Idempotent. */
    @Override
    public void close() {
        closed = true;
        items.close();
    }

    // ------------------------------------------------------------------ registers

    /**
     * fw_cfg.rst: a data read returns the next bytes of the item, the lowest address holding the next
     * byte; past the end (or with nothing selected) the missing bytes read as zero. The offset never
     * moves past the end.
     */
    private long readData(int size) {
        FwCfgItem item = selection.item;
        long offset = selection.offset;
        long available = item.size() - offset;
        if (available <= 0) {
            return 0;
        }
        int n = (int) Math.min(size, available);
        long value;
        if (n == size) {
            value = load(item.content(), offset, n);
        } else {
            // The item ends inside the access: its last bytes, the missing high bytes zero.
            tail.fill((byte) 0);
            MemorySegment.copy(item.content(), offset, tail, 0, n);
            value = tail.get(Layouts.LE_U64, 0);
        }
        selection.offset = offset + n;
        return value;
    }

    /**
     * The {@code size} bytes at {@code offset} as a little-endian guest's register holds them after
     * one load: the byte at the lowest address in the low byte (string order for the data register).
     */
    private static long load(MemorySegment bytes, long offset, int size) {
        return switch (size) {
            case Long.BYTES -> bytes.get(Layouts.LE_U64, offset);
            case Integer.BYTES -> Integer.toUnsignedLong(bytes.get(Layouts.LE_U32, offset));
            case Short.BYTES -> Short.toUnsignedLong(bytes.get(Layouts.LE_U16, offset));
            default -> Byte.toUnsignedLong(bytes.get(Layouts.U8, offset));
        };
    }

    private static MemorySegment signature() {
        MemorySegment bytes = MemorySegment.ofArray(new byte[FW_CFG_DMA_SIZE]);
        bytes.set(Layouts.BE_U64, 0, FW_CFG_DMA_SIGNATURE);
        return bytes.asReadOnly();
    }

    private void startDma() {
        GuestAddress descriptor = new GuestAddress(dmaAddress.get(Layouts.BE_U64, 0));
        dmaAddress.fill((byte) 0); // "Reset the address before the next access", as QEMU does
        dma.transfer(descriptor);
    }

    private void refused(long offset, int size, boolean isWrite, long value) {
        pendingHalf = NO_HALF;
        if (!Tracing.possible()) {
            return;
        }
        FwCfgRefusedAccessEvent event = new FwCfgRefusedAccessEvent();
        if (event.shouldCommit()) {
            event.offset = offset;
            event.size = size;
            event.write = isWrite;
            event.value = value;
            event.commit();
        }
    }
}
