package dev.virtfw.fwcfg;

import static dev.virtfw.fwcfg.FwCfgSpec.*;

import java.lang.foreign.MemorySegment;

/**
 * A decoded {@code FWCfgDmaAccess} descriptor (fw_cfg.rst, "DMA interface"): big-endian control,
 * length and address, in that order.
 *
 * @param control the control word (operation bits; selector in bits 16-31 when SELECT is set)
 * @param length  the transfer length, an unsigned 32-bit value
 * @param address the guest-physical address of the data
 */
record DmaAccess(int control, long length, GuestAddress address) {
    static DmaAccess decode(MemorySegment descriptor) {
        return new DmaAccess(
                descriptor.get(Layouts.BE_U32, FW_CFG_DMA_ACCESS_CONTROL),
                Integer.toUnsignedLong(descriptor.get(Layouts.BE_U32, FW_CFG_DMA_ACCESS_LENGTH)),
                new GuestAddress(descriptor.get(Layouts.BE_U64, FW_CFG_DMA_ACCESS_ADDRESS)));
    }

    boolean has(int bit) {
        return (control & bit) != 0;
    }

    /** The selector of a SELECT: the upper 16 bits of the control word. */
    int selector() {
        return control >>> FW_CFG_DMA_CTL_SELECTOR_SHIFT;
    }
}
