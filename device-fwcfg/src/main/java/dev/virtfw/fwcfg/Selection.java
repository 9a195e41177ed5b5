package dev.virtfw.fwcfg;

import static dev.virtfw.fwcfg.FwCfgSpec.FW_CFG_INVALID;

/**
 * The one piece of state both interfaces share (QEMU's {@code cur_entry} and {@code cur_offset}):
 * the selected item and the offset of its next byte. A legacy select feeds the next DMA, and a DMA
 * READ without SELECT continues where a legacy read stopped.
 */
final class Selection {
    private final FwCfgItems items;
    /** The selector value, FW_CFG_INVALID when the last select named no slot. */
    int key = FW_CFG_INVALID;
    /** The selected item; {@link FwCfgItem#NONE} for an invalid or empty selector, never null. */
    FwCfgItem item = FwCfgItem.NONE;
    /** Offset of the next byte of {@link #item}; never more than its size. */
    long offset;
    /** Told of each select; null when nobody asked. */
    FwCfgSelectObserver observer;

    Selection(FwCfgItems items) {
        this.items = items;
    }

    /** fw_cfg.rst: "selecting an item resets the offset to 0". */
    void select(int selector, boolean viaDma) {
        int k = selector & 0xFFFF;
        FwCfgItem found = items.lookup(k);
        offset = 0;
        key = found == null ? FW_CFG_INVALID : k;
        item = found == null ? FwCfgItem.NONE : found;
        if (observer != null) {
            observer.selected(k, found != null);
        }
        if (!Tracing.possible()) {
            return;
        }
        FwCfgSelectEvent event = new FwCfgSelectEvent();
        if (event.shouldCommit()) {
            event.key = k;
            event.valid = found != null;
            event.size = item.size();
            event.dma = viaDma;
            event.commit();
        }
    }

    /** Bytes left in the selected item from the current offset. */
    long remaining() {
        return item.size() - offset;
    }
}
