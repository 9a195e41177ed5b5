package dev.virtfw.machine;

import dev.virtfw.machine.bus.MmioBus;
import dev.virtfw.machine.memory.GuestRam;
import dev.virtfw.machine.psci.Psci;
import dev.virtfw.machine.unicorn.Arm64Reg;
import dev.virtfw.machine.unicorn.CpuModel;
import dev.virtfw.machine.unicorn.EngineHooks;
import dev.virtfw.machine.unicorn.MmioHandler;
import dev.virtfw.machine.unicorn.SysReg;
import dev.virtfw.machine.unicorn.Unicorn;
import java.lang.foreign.MemorySegment;

/**
 * One boot of the machine: a fresh Unicorn engine over the machine's RAM, flash and bus, the CPU
 * put in non-secure EL1 with AArch64 below EL3 and EL2, and the run loop. A system reset ends the
 * boot; the machine starts a new one (a new engine is the only complete CPU reset Unicorn offers).
 */
final class Board implements EngineHooks, AutoCloseable {
    /** SCR_EL3: NS (bit 0), HCE (bit 8: hvc reaches the PSCI hook), RW (bit 10: EL2 is AArch64). */
    static final long SCR_EL3_VALUE = 0x501;
    /** HCR_EL2.RW (bit 31): EL1 is AArch64. */
    static final long HCR_EL2_VALUE = 1L << 31;

    // QEMU target/arm/cpu.h EXCP_* numbers as Unicorn's interrupt hook reports them.
    static final int EXCP_UDEF = 1;
    static final int EXCP_SWI = 2;
    static final int EXCP_PREFETCH_ABORT = 3;
    static final int EXCP_DATA_ABORT = 4;
    static final int EXCP_IRQ = 5;
    static final int EXCP_FIQ = 6;
    static final int EXCP_BKPT = 7;
    static final int EXCP_HVC = 11;
    static final int EXCP_SMC = 13;

    /** Why the guest stopped, recorded by a hook before it stops the engine; the first one counts. */
    sealed interface Stop {
        record PowerOff() implements Stop {}

        record Reset() implements Stop {}

        record CpuOff() implements Stop {}

        record TimeLimit(String message) implements Stop {}
    }

    private final Unicorn uc;
    private final GuestRam ram;
    private final MmioBus bus;
    private final Psci psci;
    private volatile Stop stop;

    Board(CpuModel cpu, GuestRam ram, MemorySegment flash, long flashBase, MmioBus bus, Psci psci) {
        this.ram = ram;
        this.bus = bus;
        this.psci = psci;
        this.uc = Unicorn.open(cpu, this);
        try {
            int rwx = Unicorn.PROT_READ | Unicorn.PROT_WRITE | Unicorn.PROT_EXEC;
            uc.memMapPtr(flashBase, flash, rwx);
            uc.memMapPtr(ram.base(), ram.segment(), rwx);
            MmioHandler busPort = new MmioHandler() {
                @Override
                public long read(long address, int size) {
                    return bus.read(address, size);
                }

                @Override
                public void write(long address, int size, long value) {
                    bus.write(address, size, value);
                }
            };
            for (MmioBus.Window w : bus.regions()) {
                uc.mmioMap(w.start(), w.size(), busPort);
            }
            ram.setWriteListener((gpa, length) -> uc.removeCache(gpa, gpa + length));
            uc.cpRegWrite(SysReg.SCR_EL3, SCR_EL3_VALUE);
            uc.cpRegWrite(SysReg.HCR_EL2, HCR_EL2_VALUE);
        } catch (RuntimeException e) {
            uc.close();
            throw e;
        }
    }

    /** Stops the guest from another thread because a bound was reached (the machine is ending anyway). */
    void stopForLimit(String message) {
        record(new Stop.TimeLimit(message));
        uc.stop();
    }

