package dev.virtfw.machine.unicorn;

/** An AArch64 system register by its encoding (op0, op1, CRn, CRm, op2), as MRS/MSR name it. */
public record SysReg(String name, int op0, int op1, int crn, int crm, int op2) {
    /** Secure Configuration Register (EL3): S3_6_C1_C1_0. */
    public static final SysReg SCR_EL3 = new SysReg("SCR_EL3", 3, 6, 1, 1, 0);
    /** Hypervisor Configuration Register (EL2): S3_4_C1_C1_0. */
    public static final SysReg HCR_EL2 = new SysReg("HCR_EL2", 3, 4, 1, 1, 0);
    /** AArch64 Processor Feature Register 0: S3_0_C0_C4_0; SVE in bits 35:32. */
    public static final SysReg ID_AA64PFR0_EL1 = new SysReg("ID_AA64PFR0_EL1", 3, 0, 0, 4, 0);
    /** SVE Feature ID Register 0: S3_0_C0_C4_4. */
    public static final SysReg ID_AA64ZFR0_EL1 = new SysReg("ID_AA64ZFR0_EL1", 3, 0, 0, 4, 4);
    /** Multiprocessor Affinity Register: S3_0_C0_C0_5. */
    public static final SysReg MPIDR_EL1 = new SysReg("MPIDR_EL1", 3, 0, 0, 0, 5);
    /** System Control Register (EL1): S3_0_C1_C0_0. */
    public static final SysReg SCTLR_EL1 = new SysReg("SCTLR_EL1", 3, 0, 1, 0, 0);
    /** Saved Program Status Register (EL1): S3_0_C4_C0_0. */
    public static final SysReg SPSR_EL1 = new SysReg("SPSR_EL1", 3, 0, 4, 0, 0);
    /** Exception Link Register (EL1): S3_0_C4_C0_1. */
    public static final SysReg ELR_EL1 = new SysReg("ELR_EL1", 3, 0, 4, 0, 1);
    /** Exception Syndrome Register (EL1): S3_0_C5_C2_0. */
    public static final SysReg ESR_EL1 = new SysReg("ESR_EL1", 3, 0, 5, 2, 0);
    /** Fault Address Register (EL1): S3_0_C6_C0_0. */
    public static final SysReg FAR_EL1 = new SysReg("FAR_EL1", 3, 0, 6, 0, 0);
    /** Vector Base Address Register (EL1): S3_0_C12_C0_0. */
    public static final SysReg VBAR_EL1 = new SysReg("VBAR_EL1", 3, 0, 12, 0, 0);
    /** Counter-timer Hypervisor Control (EL2): S3_4_C14_C1_0; bits 0/1 let EL1 reach the physical counter/timer. */
    public static final SysReg CNTHCTL_EL2 = new SysReg("CNTHCTL_EL2", 3, 4, 14, 1, 0);
    /** Counter-timer Physical Count: S3_3_C14_C0_1. */
    public static final SysReg CNTPCT_EL0 = new SysReg("CNTPCT_EL0", 3, 3, 14, 0, 1);
    /** Counter-timer Virtual Offset (EL2): S3_4_C14_C0_3. */
    public static final SysReg CNTVOFF_EL2 = new SysReg("CNTVOFF_EL2", 3, 4, 14, 0, 3);
    /** EL1 physical timer: TimerValue, Control, CompareValue. */
    public static final SysReg CNTP_TVAL_EL0 = new SysReg("CNTP_TVAL_EL0", 3, 3, 14, 2, 0);
    public static final SysReg CNTP_CTL_EL0 = new SysReg("CNTP_CTL_EL0", 3, 3, 14, 2, 1);
    public static final SysReg CNTP_CVAL_EL0 = new SysReg("CNTP_CVAL_EL0", 3, 3, 14, 2, 2);
    /** Virtual timer: TimerValue, Control, CompareValue. */
    public static final SysReg CNTV_TVAL_EL0 = new SysReg("CNTV_TVAL_EL0", 3, 3, 14, 3, 0);
    public static final SysReg CNTV_CTL_EL0 = new SysReg("CNTV_CTL_EL0", 3, 3, 14, 3, 1);
    public static final SysReg CNTV_CVAL_EL0 = new SysReg("CNTV_CVAL_EL0", 3, 3, 14, 3, 2);
    /** Instruction-cache invalidations (SYS, op0 1): by virtual address to the point of unification, all, all inner shareable. */
    public static final SysReg IC_IVAU = new SysReg("IC IVAU", 1, 3, 7, 5, 1);
    public static final SysReg IC_IALLU = new SysReg("IC IALLU", 1, 0, 7, 5, 0);
    public static final SysReg IC_IALLUIS = new SysReg("IC IALLUIS", 1, 0, 7, 1, 0);

    /** The 16-bit system-register number MRS/MSR carry in bits 20:5 (op0:op1:CRn:CRm:op2). */
    public int encoding() {
        return encode(op0, op1, crn, crm, op2);
    }

    /** {@link #encoding()} of the given fields. */
    public static int encode(int op0, int op1, int crn, int crm, int op2) {
        return (op0 & 3) << 14 | (op1 & 7) << 11 | (crn & 15) << 7 | (crm & 15) << 3 | (op2 & 7);
    }

    @Override
    public String toString() {
        return name;
    }
}
