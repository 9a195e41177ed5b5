package dev.virtfw.fwcfg;

import java.util.Objects;

/**
 * {@link FwCfgWarmUp} could not run, or one of its checked transfers did not do what the spec says
 * (a device bug the guest may never show). {@link #reason()} says which; address and length say where.
 */
public final class FwCfgWarmUpException extends FwCfgException {
    /** What went wrong. */
    public enum Reason {
        /** The scratch memory given is not wholly RAM: nothing was written. */
        SCRATCH_NOT_RAM,
        /** A DMA READ did not deliver the item's bytes, or its control word did not read back 0. */
        TRANSFER_MISMATCH
    }

    private final Reason reason;
    private final GuestAddress address;
    private final long length;
    private final int control;

    private FwCfgWarmUpException(Reason reason, GuestAddress address, long length, int control, String message) {
        super(message, null);
        this.reason = Objects.requireNonNull(reason);
        this.address = address;
        this.length = length;
        this.control = control;
    }

    static FwCfgWarmUpException scratchNotRam(GuestAddress base, long needed) {
        return new FwCfgWarmUpException(Reason.SCRATCH_NOT_RAM, base, needed, 0,
                "fw_cfg warm-up: scratch memory must hold " + needed + " bytes of RAM at " + base);
    }

    static FwCfgWarmUpException transferMismatch(GuestAddress target, long length, long itemOffset, int control) {
        return new FwCfgWarmUpException(Reason.TRANSFER_MISMATCH, target, length, control,
                "fw_cfg warm-up: a DMA READ of " + length + " bytes at item offset " + itemOffset
                        + " did not deliver the item to " + target + " (control 0x" + Integer.toHexString(control) + ")");
    }

    public Reason reason() {
        return reason;
    }

    /** The scratch base ({@link Reason#SCRATCH_NOT_RAM}) or the transfer's target. */
    public GuestAddress address() {
        return address;
    }

    /** The scratch bytes needed, or the transfer's length. */
    public long length() {
        return length;
    }

    /** The control word the transfer wrote back (0 when the scratch was refused). */
    public int control() {
        return control;
    }
}
