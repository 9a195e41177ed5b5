package dev.virtfw.fwcfg;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * One fw_cfg item: its bytes (a {@link MemorySegment}, possibly a read-only file mapping), whether
 * the guest may DMA-WRITE it, and the callback told when it does. Items are created by
 * {@link FwCfgItems}; a "nothing here" selector reads as {@link #NONE}, an item of no bytes.
 */
public final class FwCfgItem {
    /** What an unused or invalid selector holds: no bytes, read as zeros, not writable. */
    static final FwCfgItem NONE = new FwCfgItem(null, MemorySegment.ofArray(new byte[0]), false, null);

    private final String name;
    private final MemorySegment content;
    private final boolean writable;
    private final FwCfgWriteCallback callback;

    FwCfgItem(String name, MemorySegment content, boolean writable, FwCfgWriteCallback callback) {
        this.name = name;
        this.content = content;
        this.writable = writable;
        this.callback = callback;
    }

    /** The file name for a named file, empty for a numbered item. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** Length in bytes (below 2^32). */
    public long size() {
        return content.byteSize();
    }

    /** Whether a DMA WRITE may store into this item. */
    public boolean writable() {
        return writable;
    }

    /** A read-only view of the item's bytes, valid until the owning {@link FwCfgItems} is closed. */
    public MemorySegment contents() {
        return content.asReadOnly();
    }

    /** The bytes the device reads and (for a writable item) writes. */
    MemorySegment content() {
        return content;
    }

    FwCfgWriteCallback callback() {
        return callback;
    }

    @Override
    public String toString() {
        return "FwCfgItem[" + (name != null ? "\"" + name + "\", " : "") + content.byteSize() + " bytes"
                + (writable ? ", writable" : "") + "]";
    }
}
