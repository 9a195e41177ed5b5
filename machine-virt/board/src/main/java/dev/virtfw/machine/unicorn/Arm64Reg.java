package dev.virtfw.machine.unicorn;

/** Register ids of unicorn/arm64.h ({@code uc_arm64_reg}) used by the machine. */
public final class Arm64Reg {
    public static final int X29 = 1;
    public static final int X30 = 2;
    public static final int SP = 4;
    /** X0..X28 are consecutive from here. */
    public static final int X0 = 199;
    public static final int PC = 260;
    public static final int PSTATE = 265;
    public static final int CP_REG = 290;
    public static final int ELR_EL1 = 267;
    public static final int SP_EL0 = 270;
    public static final int SP_EL1 = 271;

    private Arm64Reg() {}

    /** The id of X{@code n} for n in 0..30. */
    public static int x(int n) {
        if (n < 0 || n > 30) {
            throw new IllegalArgumentException("no register x" + n);
        }
        return switch (n) {
            case 29 -> X29;
            case 30 -> X30;
            default -> X0 + n;
        };
    }
}
