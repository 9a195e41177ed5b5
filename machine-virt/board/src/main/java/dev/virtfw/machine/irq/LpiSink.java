package dev.virtfw.machine.irq;

/**
 * What an ITS drives in the redistributor of the (only) CPU: LPIs, the message-based interrupts
 * from INTID 8192 up, made pending by translated MSIs and INT commands.
 */
public interface LpiSink {
    /** Makes LPI intid (8192 and up) pending in the redistributor, as an ITS INT/translation does (sets its bit in the pending table). */
    void setLpiPending(int intid);

    /** Clears LPI intid's pending state (CLEAR, DISCARD). */
    void clearLpiPending(int intid);

    /** The guest changed LPI configuration in its property table: re-read it for intid, or for all LPIs when intid is -1 (INV, INVALL, SYNC need nothing more). */
    void lpiConfigurationChanged(int intid);

    /** Number of LPI INTID bits the redistributor supports (GICD_TYPER.IDbits + 1): INTIDs beyond it are out of range for MAPTI/MAPI. */
    int idBits();
}
