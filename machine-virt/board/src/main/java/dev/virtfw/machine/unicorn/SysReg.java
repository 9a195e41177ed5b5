package dev.virtfw.machine.unicorn;

/** An AArch64 system register by its encoding (op0, op1, CRn, CRm, op2), as MRS/MSR name it. */
public record SysReg(String name, int op0, int op1, int crn, int crm, int op2) {
    /** Secure Configuration Register (EL3): S3_6_C1_C1_0. */
    public static final SysReg SCR_EL3 = new SysReg("SCR_EL3", 3, 6, 1, 1, 0);
    /** Hypervisor Configuration Register (EL2): S3_4_C1_C1_0. */
    public static final SysReg HCR_EL2 = new SysReg("HCR_EL2", 3, 4, 1, 1, 0);
    /** Multiprocessor Affinity Register: S3_0_C0_C0_5. */
    public static final SysReg MPIDR_EL1 = new SysReg("MPIDR_EL1", 3, 0, 0, 0, 5);

    @Override
    public String toString() {
        return name;
    }
}
