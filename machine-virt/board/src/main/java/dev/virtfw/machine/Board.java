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
import java.util.List;

/**
 * One boot of the machine: a fresh Unicorn engine over the machine's RAM, flash and bus, the CPU
 * put in non-secure EL1 with AArch64 below EL3 and EL2, and the run loop. A system reset ends the
 * boot; the machine starts a new one (a new engine is the only complete CPU reset Unicorn offers).
 *
 * <h2>Flash banks</h2>
 * A bank in read-array mode can have its array mapped into the guest read+execute, so firmware
 * runs from it and reads it at memory speed; otherwise the whole bank is an MMIO region whose
 * accesses go to the device, which answers every mode correctly. Switching costs about 9 ms
 * (Unicorn's {@code uc_mem_unmap} of a 64 MiB region, measured on 2.1.4), and CFI firmware gives
 * hundreds of short command sequences (U-Boot's probe, each program and erase), so the board does
 * not switch back after each one. The switches, each checked on the engine ({@code FlashBankMappingTest}):
 * <ul>
 * <li>Array to device: a guest store to a mapped array raises the write-protection hook, which
 *     records the bank and returns "unhandled": the engine stops with the PC on the store, which
 *     has not happened (no memory change, no base-register writeback). The loop routes the bank
 *     to the device and runs exactly that instruction again ({@code until} = the next one, its
 *     translated block dropped before and after so the stop address takes effect and leaves
 *     nothing behind). (Returning "handled" would let the store land in the array.)
 * <li>Device to array, when the device is in read-array mode and either the guest fetches an
 *     instruction from the bank (the fetch fault stops the engine on that instruction; the loop
 *     maps the array and resumes there), or the guest has read {@link #REMAP_AFTER_READ_BYTES}
 *     through the region since its last write (the read callback stops the engine; Unicorn 2.1
 *     rolls the PC back onto that load and runs it again on resume, from the array: a read in
 *     read-array mode has no side effect, so the repeat is invisible).
 * </ul>
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

    /**
     * Bytes read in read-array mode through a bank routed to its device after which the array is
     * mapped again: the reads then cost about as much as one switch (1 MiB at ~10 ns a byte).
     */
    static final long REMAP_AFTER_READ_BYTES = 1L << 20;

    /** Bytes of one AArch64 instruction. */
    static final long INSTRUCTION = 4;

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
    private final List<FlashBank> flash;
    /** Per bank: the array is mapped (read-array mode) rather than the MMIO region. */
    private final boolean[] arrayMapped;
    /** Per bank: the MMIO handler, one object so the engine reuses its upcall stubs. */
    private final MmioHandler[] flashPorts;
    /** A guest store that hit a mapped array and has not happened yet (set by the hook). */
    private PendingStore pendingStore;

    /** What the write-protection hook saw of a store to a mapped array. */
    private record PendingStore(FlashBank bank, long address, int size, long value) {}
    /** True while the loop runs a single store against a bank routed to its device. */
    private boolean steppingStore;
    /** Per bank: bytes read through its MMIO region in read-array mode since its last write. */
    private final long[] arrayReads;
    /** The banks' mappings should follow their devices' modes again. */
    private boolean remapWanted;
    /** Whether guest RAM is mapped executable, i.e. the guest has run code from RAM in this boot. */
    private boolean ramExecutable;
    /** The guest tried to fetch from RAM before it was executable: the run loop makes it so. */
    private boolean ramExecWanted;
    private volatile Stop stop;

    Board(CpuModel cpu, GuestRam ram, List<FlashBank> flash, MmioBus bus, Psci psci) {
        this.ram = ram;
        this.bus = bus;
        this.psci = psci;
        this.flash = List.copyOf(flash);
        this.arrayMapped = new boolean[this.flash.size()];
        this.flashPorts = new MmioHandler[this.flash.size()];
        this.arrayReads = new long[this.flash.size()];
        this.uc = Unicorn.open(cpu, this);
        try {
            int rwx = Unicorn.PROT_READ | Unicorn.PROT_WRITE | Unicorn.PROT_EXEC;
            FlashBank.ContentObserver observer = (bank, offset, length) ->
                    uc.removeCache(bank.base() + offset, bank.base() + offset + length);
            for (int i = 0; i < this.flash.size(); i++) {
                FlashBank bank = this.flash.get(i);
                flashPorts[i] = flashPort(i);
                map(i, bank.device().inReadArrayMode());
                bank.observe(observer);
            }
            // RAM starts without execute permission: until the guest first runs code from RAM no
            // translated code can stand for it, so a store by the host (a DMA, a loaded kernel)
            // has nothing to invalidate. TB_REMOVE_CACHE costs ~0.5 ms per MiB the first time a
            // range is written (the benchmark's profile): a firmware loading a kernel by DMA from
            // flash pays nothing. The first fetch from RAM makes it executable (see run()).
            uc.memMapPtr(ram.base(), ram.segment(), Unicorn.PROT_READ | Unicorn.PROT_WRITE);
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
            ram.setWriteListener((gpa, length) -> {
                if (ramExecutable) {
                    uc.removeCache(gpa, gpa + length);
                }
            });
            uc.cpRegWrite(SysReg.SCR_EL3, SCR_EL3_VALUE);
            uc.cpRegWrite(SysReg.HCR_EL2, HCR_EL2_VALUE);
        } catch (RuntimeException e) {
            this.flash.forEach(b -> b.observe(null));
            uc.close();
            throw e;
        }
    }

    /** The device behind bank {@code i}, for its MMIO region; a refused access is a guest fault. */
    private MmioHandler flashPort(int i) {
        FlashBank bank = flash.get(i);
        return new MmioHandler() {
            @Override
            public long read(long address, int size) {
                long value;
                try {
                    value = bank.device().read(address - bank.base(), size);
                } catch (IllegalArgumentException e) {
                    throw new GuestFaultException(bank + ": " + e.getMessage(), address);
                }
                if (bank.device().inReadArrayMode() && (arrayReads[i] += size) >= REMAP_AFTER_READ_BYTES
                        && !steppingStore && !remapWanted) {
                    remapWanted = true;
                    uc.stop();      // this load runs again from the array on resume: see the class comment
                }
                return value;
            }

            @Override
            public void write(long address, int size, long value) {
                arrayReads[i] = 0;
                try {
                    bank.device().write(address - bank.base(), size, value);
                } catch (IllegalArgumentException e) {
                    throw new GuestFaultException(bank + ": " + e.getMessage(), address);
                }
            }
        };
    }

    /** Maps bank {@code i}'s array (read+execute) or its MMIO region; nothing is mapped there yet. */
    private void map(int i, boolean array) {
        FlashBank bank = flash.get(i);
        if (array) {
            uc.memMapPtr(bank.base(), bank.device().array(), Unicorn.PROT_READ | Unicorn.PROT_EXEC);
        } else {
            uc.mmioMap(bank.base(), bank.size(), flashPorts[i]);
        }
        arrayMapped[i] = array;
    }

    /**
     * A store fetched from the bank it writes to. As on real flash (and QEMU), the store reaches
     * the device and the next fetch sees whatever the device then shows: this board faults on that
     * fetch when it is not array data. Only a single-register store without base writeback can be
     * performed from what the hook reported; anything else is one clear guest fault.
     */
    private void storeFromTheSameBank(PendingStore store, long pc) {
        FlashBank bank = store.bank();
        int insn = (int) bank.device().read(pc - bank.base(), 4);
        if (!isSingleStoreWithoutWriteback(insn)) {
            throw new GuestFaultException(String.format("store instruction 0x%08x at %s writes to %s, which the code"
                    + " runs from, with base writeback or several registers: this board performs only single-register"
                    + " stores without writeback there (run flash commands from RAM)", insn, hex(pc), bank), store.address());
        }
        flashPorts[flash.indexOf(bank)].write(store.address(), store.size(), store.value());
        if (!bank.device().inReadArrayMode()) {
            int i = flash.indexOf(bank);
            uc.memUnmap(bank.base(), bank.size());
            map(i, false);
        }
    }

    /**
     * Arm ARM C4.1.4 "Loads and Stores": STRB/STRH/STR (general registers) with an unsigned
     * immediate offset (bits 29:24 = 111001), a register offset (111000, bit 21 set, bits 11:10 = 10)
     * or an unscaled immediate (STUR*: 111000, bit 21 clear, bits 11:10 = 00); opc (bits 23:22) = 00.
     */
    static boolean isSingleStoreWithoutWriteback(int insn) {
        int op = (insn >>> 24) & 0b111111;               // bits 29:27 = 111, V (bit 26) = 0, bits 25:24
        int opc = (insn >>> 22) & 0b11;
        if (opc != 0) {
            return false;
        }
        if (op == 0b111001) {
            return true;
        }
        if (op != 0b111000) {
            return false;
        }
        boolean bit21 = ((insn >>> 21) & 1) != 0;
        int bits1110 = (insn >>> 10) & 0b11;
        return bit21 ? bits1110 == 0b10 : bits1110 == 0b00;
    }

    /** Maps every bank as its device's mode asks (between two runs of the engine). */
    private void syncFlashMappings() {
        for (int i = 0; i < flash.size(); i++) {
            FlashBank bank = flash.get(i);
            boolean array = bank.device().inReadArrayMode();
            if (array != arrayMapped[i]) {
                arrayReads[i] = 0;
                uc.memUnmap(bank.base(), bank.size());
                map(i, array);
            }
        }
    }

    private FlashBank bankAt(long address) {
        for (FlashBank b : flash) {
            if (b.contains(address)) {
                return b;
            }
        }
        return null;
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
        long until = Unicorn.UNTIL_NEVER;
        while (true) {
            // A bound may have been reached while no engine was running: do not start then.
            int err = stop == null ? uc.start(next, until, maxInstructions) : 0;
            boolean stepped = until != Unicorn.UNTIL_NEVER;
            if (stepped) {
                steppingStore = false;
                until = Unicorn.UNTIL_NEVER;
                uc.removeCache(next, next + INSTRUCTION);
            }
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
            if (pendingStore != null) {
                PendingStore store = pendingStore;
                pendingStore = null;
                FlashBank bank = store.bank();
                int i = flash.indexOf(bank);
                if (bank.contains(at)) {
                    // The store runs from the bank it writes to: the instruction cannot be fetched
                    // once the bank is routed to its device, so the board performs it.
                    try {
                        storeFromTheSameBank(store, at);
                    } catch (GuestFaultException g) {
                        return RunResult.stopped(RunResult.Reason.GUEST_FAULT,
                                "guest fault: " + g.getMessage() + ", pc " + hex(at));
                    }
                    next = at + INSTRUCTION;
                    continue;
                }
                // The store to the mapped array did not happen: run it once against the device.
                uc.memUnmap(bank.base(), bank.size());
                map(i, false);
                uc.removeCache(at, at + INSTRUCTION);
                steppingStore = true;
                until = at + INSTRUCTION;
                next = at;
                continue;
            }
            if (ramExecWanted) {
                // The first fetch from RAM: from now on every store into RAM by the host drops
                // the translated code it overwrites. Outside any callback, as uc_mem_protect must be.
                ramExecWanted = false;
                ramExecutable = true;
                uc.memProtect(ram.base(), ram.size(), Unicorn.PROT_READ | Unicorn.PROT_WRITE | Unicorn.PROT_EXEC);
                next = at;
                continue;
            }
            if (remapWanted) {
                // A fetch from, or many reads of, a bank routed to its device in read-array mode.
                remapWanted = false;
                syncFlashMappings();
                next = at;
                continue;
            }
            if (stepped && err == 0) {
                next = at;          // the store went to the device; the bank stays routed to it
                continue;
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
        if (type == Unicorn.UC_MEM_FETCH_PROT && !ramExecutable && ram.contains(address, 1)) {
            ramExecWanted = true;   // unhandled: the engine stops before the fetch; the loop retries it
            return;
        }
        FlashBank bank = bankAt(address);
        if (bank != null) {
            boolean mapped = arrayMapped[flash.indexOf(bank)];
            if (type == Unicorn.UC_MEM_WRITE_PROT && mapped && pendingStore == null) {
                // Unhandled: the engine stops before the store. (The address is the one the guest
                // used; firmware maps flash one to one, as U-Boot and EDK2 do.)
                pendingStore = new PendingStore(bank, address, size, value);
                return;
            }
            if (type == Unicorn.UC_MEM_FETCH_PROT && !mapped) {
                if (bank.device().inReadArrayMode()) {
                    remapWanted = true;         // mapped again by the loop; the fetch is retried
                    return;
                }
                throw new GuestFaultException("instruction fetch from " + bank + " at " + hex(address)
                        + " while the flash answers in " + bank.device().mode() + " mode, not read-array", address);
            }
        }
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
        flash.forEach(b -> b.observe(null));
        uc.close();
    }
}
