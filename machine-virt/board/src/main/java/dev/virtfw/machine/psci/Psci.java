package dev.virtfw.machine.psci;

/**
 * The Power State Coordination Interface (ARM DEN 0022) as QEMU 7.2's virt board offers it over
 * {@code hvc} to a single CPU: function id in x0, arguments in x1..x3, result in x0. What each call
 * returns was measured on QEMU 7.2 with the same probe the tests run (src/test/asm/psci-probe.S).
 * QEMU makes an unknown function id an undefined instruction; here it returns NOT_SUPPORTED, the
 * SMC Calling Convention's answer, because this board cannot deliver an exception to the guest.
 */
public final class Psci {
    // Function ids (DEN 0022 section 5.1); FN64 ids are the SMC64 forms.
    public static final int PSCI_VERSION = 0x8400_0000;
    public static final int CPU_SUSPEND = 0x8400_0001;
    public static final int CPU_SUSPEND_64 = 0xC400_0001;
    public static final int CPU_OFF = 0x8400_0002;
    public static final int CPU_ON = 0x8400_0003;
    public static final int CPU_ON_64 = 0xC400_0003;
    public static final int AFFINITY_INFO = 0x8400_0004;
    public static final int AFFINITY_INFO_64 = 0xC400_0004;
    public static final int MIGRATE = 0x8400_0005;
    public static final int MIGRATE_64 = 0xC400_0005;
    public static final int MIGRATE_INFO_TYPE = 0x8400_0006;
    public static final int SYSTEM_OFF = 0x8400_0008;
    public static final int SYSTEM_RESET = 0x8400_0009;
    public static final int PSCI_FEATURES = 0x8400_000A;

    /** PSCI 1.1 (major in bits 31:16), what QEMU 7.2 reports. */
    public static final long VERSION_1_1 = 0x0001_0001L;

    // Return codes (DEN 0022 section 5.2.2).
    public static final long SUCCESS = 0;
    public static final long NOT_SUPPORTED = -1;
    public static final long INVALID_PARAMETERS = -2;
    public static final long ALREADY_ON = -4;

    /** MIGRATE_INFO_TYPE: no Trusted OS that needs migration. */
    public static final long TOS_NOT_PRESENT_MP = 2;
    /** AFFINITY_INFO: the target is on. */
    public static final long AFFINITY_ON = 0;

    /** The affinity bits of an MPIDR (Aff3 and Aff2..Aff0). */
    static final long MPIDR_AFFINITY_MASK = 0xFF_00FF_FFFFL;

    /** What the board does after a call. */
    public sealed interface Outcome {
        /** Write this into x0 and go on. */
        record Return(long x0) implements Outcome {}

        /** Power the machine off (exit status 0). */
        record SystemOff() implements Outcome {}

        /** Restart the machine from reset (or end it, with -no-reboot). */
        record SystemReset() implements Outcome {}

        /** The only CPU turned itself off: nothing can ever run again. */
        record CpuOff() implements Outcome {}
    }

    private final long bootCpuAffinity;

    /** A PSCI for one CPU whose MPIDR affinity is {@code bootCpuAffinity} (0 on QEMU's virt). */
    public Psci(long bootCpuAffinity) {
        this.bootCpuAffinity = bootCpuAffinity & MPIDR_AFFINITY_MASK;
    }

    /** Handles one call; {@code functionId} is x0 (its low 32 bits count). */
    public Outcome call(long functionId, long arg1, long arg2, long arg3) {
        int fn = (int) functionId;
        return switch (fn) {
            case PSCI_VERSION -> ret(VERSION_1_1);
            case MIGRATE_INFO_TYPE -> ret(TOS_NOT_PRESENT_MP);
            case PSCI_FEATURES -> ret(features((int) arg1));
            case AFFINITY_INFO, AFFINITY_INFO_64 -> ret(affinityInfo(is32(fn) ? arg1 & 0xFFFF_FFFFL : arg1, arg2));
            case CPU_ON, CPU_ON_64 -> ret(isBootCpu(is32(fn) ? arg1 & 0xFFFF_FFFFL : arg1) ? ALREADY_ON : INVALID_PARAMETERS);
            // Standby or power-down with nothing to wake the CPU but an interrupt: return at once,
            // which the architecture allows for a wake-up event (QEMU: WFI, then SUCCESS).
            case CPU_SUSPEND, CPU_SUSPEND_64 -> ret((arg1 & 0xFFFE_0000L) != 0 ? INVALID_PARAMETERS : SUCCESS);
            case CPU_OFF -> new Outcome.CpuOff();
            case SYSTEM_OFF -> new Outcome.SystemOff();
            case SYSTEM_RESET -> new Outcome.SystemReset();
            default -> ret(NOT_SUPPORTED); // MIGRATE, MIGRATE_INFO_UP_CPU, SYSTEM_SUSPEND, SMCCC calls...
        };
    }

    /** PSCI_FEATURES: 0 for each function implemented above, NOT_SUPPORTED otherwise (QEMU 7.2's list). */
    static long features(int fn) {
        return switch (fn) {
            case PSCI_VERSION, MIGRATE_INFO_TYPE, AFFINITY_INFO, AFFINITY_INFO_64, SYSTEM_OFF, SYSTEM_RESET,
                 CPU_ON, CPU_ON_64, CPU_OFF, CPU_SUSPEND, CPU_SUSPEND_64, PSCI_FEATURES -> SUCCESS;
            default -> NOT_SUPPORTED;
        };
    }

    private long affinityInfo(long mpidr, long lowestLevel) {
        if (lowestLevel != 0) {
            return AFFINITY_ON; // QEMU: every level above 0 is always on
        }
        return isBootCpu(mpidr) ? AFFINITY_ON : INVALID_PARAMETERS;
    }

    private boolean isBootCpu(long mpidr) {
        return (mpidr & MPIDR_AFFINITY_MASK) == bootCpuAffinity;
    }

    private static boolean is32(int fn) {
        return (fn & 0x4000_0000) == 0;
    }

    private static Outcome ret(long x0) {
        return new Outcome.Return(x0);
    }
}
