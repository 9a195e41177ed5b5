package dev.virtfw.machine.irq;

/**
 * The redistributor as the ITS sees it: where a translated message ends up. Locality-specific
 * peripheral interrupts (LPIs, INTID 8192 and up) keep their pending state in the redistributor's
 * pending table and their priority and enable bit in the property table (Arm IHI 0069); the ITS
 * only turns a (DeviceID, EventID) pair into an INTID and tells the redistributor about it.
 * Whether LPIs are enabled there (GICR_CTLR.EnableLPIs) and whether the INTID fits the property
 * table (GICR_PROPBASER.IDbits) is the redistributor's business, as in QEMU's
 * {@code gicv3_redist_process_lpi}.
 */
public interface LpiSink {
    /**
     * Makes LPI {@code intid} (8192 and up) pending, as an INT command or a GITS_TRANSLATER write
     * does: its bit in the pending table is set.
     */
    void setLpiPending(int intid);

    /** Takes LPI {@code intid} out of the pending state (the CLEAR and DISCARD commands). */
    void clearLpiPending(int intid);

    /**
     * The guest says it changed LPI configuration in its property table: read it again for
     * {@code intid}, or for every LPI when {@code intid} is -1 (INV names one LPI, INVALL all;
     * SYNC asks for nothing further).
     */
    void lpiConfigurationChanged(int intid);

    /**
     * How many INTID bits the redistributor implements (GICD_TYPER.IDbits + 1): an INTID of
     * {@code 1 << idBits()} or more is no LPI, and MAPTI and MAPI refuse it.
     */
    int idBits();
}