    /**
     * Runs from {@code pc} with x0..x3 = {@code args} until the guest powers off, resets, faults or
     * a bound ends it. {@code maxInstructions} 0 means unbounded.
     */
    RunResult run(long pc, long[] args, long maxInstructions) {
        for (int i = 0; i < args.length; i++) {
            uc.regWrite(Arm64Reg.x(i), args[i]);
        }
        long next = pc;
        while (true) {
            // A bound may have been reached while no engine was running: do not start then.
            int err = stop == null ? uc.start(next, Unicorn.UNTIL_NEVER, maxInstructions) : 0;
            Throwable failure = uc.takeFailure();
            long at = uc.pc();
            Stop s = stop;
            if (s != null) {
                return switch (s) {
                    case Stop.PowerOff p -> RunResult.ok(RunResult.Reason.POWER_OFF, "");
                    case Stop.Reset r -> RunResult.ok(RunResult.Reason.RESET, "guest requested a system reset");
                    case Stop.CpuOff c -> RunResult.stopped(RunResult.Reason.CPU_OFF,
                            "guest turned off its only CPU (PSCI CPU_OFF), pc " + hex(at));
                    case Stop.TimeLimit t -> RunResult.stopped(RunResult.Reason.TIME_LIMIT, t.message() + ", pc " + hex(at));
                };
            }
            if (failure instanceof GuestFaultException g) {
                return RunResult.stopped(RunResult.Reason.GUEST_FAULT, "guest fault: " + g.getMessage() + ", pc " + hex(at));
            }
            if (failure != null) {
                throw new MachineFailureException("internal error while the guest ran (pc " + hex(at) + "): " + failure, failure);
            }
            if (err != 0) {
                return RunResult.stopped(RunResult.Reason.GUEST_FAULT,
                        "guest fault: " + Unicorn.errorText(err) + ", pc " + hex(at));
            }
            if (maxInstructions > 0) {
                return RunResult.stopped(RunResult.Reason.INSTRUCTION_LIMIT,
                        "guest stopped: instruction limit of " + maxInstructions + " reached, pc " + hex(at));
            }
            // Unicorn returned with nothing to report: a WFI with no interrupt source leaves its run
            // loop. This is where an interrupt controller and timer will deliver pending interrupts
            // (HCR_EL2.VI between two uc_emu_start calls, never from a callback) before resuming.
            next = at;
        }
    }

    @Override
    public void interrupt(int intno) {
        if (intno != EXCP_HVC) {
            throw new GuestFaultException(exceptionName(intno), GuestFaultException.NO_ADDRESS);
        }
        // SMCCC: function id in x0, arguments in x1..x3, result in x0; the PC is already past the hvc.
        Psci.Outcome outcome = psci.call(uc.regRead(Arm64Reg.X0), uc.regRead(Arm64Reg.x(1)),
                uc.regRead(Arm64Reg.x(2)), uc.regRead(Arm64Reg.x(3)));
        switch (outcome) {
            case Psci.Outcome.Return r -> uc.regWrite(Arm64Reg.X0, r.x0());
            case Psci.Outcome.SystemOff o -> halt(new Stop.PowerOff());
            case Psci.Outcome.SystemReset o -> halt(new Stop.Reset());
            case Psci.Outcome.CpuOff o -> halt(new Stop.CpuOff());
        }
    }

    @Override
    public void invalidMemory(int type, long address, int size, long value) {
        String what = switch (type) {
            case Unicorn.UC_MEM_READ_UNMAPPED -> "read of " + size + " bytes at unmapped address ";
            case Unicorn.UC_MEM_WRITE_UNMAPPED -> "write of " + size + " bytes at unmapped address ";
            case Unicorn.UC_MEM_FETCH_UNMAPPED -> "instruction fetch from unmapped address ";
            case Unicorn.UC_MEM_READ_PROT -> "read of " + size + " bytes at protected address ";
            case Unicorn.UC_MEM_WRITE_PROT -> "write of " + size + " bytes at protected address ";
            case Unicorn.UC_MEM_FETCH_PROT -> "instruction fetch from protected address ";
            default -> "invalid memory access (type " + type + ") at ";
        };
        throw new GuestFaultException(what + hex(address), address);
    }

    private void halt(Stop s) {
        record(s);
        uc.stop();
    }

    private synchronized void record(Stop s) {
        if (stop == null) {
            stop = s;
        }
    }

    static String exceptionName(int intno) {
        return switch (intno) {
            case EXCP_UDEF -> "undefined instruction";
            case EXCP_SWI -> "supervisor call (svc) with no handler on this board";
            case EXCP_PREFETCH_ABORT -> "prefetch abort (instruction fetch fault)";
            case EXCP_DATA_ABORT -> "data abort (guest MMU or alignment fault)";
            case EXCP_IRQ -> "IRQ exception";
            case EXCP_FIQ -> "FIQ exception";
            case EXCP_BKPT -> "breakpoint (brk)";
            case EXCP_SMC -> "secure monitor call (smc): this board has no EL3 firmware, PSCI is on hvc";
            default -> "CPU exception " + intno;
        };
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    @Override
    public void close() {
        // Host writes after this boot (the next boot's images) must not reach the closed engine.
        ram.setWriteListener((gpa, length) -> {});
        uc.close();
    }
}
