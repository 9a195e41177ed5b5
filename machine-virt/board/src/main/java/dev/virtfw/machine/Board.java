package dev.virtfw.machine;

import dev.virtfw.machine.bus.MmioBus;
import dev.virtfw.machine.devices.Pl011;
import dev.virtfw.machine.devices.Pl031;
import dev.virtfw.machine.devices.Pl061;
import dev.virtfw.machine.irq.Gicv3;
import dev.virtfw.machine.irq.InterruptController;
import dev.virtfw.machine.timer.GenericTimer;
import dev.virtfw.machine.unicorn.ExceptionRecord;
import dev.virtfw.machine.memory.GuestRam;
import dev.virtfw.machine.psci.Psci;
import dev.virtfw.machine.unicorn.Arm64Reg;
import dev.virtfw.machine.unicorn.CpuModel;
import dev.virtfw.machine.unicorn.EngineHooks;
import dev.virtfw.machine.unicorn.MmioHandler;
import dev.virtfw.machine.unicorn.SysReg;
import dev.virtfw.machine.unicorn.Unicorn;
import dev.virtfw.machine.unicorn.UnicornException;
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
 *     through the region since its last write (the read callback only records the wish; the loop
 *     maps the array at the end of the current run slice, so no load is ever interrupted).
 * </ul>
 *
 * <h2>The run loop</h2>
 * The engine runs in slices of {@link #SLICE} instructions (Unicorn's own instruction count, which
 * stops synchronously before an instruction), and returns early when a hook asks for it. Every
 * reason the engine comes back for is one {@link Exit} value recorded by the hook that saw it; the
 * loop takes it and acts. Between two slices, and only there, the loop lets time pass for the
 * timers and the console and raises the CPU's interrupt input (HCR_EL2.VI): raising it inside a
 * callback would ask Unicorn to stop in the middle of a load or store, which it then repeats.
 * Lowering it inside a callback (the guest acknowledged the interrupt) is safe and is done at once.
 *
 * <h2>Exceptions</h2>
 * Unicorn's interrupt hook takes every synchronous exception; the board delivers it to the guest's
 * EL1 vectors as the architecture does (see {@link #deliver}), with the syndrome and fault address
 * the CPU itself computed ({@link Unicorn#exceptionRecord()}). IRQs reach the guest natively: the
 * guest runs with HCR_EL2.IMO set, so the CPU takes a virtual IRQ at EL1 whenever VI is set and
 * PSTATE.I is clear. WFI traps to the board (HCR_EL2.TWI), which sleeps until the next timer
 * deadline or console input.
 */
final class Board implements EngineHooks, AutoCloseable {
    /**
     * SCR_EL3: NS (bit 0), HCE (bit 8: hvc reaches the PSCI hook), RW (bit 10: EL2 is AArch64), APK
     * and API (bits 16, 17: pointer authentication keys and instructions do not trap to EL3).
     */
    static final long SCR_EL3_VALUE = 0x501 | 1L << 16 | 1L << 17;
    /** HCR_EL2.APK, HCR_EL2.API (bits 40, 41): nor to EL2. Ignored by a CPU without pointer authentication. */
    static final long HCR_PAUTH = 1L << 40 | 1L << 41;
    /**
     * HCR_EL2.TID3 (bit 18): EL1 reads of the ID registers trap to the board. Set only on a CPU
     * with SVE (QEMU's max), which the board hides: Unicorn 2.1.4 never fills the CPU's table of
     * supported vector lengths, so the first vector-length computation after a guest enables SVE
     * fails an assertion and aborts the whole process. With SVE hidden and CPTR_EL3.EZ left clear,
     * an SVE instruction or ZCR_EL1 access is an undefined instruction, as on a CPU without SVE.
     */
    static final long HCR_TID3 = 1L << 18;
    /** HCR_EL2.RW (bit 31): EL1 is AArch64. */
    static final long HCR_RW = 1L << 31;
    /** HCR_EL2.TWI (bit 13): WFI at EL0/EL1 traps, so the board sees the guest idle. */
    static final long HCR_TWI = 1L << 13;
    /** HCR_EL2.IMO (bit 4): IRQs are virtual, so HCR_EL2.VI raises one at EL1. */
    static final long HCR_IMO = 1L << 4;
    /** HCR_EL2.VI (bit 7): the virtual IRQ input. */
    static final long HCR_VI = 1L << 7;
    /** HCR_EL2.FMO (bit 3): FIQs are virtual, so HCR_EL2.VF raises one at EL1 (a GICv3's group 0). */
    static final long HCR_FMO = 1L << 3;
    /** HCR_EL2.VF (bit 6): the virtual FIQ input. */
    static final long HCR_VF = 1L << 6;
    /** HCR_EL2 while the guest runs (VI and VF clear). */
    static final long HCR_EL2_VALUE = HCR_RW | HCR_TWI | HCR_IMO | HCR_FMO | HCR_PAUTH;

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

    // ESR_ELx exception classes (Arm ARM D17.2.37).
    /** SCTLR_EL1.M (bit 0): the EL1&0 stage-1 MMU is on. */
    static final long SCTLR_M = 1;
    static final int EC_UNKNOWN = 0x00;
    static final int EC_WFX = 0x01;
    /** MSR, MRS or System instruction trapped (here: the physical counter/timer, CNTHCTL_EL2 = 0). */
    static final int EC_SYSREG = 0x18;
    static final int EC_INSN_ABORT_LOWER = 0x20;
    static final int EC_INSN_ABORT_SAME = 0x21;
    static final int EC_PC_ALIGNMENT = 0x22;
    static final int EC_DATA_ABORT_LOWER = 0x24;
    static final int EC_DATA_ABORT_SAME = 0x25;
    static final int EC_WATCHPOINT_LOWER = 0x34;
    static final int EC_WATCHPOINT_SAME = 0x35;
    static final int ESR_IL = 1 << 25;
    /** DFSC/IFSC: synchronous external abort, not on a table walk. */
    static final int FSC_EXTERNAL_ABORT = 0x10;
    /** ESR ISS.WnR for data aborts. */
    static final int ISS_WNR = 1 << 6;

    // PSTATE fields (SPSR format).
    static final int PSTATE_EL1H = 0b0101;
    static final int PSTATE_DAIF = 0xF << 6;
    static final int PSTATE_PAN = 1 << 22;
    /** SCTLR_EL1.SPAN (bit 23): 0 sets PSTATE.PAN on exception entry to EL1. */
    static final long SCTLR_SPAN = 1L << 23;
    // Vector offsets (Arm ARM D1.10.2).
    static final long VECTOR_CURRENT_SP0 = 0x000;
    static final long VECTOR_CURRENT_SPX = 0x200;
    static final long VECTOR_LOWER_A64 = 0x400;

    /**
     * Instructions per run slice: short enough that a timer interrupt is noticed within about a
     * millisecond of its deadline, long enough that the cost of a slice (a return to Java, the
     * timers and console polled) is small against the slice itself.
     */
    static final long SLICE = 200_000;
    /** The same bound in translated blocks, for block-hook slicing (blocks average 5-10 instructions). */
    static final int SLICE_BLOCKS = 30_000;
    /**
     * How the run is sliced: "block" (default) stops at the start of a translated block when a
     * slice is spent or the board asks for service; "count" uses Unicorn's instruction count.
     */
    static final boolean BLOCK_SLICING = !"count".equals(System.getProperty("virtfw.slicing", "block"));
    /** Longest sleep of a WFI with nothing that could wake it (a spurious wake-up is architectural). */
    static final long IDLE_SLEEP_NANOS = 10_000_000;

    /**
     * Bytes read in read-array mode through a bank routed to its device after which the array is
     * mapped again: the reads then cost about as much as one switch (1 MiB at ~10 ns a byte).
     */
    static final long REMAP_AFTER_READ_BYTES = 1L << 20;

    /** Bytes of one AArch64 instruction. */
    static final long INSTRUCTION = 4;

    /**
     * Why the engine came back: recorded by the hook that saw it. An exit that ends the run is never
     * replaced by one the loop resumes from.
     */
    sealed interface Exit {
        /** The run ends with it. */
        sealed interface Ends extends Exit {}

        /** The loop acts on it and runs the guest again. */
        sealed interface Resumes extends Exit {}

        record PowerOff() implements Ends {}

        record Reset() implements Ends {}

        record CpuOff() implements Ends {}

        record TimeLimit(String message) implements Ends {}
        /** The person at the console ended the machine (Ctrl-A x). */
        record Quit() implements Ends {}

        record BudgetSpent(long instructions) implements Ends {}

        record GuestFault(String message, long address) implements Ends {}

        /** A guest store to a mapped flash array; it has not happened yet. */
        record PendingFlashStore(FlashBank bank, long address, int size, long value) implements Resumes {}

        /** The banks' mappings should follow their devices' modes again. */
        record FlashRemap() implements Resumes {}

        /** The guest fetched from RAM for the first time in this boot: make RAM executable. */
        record RamExecutable() implements Resumes {}

        /** The board asked to serve the interrupts and the flash mappings (at a block boundary). */
        record Service() implements Resumes {}

        /** The guest executed WFI (trapped): the PC is on it. */
        record Wfi() implements Resumes {}

        /** An access to an address where nothing is mapped: an external abort for the guest. */
        record Unassigned(int type, long address, int size) implements Resumes {}
    }

    /** The interrupt sources and controller the loop serves between slices. */
    record Interrupts(InterruptController gic, GenericTimer timer, Pl011 uart, Pl031 rtc, Pl061 gpio,
                      dev.virtfw.machine.console.ConsoleInput input) {}

    /** QEMU's gpio-key: how long the power key stays pressed (GPIO_KEY_LATENCY, 100 ms). */
    static final long POWER_KEY_PRESS_NANOS = 100_000_000L;
    /** The console's monitor asked for the power key; taken by the loop between slices. */
    private volatile boolean powerKeyWanted;
    /** When the pressed power key is released ({@link System#nanoTime}), or 0 when it is up. */
    private long powerKeyRelease;

    private final Unicorn uc;
    private final CpuModel cpu;
    private final GuestRam ram;
    private final MmioBus bus;
    private final Psci psci;
    private final Interrupts irq;
    private final List<FlashBank> flash;
    /** Per bank: the array is mapped (read-array mode) rather than the MMIO region. */
    private final boolean[] arrayMapped;
    /** Per bank: the MMIO handler, one object so the engine reuses its upcall stubs. */
    private final MmioHandler[] flashPorts;
    /** Per bank: bytes read through its MMIO region in read-array mode since its last write. */
    private final long[] arrayReads;
    /** The banks' mappings should follow their devices' modes at the end of this slice. */
    private boolean remapWanted;
    /** True while the loop runs a single store against a bank routed to its device. */
    private boolean steppingStore;
    /** HCR_EL2 while the guest runs with VI clear: {@link #HCR_EL2_VALUE}, and TID3 on a CPU with SVE. */
    private long hcrEl2 = HCR_EL2_VALUE;
    /** Where accesses to unassigned addresses are logged for the operator, or null. */
    private UnassignedAccesses unassigned;
    /** Whether guest RAM is mapped executable, i.e. the guest has run code from RAM in this boot. */
    private boolean ramExecutable;
    /** Whether HCR_EL2.VI and HCR_EL2.VF are set in the CPU. */
    private boolean viRaised;
    private boolean vfRaised;
    /** The instruction budget of this boot (0: none), and what is left of it. */
    private final long budget;
    private long executed;
    private volatile Exit exit;

    Board(CpuModel cpu, GuestRam ram, List<FlashBank> flash, MmioBus bus, Psci psci, Interrupts irq, long budget) {
        this.cpu = cpu;
        this.ram = ram;
        this.bus = bus;
        this.psci = psci;
        this.irq = irq;
        this.budget = budget;
        this.flash = List.copyOf(flash);
        this.arrayMapped = new boolean[this.flash.size()];
        this.flashPorts = new MmioHandler[this.flash.size()];
        this.arrayReads = new long[this.flash.size()];
        this.uc = Unicorn.open(cpu, this, budget > 0, BLOCK_SLICING);
        uc.armBlockStop(SLICE_BLOCKS);
        try {
            uc.reportInstructionCacheInvalidations();
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
                    inBusAccess = true;
                    try {
                        return bus.read(address, size);
                    } finally {
                        inBusAccess = false;
                        sctlrKnown = false;
                    }
                }

                @Override
                public void write(long address, int size, long value) {
                    inBusAccess = true;
                    try {
                        bus.write(address, size, value);
                    } finally {
                        inBusAccess = false;
                        sctlrKnown = false;
                    }
                }
            };
            for (MmioBus.Window w : bus.regions()) {
                uc.mmioMap(w.start(), w.size(), busPort);
            }
            ram.setWriteListener((gpa, length) -> {
                if (ramExecutable) {
                    dropTranslatedCode(gpa, length);
                }
            });
            uc.cpRegWrite(SysReg.SCR_EL3, SCR_EL3_VALUE);
            hcrEl2 = HCR_EL2_VALUE | (hasSve(uc) || irq.gic() instanceof Gicv3 ? HCR_TID3 : 0);
            uc.cpRegWrite(SysReg.HCR_EL2, hcrEl2);
            long cntvoff = irq.timer().boot(uc::cpRegWrite);
            uc.cpRegWrite(SysReg.CNTVOFF_EL2, cntvoff);
            uc.cpRegWrite(SysReg.CNTHCTL_EL2, 0);  // physical counter and timer reads trap: GenericTimer
            irq.gic().setOutputListener(this::gicOutputChanged);
        } catch (RuntimeException e) {
            this.flash.forEach(b -> b.observe(null));
            irq.timer().detach();
            uc.close();
            throw e;
        }
    }

    /**
     * Drops the translated code of guest-physical range [gpa, gpa + length) after the host wrote
     * it (a DMA, a flash store). Unicorn's only such call (uc_ctl TB_REMOVE_CACHE) takes a guest
     * <em>virtual</em> address: it translates the start through the guest's MMU as an instruction
     * fetch. With the MMU on that is the wrong address, and for a page the guest maps
     * non-executable (UEFI's stack, where it keeps its fw_cfg DMA descriptors) the translation
     * faults: Unicorn swallows the fault but leaves a prefetch abort pending, which the guest then
     * takes at a random instruction. So the MMU is switched off around the call, which makes the
     * translation the identity and cannot fault; translated code is keyed by physical address and
     * survives the TLB flush the two SCTLR writes cause.
     */
    private void dropTranslatedCode(long gpa, long length) {
        // One device access can write guest RAM more than once (a DMA's data, then its control
        // word) and the guest runs in between none of them: the register is read once per access.
        long sctlr;
        if (sctlrKnown) {
            sctlr = sctlrInAccess;
        } else {
            sctlr = uc.cpRegRead(SysReg.SCTLR_EL1);
            sctlrInAccess = sctlr;
            sctlrKnown = inBusAccess;
        }
        if ((sctlr & SCTLR_M) == 0) {
            uc.removeCache(gpa, gpa + length);
            return;
        }
        uc.cpRegWrite(SysReg.SCTLR_EL1, sctlr & ~SCTLR_M);
        try {
            uc.removeCache(gpa, gpa + length);
        } finally {
            uc.cpRegWrite(SysReg.SCTLR_EL1, sctlr);
        }
    }

    /**
     * SCTLR_EL1 as read during the current bus access (see {@link #dropTranslatedCode}); forgotten
     * when the access returns, since the guest may change it once it runs again.
     */
    private long sctlrInAccess;
    private boolean sctlrKnown;
    /** True while a guest access to the bus is being served (the guest cannot run meanwhile). */
    private boolean inBusAccess;

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
                        && !steppingStore) {
                    remapWanted = true;     // mapped at the next block boundary; nothing is stopped here
                    uc.stopAtNextBlock();
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
    private void storeFromTheSameBank(Exit.PendingFlashStore store, long pc) {
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
        halt(new Exit.TimeLimit(message));
    }

    /** Stops the guest from another thread because the console asked to end the machine. */
    void stopForQuit() {
        halt(new Exit.Quit());
    }

    /**
     * Runs from {@code pc} with x0..x3 = {@code args} until the guest powers off, resets, faults or
     * a bound ends it.
     */
    RunResult run(long pc, long[] args) {
        for (int i = 0; i < args.length; i++) {
            uc.regWrite(Arm64Reg.x(i), args[i]);
        }
        long next = pc;
        long until = Unicorn.UNTIL_NEVER;
        while (true) {
            serviceInterrupts();
            // A bound may have been reached while no engine was running: do not start then. The
            // block hook (or, with -Dvirtfw.slicing=count, Unicorn's count) ends the slice.
            int err = exit == null ? uc.start(next, until, budget > 0 || BLOCK_SLICING ? 0 : SLICE) : 0;
            // A slice ends after SLICE_BLOCKS blocks, or at the block after a stop was asked for
            // (an interrupt to raise, a flash bank to remap); the count starts again only then.
            uc.rearmBlockStop(SLICE_BLOCKS);
            boolean stepped = until != Unicorn.UNTIL_NEVER;
            if (stepped) {
                steppingStore = false;
                until = Unicorn.UNTIL_NEVER;
                uc.removeCache(next, next + INSTRUCTION);
            }
            Throwable failure = uc.takeFailure();
            long at = uc.pc();
            Exit e = exit;
            exit = null;
            if (failure instanceof GuestFaultException g) {
                e = new Exit.GuestFault(g.getMessage(), g.address());
            } else if (failure != null) {
                throw new MachineFailureException("internal error while the guest ran (pc " + hex(at) + "): " + failure, failure);
            }
            if (e == null) {
                // The count ran out or the store step ended: as the end of a slice.
                e = err != 0 ? new Exit.GuestFault(Unicorn.errorText(err), GuestFaultException.NO_ADDRESS)
                        : new Exit.Service();
            }
            switch (e) {
                case Exit.PowerOff p -> {
                    return RunResult.ok(RunResult.Reason.POWER_OFF, "");
                }
                case Exit.Reset r -> {
                    return RunResult.ok(RunResult.Reason.RESET, "guest requested a system reset");
                }
                case Exit.CpuOff c -> {
                    return RunResult.stopped(RunResult.Reason.CPU_OFF,
                            "guest turned off its only CPU (PSCI CPU_OFF), pc " + hex(at));
                }
                case Exit.Quit q -> {
                    return RunResult.ok(RunResult.Reason.TERMINATED, "Terminated (Ctrl-A x)");
                }
                case Exit.TimeLimit t -> {
                    return RunResult.stopped(RunResult.Reason.TIME_LIMIT, t.message() + ", pc " + hex(at));
                }
                case Exit.BudgetSpent b -> {
                    return RunResult.stopped(RunResult.Reason.INSTRUCTION_LIMIT,
                            "guest stopped: instruction limit of " + b.instructions() + " reached, pc " + hex(at));
                }
                case Exit.GuestFault g -> {
                    return RunResult.stopped(RunResult.Reason.GUEST_FAULT, "guest fault: " + g.message() + ", pc " + hex(at));
                }
                case Exit.PendingFlashStore store -> {
                    if (budget > 0) {
                        executed--;     // counted by the code hook, but it did not happen: it runs again
                    }
                    FlashBank bank = store.bank();
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
                    map(flash.indexOf(bank), false);
                    uc.removeCache(at, at + INSTRUCTION);
                    steppingStore = true;
                    until = at + INSTRUCTION;
                    next = at;
                }
                case Exit.RamExecutable r -> {
                    // From now on every store into RAM by the host drops the translated code it
                    // overwrites. Outside any callback, as uc_mem_protect must be.
                    ramExecutable = true;
                    uc.memProtect(ram.base(), ram.size(), Unicorn.PROT_READ | Unicorn.PROT_WRITE | Unicorn.PROT_EXEC);
                    if (STORE_FAST_PATH) {
                        // Unicorn sends every store to a page a memory hook covers through its slow
                        // path; RAM is now mapped with every permission, so no hook is needed there.
                        // Translated code stays coherent with stores: see instructionCacheInvalidation.
                        uc.leaveUnhooked(ram.base(), ram.size());
                    }
                    next = at;
                }
                case Exit.FlashRemap r -> {
                    remapWanted = false;
                    syncFlashMappings();
                    next = at;
                }
                case Exit.Service s -> {
                    // The end of a slice: the interrupts are served at the top of the loop.
                    if (remapWanted) {
                        remapWanted = false;
                        syncFlashMappings();
                    }
                    next = at;
                }
                case Exit.Wfi w -> {
                    idle();
                    next = at + INSTRUCTION;
                }
                case Exit.Unassigned u -> {
                    String what = unassignedAccess(u);
                    if (!deliver(externalAbort(u), u.address())) {
                        return RunResult.stopped(RunResult.Reason.GUEST_FAULT, "guest fault: " + what + ", pc " + hex(at));
                    }
                    if (unassigned != null) {
                        unassigned.record(u.address(), what, at);   // the run goes on: tell the operator
                    }
                    next = uc.pc();
                }
            }
        }
    }

    /** Logs every access the guest makes to an unassigned address into {@code log}. */
    void logUnassignedTo(UnassignedAccesses log) {
        this.unassigned = log;
    }

    // ---- interrupts, between slices ----

    /** Lets time pass for the timers and the console, then raises the CPU's IRQ input if the GIC asks. */
    private void serviceInterrupts() {
        pollSources();
        InterruptController gic = irq.gic();
        if ((gic.irqOutput() && !viRaised) || (gic.fiqOutput() && !vfRaised)) {
            setVirtualLines(viRaised || gic.irqOutput(), vfRaised || gic.fiqOutput());
        }
    }

    /** The GIC's outputs changed: lower VI/VF at once (safe in a callback); raising waits for the loop. */
    private void gicOutputChanged() {
        boolean irqOut = irq.gic().irqOutput();
        boolean fiqOut = irq.gic().fiqOutput();
        if ((!irqOut && viRaised) || (!fiqOut && vfRaised)) {
            setVirtualLines(viRaised && irqOut, vfRaised && fiqOut);
        }
        if ((irqOut && !viRaised) || (fiqOut && !vfRaised)) {
            uc.stopAtNextBlock();   // raised by the loop, at the next block boundary
        }
    }

    /** The timers look at the counter, the RTC at its match, the UART at the console input; their lines follow. */
    private void pollSources() {
        irq.timer().poll();
        irq.rtc().poll();
        irq.uart().pollInput();
        pollPowerKey();
    }

    /**
     * The monitor's {@code system_powerdown}, as QEMU's virt does it without ACPI: its gpio-key
     * drives the PL061's GPIO 3 high, and 100 ms later low again (a press while it is down keeps
     * it down another 100 ms).
     */
    private void pollPowerKey() {
        if (powerKeyWanted) {
            powerKeyWanted = false;
            irq.gpio().setInput(Pl061.POWER_KEY_PIN, true);
            powerKeyRelease = System.nanoTime() + POWER_KEY_PRESS_NANOS;
        } else if (powerKeyRelease != 0 && System.nanoTime() - powerKeyRelease >= 0) {
            powerKeyRelease = 0;
            irq.gpio().setInput(Pl061.POWER_KEY_PIN, false);
        }
    }

    /** Presses the power key from another thread (the console's monitor); the loop takes it at the next slice. */
    void pressPowerKey() {
        powerKeyWanted = true;
    }

    /** Stops the guest from another thread because the console's monitor asked for a system reset. */
    void stopForReset() {
        halt(new Exit.Reset());
    }

    private void setVirtualLines(boolean vi, boolean vf) {
        viRaised = vi;
        vfRaised = vf;
        uc.cpRegWrite(SysReg.HCR_EL2, hcrEl2 | (vi ? HCR_VI : 0) | (vf ? HCR_VF : 0));
    }

    /**
     * The guest waits for an interrupt: sleep until the next timer deadline or console input, unless
     * an interrupt is already due. With nothing that could wake it, sleep a while and return (WFI
     * may end without a reason): the guest looks again, and a time limit can end the run.
     */
    private void idle() {
        pollSources();
        if (irq.gic().irqOutput() || irq.gic().fiqOutput()) {
            return;
        }
        irq.uart().flushOutput();
        long deadline = Math.min(irq.timer().nextDeadlineNanos(), irq.rtc().nextDeadlineNanos());
        if (powerKeyRelease != 0) {
            deadline = Math.min(deadline, powerKeyRelease);
        }
        long now = System.nanoTime();
        long wait = deadline == Long.MAX_VALUE ? IDLE_SLEEP_NANOS : Math.min(IDLE_SLEEP_NANOS * 100, deadline - now);
        if (wait > 0) {
            irq.input().await(wait);
        }
    }

    // ---- synchronous exceptions ----

    /**
     * Takes a synchronous exception to EL1 as the architecture does (Arm ARM D1.10 "Exception
     * entry"): SPSR_EL1 = PSTATE, ELR_EL1 = the preferred return address (the PC as the CPU left it),
     * ESR_EL1 = the syndrome, FAR_EL1 for aborts, the stack pointer switched to SP_EL1, PSTATE =
     * EL1h with D, A, I, F masked (PAN set when SCTLR_EL1.SPAN is 0 on a CPU that has it), and the PC
     * at the vector for the exception's origin. The guest's own ERET undoes it natively.
     *
     * @return whether it was delivered: not when the guest has no vectors (VBAR_EL1 = 0)
     */
    private boolean deliver(int syndrome, long faultAddress) {
        long vbar = uc.cpRegRead(SysReg.VBAR_EL1);
        if (vbar == 0) {
            return false;
        }
        long pc = uc.pc();
        long pstate = uc.regRead(Arm64Reg.PSTATE) & 0xFFFF_FFFFL;
        int el = (int) (pstate >>> 2) & 3;
        boolean spx = (pstate & 1) != 0;
        long offset = el == 0 ? VECTOR_LOWER_A64 : spx ? VECTOR_CURRENT_SPX : VECTOR_CURRENT_SP0;
        if (!(el == 1 && spx)) {
            long sp0 = uc.regRead(Arm64Reg.SP);
            uc.regWrite(Arm64Reg.SP_EL0, sp0);
            uc.regWrite(Arm64Reg.SP, uc.regRead(Arm64Reg.SP_EL1));
        }
        long newPstate = PSTATE_EL1H | PSTATE_DAIF;
        if (cpu.hasPan() && (uc.cpRegRead(SysReg.SCTLR_EL1) & SCTLR_SPAN) == 0) {
            newPstate |= PSTATE_PAN;
        }
        uc.regWrite(Arm64Reg.PSTATE, newPstate);
        uc.regWrite(Arm64Reg.ELR_EL1, pc);
        // CP_REG writes last: each makes Unicorn rebuild its cached view of PSTATE and the EL.
        uc.cpRegWrite(SysReg.SPSR_EL1, pstate);
        int ec = syndrome >>> 26;
        if (ec == EC_INSN_ABORT_LOWER || ec == EC_INSN_ABORT_SAME || ec == EC_PC_ALIGNMENT
                || ec == EC_DATA_ABORT_LOWER || ec == EC_DATA_ABORT_SAME
                || ec == EC_WATCHPOINT_LOWER || ec == EC_WATCHPOINT_SAME) {
            uc.cpRegWrite(SysReg.FAR_EL1, faultAddress);
        }
        uc.cpRegWrite(SysReg.ESR_EL1, Integer.toUnsignedLong(syndrome));
        uc.regWrite(Arm64Reg.PC, vbar + offset);
        return true;
    }

    /** Delivers the exception the CPU raised; returns a fault message when the guest has no vectors. */
    private String deliverRaised(int intno, ExceptionRecord r) {
        int syndrome = r.syndrome();
        if (r.targetEl() != 1) {
            // No EL2 or EL3 exists for the guest (QEMU's virt without virtualization or secure):
            // what would go there (an SMC, an EL2 register) is undefined at EL1.
            syndrome = EC_UNKNOWN << 26 | ESR_IL;
            if (intno == EXCP_SMC) {
                uc.regWrite(Arm64Reg.PC, uc.pc() - INSTRUCTION); // the undefined instruction itself
            }
        }
        if (!deliver(syndrome, r.vaddress())) {
            String what = exceptionName(intno);
            if (intno == EXCP_DATA_ABORT || intno == EXCP_PREFETCH_ABORT) {
                what += " at " + hex(r.vaddress());
            }
            return what;
        }
        return null;
    }

    /** What the guest did at an address where nothing is mapped, for the line that ends a run. */
    private static String unassignedAccess(Exit.Unassigned u) {
        if (u.type() == Unicorn.UC_MEM_FETCH_UNMAPPED) {
            return "instruction fetch from unmapped address " + hex(u.address());
        }
        return (u.type() == Unicorn.UC_MEM_WRITE_UNMAPPED ? "write of " : "read of ") + u.size()
                + " bytes at unmapped address " + hex(u.address());
    }

    /**
     * The syndrome of the synchronous external abort QEMU answers an access to an address where
     * nothing is mapped with: an instruction or data abort (WnR for a write) from this EL or below.
     */
    private int externalAbort(Exit.Unassigned u) {
        boolean fetch = u.type() == Unicorn.UC_MEM_FETCH_UNMAPPED;
        boolean lower = ((uc.regRead(Arm64Reg.PSTATE) >>> 2) & 3) == 0;
        int ec = fetch ? (lower ? EC_INSN_ABORT_LOWER : EC_INSN_ABORT_SAME)
                : (lower ? EC_DATA_ABORT_LOWER : EC_DATA_ABORT_SAME);
        return ec << 26 | ESR_IL | FSC_EXTERNAL_ABORT | (u.type() == Unicorn.UC_MEM_WRITE_UNMAPPED ? ISS_WNR : 0);
    }

    /**
     * Whether RAM leaves the memory hooks once it is executable (the default; false, through the
     * JVM property virtfw.storeFastPath, keeps them, for measurements).
     */
    static final boolean STORE_FAST_PATH = Boolean.parseBoolean(System.getProperty("virtfw.storeFastPath", "true"));

    // ---- hooks ----

    @Override
    public void interrupt(int intno) {
        if (intno == EXCP_HVC) {
            // SMCCC from EL1 (at EL0 hvc is an undefined instruction): function id in x0, arguments
            // in x1..x3, result in x0; the PC is past the hvc.
            Psci.Outcome outcome = psci.call(uc.regRead(Arm64Reg.X0), uc.regRead(Arm64Reg.x(1)),
                    uc.regRead(Arm64Reg.x(2)), uc.regRead(Arm64Reg.x(3)));
            switch (outcome) {
                case Psci.Outcome.Return r -> uc.regWrite(Arm64Reg.X0, r.x0());
                case Psci.Outcome.SystemOff o -> halt(new Exit.PowerOff());
                case Psci.Outcome.SystemReset o -> halt(new Exit.Reset());
                case Psci.Outcome.CpuOff o -> halt(new Exit.CpuOff());
            }
            return;
        }
        ExceptionRecord r = uc.exceptionRecord();
        if (intno == EXCP_UDEF && r.exceptionClass() == EC_WFX && r.targetEl() == 2) {
            // WFI trapped by HCR_EL2.TWI: the PC is on it; the loop idles and steps past it.
            halt(new Exit.Wfi());
            return;
        }
        if (intno == EXCP_UDEF && r.exceptionClass() == EC_SYSREG && r.targetEl() == 2
                && trappedSystemRegister(r.syndrome())) {
            return;
        }
        if (intno == EXCP_UDEF && r.exceptionClass() == EC_UNKNOWN && r.targetEl() == 1
                && irq.gic() instanceof Gicv3 gic && gicSystemRegister(gic)) {
            return;
        }
        String fault = deliverRaised(intno, r);
        if (fault != null) {
            throw new GuestFaultException(fault, GuestFaultException.NO_ADDRESS);
        }
    }

    @Override
    public void invalidMemory(int type, long address, int size, long value) {
        if (type == Unicorn.UC_MEM_FETCH_PROT && !ramExecutable && ram.contains(address, 1)) {
            record(new Exit.RamExecutable());   // unhandled: the engine stops before the fetch; the loop retries it
            return;
        }
        FlashBank bank = bankAt(address);
        if (bank != null) {
            boolean mapped = arrayMapped[flash.indexOf(bank)];
            if (type == Unicorn.UC_MEM_WRITE_PROT && mapped) {
                // Unhandled: the engine stops before the store. (The address is the one the guest
                // used; firmware maps flash one to one, as U-Boot and EDK2 do.)
                record(new Exit.PendingFlashStore(bank, address, size, value));
                return;
            }
            if (type == Unicorn.UC_MEM_FETCH_PROT && !mapped) {
                if (bank.device().inReadArrayMode()) {
                    record(new Exit.FlashRemap());     // mapped again by the loop; the fetch is retried
                    return;
                }
                throw new GuestFaultException("instruction fetch from " + bank + " at " + hex(address)
                        + " while the flash answers in " + bank.device().mode() + " mode, not read-array", address);
            }
        }
        if (type == Unicorn.UC_MEM_READ_UNMAPPED || type == Unicorn.UC_MEM_WRITE_UNMAPPED
                || type == Unicorn.UC_MEM_FETCH_UNMAPPED) {
            record(new Exit.Unassigned(type, address, size));   // the engine stops on the access
            return;
        }
        String what = switch (type) {
            case Unicorn.UC_MEM_READ_PROT -> "read of " + size + " bytes at protected address ";
            case Unicorn.UC_MEM_WRITE_PROT -> "write of " + size + " bytes at protected address ";
            case Unicorn.UC_MEM_FETCH_PROT -> "instruction fetch from protected address ";
            default -> "invalid memory access (type " + type + ") at ";
        };
        throw new GuestFaultException(what + hex(address), address);
    }

    /** op0 = 3, op1 = 0, CRn = 0: the ID registers HCR_EL2.TID3 traps (with CRm 1 to 7). */
    private static final int ID_SPACE = SysReg.encode(3, 0, 0, 0, 0);
    private static final int ID_SPACE_MASK = SysReg.encode(3, 7, 15, 0, 0);
    private static final int ID_AA64PFR0 = SysReg.ID_AA64PFR0_EL1.encoding();
    private static final int ID_AA64ZFR0 = SysReg.ID_AA64ZFR0_EL1.encoding();
    /** ID_AA64PFR0_EL1.SVE, bits 35:32. */
    private static final long PFR0_SVE = 0xfL << 32;
    /** ID_AA64PFR0_EL1.GIC, bits 27:24: 1 when the GICv3 system-register interface exists (QEMU sets it with a GICv3). */
    private static final long PFR0_GIC = 0xfL << 24;
    private static final long PFR0_GIC_V3 = 1L << 24;
    /** ID_AA64PFR0_EL1.EL2 and EL3 (bits 15:8): zero, as QEMU's virt without virtualization and secure says. */
    private static final long PFR0_EL2_EL3 = 0xffL << 8;

    /**
     * HCR_EL2.TID3 is set on a CPU with SVE (see {@link #HCR_TID3}) and with a GICv3, whose
     * presence the guest reads in ID_AA64PFR0_EL1.GIC: Unicorn's CPU has no GIC and reports none.
     */
    private static boolean hasSve(Unicorn uc) {
        return (uc.cpRegRead(SysReg.ID_AA64PFR0_EL1) & PFR0_SVE) != 0;
    }

    /**
     * An ID register as the guest sees it: the CPU's, with SVE taken out (see {@link #HCR_TID3}), no
     * EL2 or EL3 (the guest has neither), and the GIC field of a GICv3.
     */
    private long idRegister(int encoding) {
        if (encoding == ID_AA64ZFR0) {
            return 0;
        }
        SysReg reg = new SysReg("ID", 3, 0, 0, (encoding >>> 3) & 15, encoding & 7);
        long value;
        try {
            value = uc.cpRegRead(reg);
        } catch (UnicornException e) {
            return 0;   // an unallocated encoding of the ID space reads as zero
        }
        if (encoding == ID_AA64PFR0) {
            value &= ~(PFR0_SVE | PFR0_GIC | PFR0_EL2_EL3);
            return irq.gic() instanceof Gicv3 ? value | PFR0_GIC_V3 : value;
        }
        return value;
    }

    /** MRS (bits 31:20 = 0xd53) and MSR from a register (0xd51) with op0 = 2 or 3. */
    private static final int MRS = 0xD53;
    private static final int MSR = 0xD51;

    /**
     * Performs an MRS/MSR of a GICv3 CPU interface register ({@code ICC_*_EL1}), which Unicorn's
     * CPU does not have (in QEMU they come with the GIC device): the access was an undefined
     * instruction at EL1, with the PC on it. Decodes the instruction, lets {@code gic} answer, and
     * steps past it. Returns false for any other undefined instruction, which the guest then takes.
     */
    private boolean gicSystemRegister(Gicv3 gic) {
        if (((uc.regRead(Arm64Reg.PSTATE) >>> 2) & 3) != 1) {
            return false;   // at EL0 the ICC registers are undefined, as on QEMU
        }
        long pc = uc.pc();
        long insn = uc.instructionAt(pc);
        if (insn < 0 || (insn >>> 20 != MRS && insn >>> 20 != MSR)) {
            return false;
        }
        int op0 = 2 + (int) ((insn >>> 19) & 1);
        int encoding = SysReg.encode(op0, (int) (insn >>> 16) & 7, (int) (insn >>> 12) & 15,
                (int) (insn >>> 8) & 15, (int) (insn >>> 5) & 7);
        int rt = (int) insn & 31;
        if (insn >>> 20 == MRS) {
            var value = gic.readSystemRegister(encoding);
            if (value.isEmpty()) {
                return false;
            }
            if (rt != 31) {
                uc.regWrite(Arm64Reg.x(rt), value.getAsLong());
            }
        } else if (!gic.writeSystemRegister(encoding, rt == 31 ? 0 : uc.regRead(Arm64Reg.x(rt)))) {
            return false;
        }
        uc.regWrite(Arm64Reg.PC, pc + INSTRUCTION);
        return true;
    }

    /**
     * Performs an MRS/MSR that CNTHCTL_EL2 or HCR_EL2.TID3 trapped to EL2, which the guest does not
     * have, when it is one the board answers (the physical counter and timer, see
     * {@link GenericTimer}; the ID registers); the PC is on the instruction and moves past it.
     * Returns false for any other register.
     */
    private boolean trappedSystemRegister(int syndrome) {
        // ISS of EC 0x18: Op0 21:20, Op2 19:17, Op1 16:14, CRn 13:10, Rt 9:5, CRm 4:1, read 0.
        int encoding = SysReg.encode((syndrome >>> 20) & 3, (syndrome >>> 14) & 7, (syndrome >>> 10) & 15,
                (syndrome >>> 1) & 15, (syndrome >>> 17) & 7);
        int rt = (syndrome >>> 5) & 31;
        boolean read = (syndrome & 1) != 0;
        if (read && (encoding & ID_SPACE_MASK) == ID_SPACE && ((encoding >>> 3) & 15) != 0) {
            if (rt != 31) {
                uc.regWrite(Arm64Reg.x(rt), idRegister(encoding));
            }
        } else if (read) {
            var value = irq.timer().read(encoding);
            if (value.isEmpty()) {
                return false;
            }
            if (rt != 31) {
                uc.regWrite(Arm64Reg.x(rt), value.getAsLong());
            }
        } else if (!irq.timer().write(encoding, rt == 31 ? 0 : uc.regRead(Arm64Reg.x(rt)))) {
            return false;
        }
        uc.regWrite(Arm64Reg.PC, uc.pc() + INSTRUCTION);
        return true;
    }

    @Override
    public boolean systemRegisterWrite(int encoding, long value) {
        return irq.timer().write(encoding, value);
    }

    /**
     * Keeps translated code coherent with guest stores made through mappings that cannot execute.
     * Once RAM leaves the memory hooks ({@link #STORE_FAST_PATH}), Unicorn 2.1.4 checks a store for
     * translated code to drop only through a TLB entry that can execute, or the first time an entry
     * that cannot is used: after that, a store through a non-executable alias of a page (Linux
     * writes page-cache pages through its linear map, which never executes) does not drop the
     * code translated from it since. The architecture asks the guest to invalidate the instruction
     * cache for such a write before it runs the new code (CTR_EL0.DIC is 0), and Linux, U-Boot and
     * EDK2 do; so the translated code of the page an IC IVAU names is dropped (by the engine when
     * the address can execute, here by physical address when it cannot), and of all RAM on IC
     * IALLU and IC IALLUIS.
     *
     * <p>Linux invalidates a page 64 bytes at a time from one loop; a second IC IVAU into the same
     * page is skipped when nothing could have been translated from that page since the first: at
     * most one block started in between (the loop's own, at the same PC) and the loop's code is
     * not on the page (an A64 block never crosses a page).
     */
    @Override
    public void instructionCacheInvalidation(int encoding, long value) {
        if (!ramExecutable) {
            return;     // no translated code stands for RAM yet; flash cannot be stored to
        }
        if (encoding == SysReg.IC_IALLU.encoding() || encoding == SysReg.IC_IALLUIS.encoding()) {
            icPage = -1;
            dropTranslatedCode(ram.base(), ram.size());
            return;
        }
        if (encoding != SysReg.IC_IVAU.encoding()) {
            return;
        }
        // The engine drops the page of an address the guest can run code from; this one cannot
        // execute (Linux's linear map) or does not translate, so its page goes by physical address.
        long pa = uc.translate(value, Unicorn.PROT_READ);
        if (pa == -1 || !ram.contains(pa, 1)) {
            return;
        }
        long page = pa & -Unicorn.PAGE_SIZE;
        long left = uc.blocksLeft();
        long pc = uc.pc();
        if (page == icPage && pc == icPc && uc.starts() == icStarts && left != Long.MIN_VALUE
                && icBlocksLeft - left <= 1 && icBlocksLeft - left >= 0) {
            icBlocksLeft = left;
            return;
        }
        dropTranslatedCode(page, Unicorn.PAGE_SIZE);
        long pcPage = uc.translate(pc, Unicorn.PROT_EXEC) & -Unicorn.PAGE_SIZE;
        icPage = pcPage == page ? -1 : page;
        icPc = pc;
        icStarts = uc.starts();
        icBlocksLeft = left;
    }

    /** The page the last IC IVAU dropped (-1: none to skip for), its PC, run and block countdown. */
    private long icPage = -1;
    private long icPc;
    private long icStarts;
    private long icBlocksLeft;

    @Override
    public void instruction(long address) {
        if (executed >= budget) {
            halt(new Exit.BudgetSpent(budget));     // synchronous: the instruction does not run
        } else {
            executed++;
        }
    }

    private void halt(Exit e) {
        record(e);
        uc.stop();
    }

    /** Keeps the first exit of a slice; one that ends the run is never replaced. */
    private synchronized void record(Exit e) {
        if (exit == null || (exit instanceof Exit.Resumes && e instanceof Exit.Ends)) {
            exit = e;
        }
    }

    static String exceptionName(int intno) {
        return switch (intno) {
            case EXCP_UDEF -> "undefined instruction";
            case EXCP_SWI -> "supervisor call (svc)";
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
        irq.gic().setOutputListener(() -> {});
        irq.timer().detach();
        flash.forEach(b -> b.observe(null));
        uc.close();
    }
}
