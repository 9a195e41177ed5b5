package dev.virtfw.machine.unicorn;

import static dev.virtfw.machine.unicorn.UnicornNative.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * One AArch64 Unicorn engine: the thin typed layer over {@link UnicornNative}. Guest RAM and ROM
 * are host segments mapped with {@code uc_mem_map_ptr}; devices are {@code uc_mmio_map} regions
 * whose upcalls run on the thread that called {@link #start}.
 *
 * <p>Every upcall catches {@link Throwable}: the first one is kept for {@link #takeFailure()} and
 * emulation is stopped, so nothing thrown by a device or hook ever unwinds into native code.
 * The four upcall stubs are shared by all engines and live as long as the JVM.
 */
public final class Unicorn implements AutoCloseable {
    /** An {@code until} address the PC can never equal (instructions are 4-byte aligned). */
    public static final long UNTIL_NEVER = -1L;

    /** The oldest Unicorn accepted: 2.1 (see DESIGN.md, "Which Unicorn"). */
    public static final int MIN_MAJOR = 2;
    public static final int MIN_MINOR = 1;

    // unicorn.h uc_mem_type, as passed to the invalid-memory hook.
    public static final int UC_MEM_READ_UNMAPPED = 19;
    public static final int UC_MEM_WRITE_UNMAPPED = 20;
    public static final int UC_MEM_FETCH_UNMAPPED = 21;
    public static final int UC_MEM_WRITE_PROT = 22;
    public static final int UC_MEM_READ_PROT = 23;
    public static final int UC_MEM_FETCH_PROT = 24;

    // unicorn.h uc_err, as uc_emu_start returns them.
    public static final int UC_ERR_FETCH_UNMAPPED = 8;
    public static final int UC_ERR_WRITE_PROT = 12;
    public static final int UC_ERR_FETCH_PROT = 14;

    public static final int PROT_READ = UC_PROT_READ;
    public static final int PROT_WRITE = UC_PROT_WRITE;
    public static final int PROT_EXEC = UC_PROT_EXEC;

    /**
     * The four callbacks, shared by every engine: static targets that find the engine or the MMIO
     * region from the {@code user_data} pointer (a slot number, see below), so their upcall stubs
     * are made once per JVM (by {@link #prepareCallbacks}, on the start-up thread) instead of per
     * engine and per MMIO region on the board's clock.
     */
    private static final class SharedStubs {
        // Upcall shapes (unicorn.h callback typedefs). Here, not in UnicornNative: the stubs do not
        // need the library, so making them never waits for it to load.
        // The two pointers (uc_engine *, void *user_data) are taken as 64-bit integers: the same
        // registers in the x86-64 and AArch64 calling conventions, and no MemorySegment per call.
        /** uc_cb_hookintr_t: void (uc_engine *uc, uint32_t intno, void *user_data) */
        static final FunctionDescriptor HOOK_INTR = FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT, JAVA_LONG);
        /** uc_cb_eventmem_t: bool (uc, uc_mem_type type, uint64_t address, int size, int64_t value, void *user_data) */
        static final FunctionDescriptor HOOK_MEM_INVALID =
                FunctionDescriptor.of(JAVA_BOOLEAN, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
        /** uc_cb_mmio_read_t: uint64_t (uc, uint64_t offset, unsigned size, void *user_data) */
        static final FunctionDescriptor MMIO_READ = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG);
        /** uc_cb_mmio_write_t: void (uc, uint64_t offset, unsigned size, uint64_t value, void *user_data) */
        static final FunctionDescriptor MMIO_WRITE =
                FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);

        /** uc_cb_insn_sys_t: uint32_t (uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp_reg, void *user_data) */
        static final FunctionDescriptor HOOK_SYS =
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
        /** uc_cb_hookcode_t: void (uc, uint64_t address, uint32_t size, void *user_data) */
        static final FunctionDescriptor HOOK_CODE = FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG);

        static final MemorySegment INTR;
        static final MemorySegment MEM_INVALID;
        static final MemorySegment SYS;
        static final MemorySegment CODE;
        static final MemorySegment BLOCK;
        static final MemorySegment MMIO_READ_STUB;
        static final MemorySegment MMIO_WRITE_STUB;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                Arena forever = Arena.global();
                Linker linker = Linker.nativeLinker();
                INTR = linker.upcallStub(lookup.findStatic(Unicorn.class, "onInterrupt", HOOK_INTR.toMethodType()),
                        HOOK_INTR, forever);
                MEM_INVALID = linker.upcallStub(lookup.findStatic(Unicorn.class, "onInvalidMemory",
                        HOOK_MEM_INVALID.toMethodType()), HOOK_MEM_INVALID, forever);
                MMIO_READ_STUB = linker.upcallStub(lookup.findStatic(Unicorn.class, "onMmioRead",
                        MMIO_READ.toMethodType()), MMIO_READ, forever);
                MMIO_WRITE_STUB = linker.upcallStub(lookup.findStatic(Unicorn.class, "onMmioWrite",
                        MMIO_WRITE.toMethodType()), MMIO_WRITE, forever);
                SYS = linker.upcallStub(lookup.findStatic(Unicorn.class, "onSystemInstruction",
                        HOOK_SYS.toMethodType()), HOOK_SYS, forever);
                CODE = linker.upcallStub(lookup.findStatic(Unicorn.class, "onInstruction",
                        HOOK_CODE.toMethodType()), HOOK_CODE, forever);
                BLOCK = linker.upcallStub(lookup.findStatic(Unicorn.class, "onBlock",
                        HOOK_CODE.toMethodType()), HOOK_CODE, forever);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * A JVM-wide table whose slot numbers are the callbacks' {@code user_data}: taken under the
     * table's lock when an engine opens or maps a region, cleared when it closes, and read by a
     * callback with one array load and no lock.
     */
    private static final class SlotTable<T> {
        private volatile Object[] slots;
        private int used;

        SlotTable(int capacity) {
            slots = new Object[capacity];
        }

        /** Puts {@code make(slot)} into the first free slot and returns it. */
        synchronized T take(IntFunction<T> make) {
            Object[] t = slots;
            int slot = 0;
            while (slot < used && t[slot] != null) {
                slot++;
            }
            if (slot == t.length) {
                t = Arrays.copyOf(t, t.length * 2);
            }
            T value = make.apply(slot);
            t[slot] = value;
            used = Math.max(used, slot + 1);
            slots = t;
            return value;
        }

        /** The value in slot {@code user}, or null: never throws (nothing may unwind into native code). */
        @SuppressWarnings("unchecked")
        T at(long user) {
            Object[] t = slots;
            return user >= 0 && user < t.length ? (T) t[(int) user] : null;
        }

        @SuppressWarnings("unchecked")
        synchronized void clear(Predicate<T> which) {
            Object[] t = slots;
            for (int i = 0; i < used; i++) {
                if (t[i] != null && which.test((T) t[i])) {
                    t[i] = null;
                }
            }
        }
    }

    /** Open engines (the hooks' user_data) and their MMIO regions (the MMIO callbacks' user_data). */
    private static final SlotTable<Unicorn> ENGINES = new SlotTable<>(4);
    private static final SlotTable<Region> REGIONS = new SlotTable<>(16);

    /**
     * Does ahead of time what the first engine would otherwise do on the caller's clock: loads the
     * library and binds the downcalls ({@link #prepareCallbacks} makes the callback stubs). Meant for
     * a background thread while the command line is parsed; any number of calls, from any thread.
     * Never throws: a library that cannot be loaded is reported by {@link #open} as before.
     */
    public static void prepare() {
        try {
            UnicornNative.load();
        } catch (RuntimeException | Error e) {
            // Only an optimisation: the first engine will do (and report) the same work.
        }
    }

    /** Makes the four shared callback stubs (they need no library) ahead of the first engine; never throws. */
    public static void prepareCallbacks() {
        try {
            Objects.requireNonNull(SharedStubs.MMIO_READ_STUB, "stub");
        } catch (RuntimeException | Error e) {
            // reported by the first engine
        }
    }

    /**
     * Binds the downcalls a run needs only later (stop, close, memory protection, translated-code
     * removal), for a background thread once {@link #prepare} is done; never throws.
     */
    public static void prepareLate() {
        try {
            for (Object h : new Object[] {UcMemProtect.HANDLE, UcCtlU64U64.HANDLE, UcEmuStop.HANDLE, UcClose.HANDLE}) {
                Objects.requireNonNull(h, "handle");
            }
        } catch (RuntimeException | Error e) {
            // reported by the first real use
        }
    }

    /** The version {@code uc_version} reports. */
    public record Version(int major, int minor, int patch) {
        public boolean atLeast(int wantMajor, int wantMinor) {
            return major > wantMajor || (major == wantMajor && minor >= wantMinor);
        }

        @Override
        public String toString() {
            return major + "." + minor + "." + patch;
        }
    }

    // uc_arm64_cp_reg (unicorn/arm64.h): crn, crm, op0, op1, op2 as u32, then the u64 value after padding.
    private static final long CP_REG_CRN = 0;
    private static final long CP_REG_CRM = 4;
    private static final long CP_REG_OP0 = 8;
    private static final long CP_REG_OP1 = 12;
    private static final long CP_REG_OP2 = 16;
    private static final long CP_REG_VALUE = 24;

    private final Arena arena;
    private final MemorySegment uc;
    private final MemorySegment scratch;
    /** uc_vmem_translate's result. */
    private final MemorySegment translated;
    private final EngineHooks hooks;
    private final Object lifecycle = new Object();
    private boolean closed;
    private volatile Throwable failure;
    /** This engine's slot in the engine table: the hooks' user_data. */
    private final int engineSlot;
    /** Region slots of this engine by (base, handler): mapped again after an unmap, a region keeps its slot. */
    private final java.util.List<Region> mapped = new java.util.ArrayList<>();

    private Unicorn(Arena arena, MemorySegment uc, EngineHooks hooks, int engineSlot) {
        this.engineSlot = engineSlot;
        this.arena = arena;
        this.uc = uc;
        this.hooks = hooks;
        this.scratch = arena.allocate(32, 8);
        this.translated = arena.allocate(JAVA_LONG);
    }

    /** The loaded library's version. */
    public static Version version() {
        requireLoaded();
        try {
            int v = (int) uc_version.invokeExact(MemorySegment.NULL, MemorySegment.NULL);
            return new Version((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff);
        } catch (Throwable t) {
            throw linkageFailure("uc_version", t);
        }
    }

    /** Path of the library in use. */
    public static String libraryPath() {
        requireLoaded();
        return LIBRARY_PATH;
    }

    /**
     * Opens an AArch64 engine with the given CPU model (chosen first, as Unicorn requires) and
     * installs the interrupt and invalid-memory hooks. Refuses a library older than 2.1.
     */
    public static Unicorn open(CpuModel model, EngineHooks hooks) {
        return open(model, hooks, false);
    }

    /**
     * As {@link #open(CpuModel, EngineHooks)}; with {@code everyInstruction}, also a code hook that
     * reports each instruction before it runs ({@link EngineHooks#instruction}), for an exact
     * instruction budget (it slows the guest down several times).
     */
    public static Unicorn open(CpuModel model, EngineHooks hooks, boolean everyInstruction) {
        return open(model, hooks, everyInstruction, false);
    }

    /**
     * As {@link #open(CpuModel, EngineHooks, boolean)}; with {@code everyBlock}, also a hook at the
     * start of each block the guest runs that stops the engine when a countdown runs out or a stop
     * was asked for ({@link #armBlockStop}, {@link #stopAtNextBlock}): a synchronous stop, before
     * any instruction of the block has run.
     */
    public static Unicorn open(CpuModel model, EngineHooks hooks, boolean everyInstruction, boolean everyBlock) {
        return open(model, hooks, everyInstruction, everyBlock, !BlockCountdown.available());
    }

    /** As {@link #open(CpuModel, EngineHooks, boolean, boolean)}; with {@code javaBlockHook}, the block hook is the Java one. */
    static Unicorn open(CpuModel model, EngineHooks hooks, boolean everyInstruction, boolean everyBlock,
                        boolean javaBlockHook) {
        Objects.requireNonNull(hooks, "hooks");
        Version v = version();
        if (!v.atLeast(MIN_MAJOR, MIN_MINOR)) {
            throw new UnicornException(UnicornException.TOO_OLD, "uc_version",
                    "Unicorn " + v + " at " + LIBRARY_PATH + " is too old: version " + MIN_MAJOR + "." + MIN_MINOR
                            + " or newer is needed (run ./virt or ./test once to fetch it)");
        }
        Arena arena = Arena.ofShared();
        MemorySegment handle;
        try {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check((int) uc_open.invokeExact(UC_ARCH_ARM64, UC_MODE_ARM, out), "uc_open(UC_ARCH_ARM64)");
            handle = out.get(java.lang.foreign.ValueLayout.ADDRESS, 0);
        } catch (UnicornException e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw linkageFailure("uc_open", t);
        }
        Unicorn engine = ENGINES.take(slot -> new Unicorn(arena, handle, hooks, slot));
        try {
            engine.ctlInt(ucCtlWrite(UC_CTL_CPU_MODEL, 1), model.ucCpu(), "uc_ctl(UC_CTL_CPU_MODEL, " + model + ")");
            engine.installHooks(everyInstruction, everyBlock, javaBlockHook);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    /** One downcall returning a {@code uc_err}. */
    @FunctionalInterface
    private interface UcCall {
        int call() throws Throwable;
    }

    /** Runs a downcall and turns a non-zero {@code uc_err} into a {@link UnicornException} naming {@code what}. */
    private static void ucCheck(String what, UcCall c) {
        int err;
        try {
            err = c.call();
        } catch (Throwable t) {
            throw linkageFailure(what, t);
        }
        check(err, what);
    }

    private void installHooks(boolean everyInstruction, boolean everyBlock, boolean javaBlockHook) {
        hookAdd(UC_HOOK_INTR, SharedStubs.INTR, "UC_HOOK_INTR");
        memoryHook = hookAdd(UC_HOOK_MEM_INVALID, SharedStubs.MEM_INVALID, "UC_HOOK_MEM_INVALID", 1L, 0L);
        // Every MSR (op0 2 or 3) reaches the board, which performs the ones Unicorn drops (timers).
        MemorySegment hh = arena.allocate(JAVA_LONG);
        ucCheck("uc_hook_add(UC_HOOK_INSN, MSR)", () -> (int) uc_hook_add_insn.invokeExact(uc, hh, UC_HOOK_INSN,
                SharedStubs.SYS, MemorySegment.ofAddress(engineSlot), 1L, 0L, UC_ARM64_INS_MSR));
        if (everyInstruction) {
            hookAdd(UC_HOOK_CODE, SharedStubs.CODE, "UC_HOOK_CODE");
        }
        if (everyBlock) {
            blockControl = BlockCountdown.newControl(arena, symbol("uc_emu_stop"));
            armBlockStop(BLOCKS_BEFORE_ARMED);
            MemorySegment code = BlockCountdown.code();
            if (code != null && !javaBlockHook) {
                MemorySegment bh = arena.allocate(JAVA_LONG);
                ucCheck("uc_hook_add(UC_HOOK_BLOCK, native countdown)",
                        () -> (int) uc_hook_add.invokeExact(uc, bh, UC_HOOK_BLOCK, code, blockControl, 1L, 0L));
            } else {
                hookAdd(UC_HOOK_BLOCK, SharedStubs.BLOCK, "UC_HOOK_BLOCK");
            }
        }
    }

    /** The countdown of a block hook nobody armed yet: as good as never. */
    private static final long BLOCKS_BEFORE_ARMED = Long.MAX_VALUE;

    /** With a block hook: its control block ({@link BlockCountdown}); null without one. */
    private MemorySegment blockControl;

    /**
     * With the block hook: the engine will stop at the start of a block once {@code blocks} more
     * blocks have started, or at the next one after {@link #stopAtNextBlock()}. For the engine's
     * thread, before {@link #start}; no effect without a block hook.
     */
    public void armBlockStop(long blocks) {
        if (blockControl != null) {
            blockControl.set(JAVA_LONG, BlockCountdown.COUNTDOWN, blocks);
            blockControl.set(JAVA_LONG, BlockCountdown.STOP_REQUESTED, 0L);
        }
    }

    /**
     * After a run: when the block hook stopped it (the countdown spent or a stop asked for), arm it
     * again with {@code blocks}; otherwise the countdown and a pending stop carry over to the next
     * run, as the slice has not ended.
     */
    public void rearmBlockStop(long blocks) {
        if (blockControl != null && (blockControl.get(JAVA_LONG, BlockCountdown.COUNTDOWN) <= 0
                || blockControl.get(JAVA_LONG, BlockCountdown.STOP_REQUESTED) != 0)) {
            armBlockStop(blocks);
        }
    }

    /**
     * With the block hook: stop at the start of the next block, before any of its instructions
     * (synchronous). For the engine's thread, inside a callback or between runs.
     */
    public void stopAtNextBlock() {
        if (blockControl != null) {
            blockControl.set(JAVA_LONG, BlockCountdown.STOP_REQUESTED, 1L);
        }
    }

    /** Whether block hooks run as native code here (x86-64 Linux) rather than as Java upcalls. */
    public static boolean nativeBlockHook() {
        return BlockCountdown.available();
    }

    /** unicorn/arm64.h uc_arm64_insn: the MSR (register) instruction. */
    private static final int UC_ARM64_INS_MSR = 2;

    private void hookAdd(int type, MemorySegment callback, String name) {
        // begin > end: the hook covers the whole address space.
        hookAdd(type, callback, name, 1L, 0L);
    }

    /** Adds a hook over physical addresses [begin, end] (unsigned; begin > end: all); its handle. */
    private long hookAdd(int type, MemorySegment callback, String name, long begin, long end) {
        MemorySegment hh = arena.allocate(JAVA_LONG);
        ucCheck("uc_hook_add(" + name + ")",
                () -> (int) uc_hook_add.invokeExact(uc, hh, type, callback, MemorySegment.ofAddress(engineSlot), begin, end));
        return hh.get(JAVA_LONG, 0);
    }

    /** The SYS instructions {@link CacheOpFilter} does not answer itself: CRn 7, and CRm 5 with op2 0 or 1, or CRm 1 with op2 0. */
    static boolean isInstructionCacheInvalidation(int encoding) {
        int crn = (encoding >>> 7) & 15;
        int crm = (encoding >>> 3) & 15;
        int op2 = encoding & 7;
        return crn == 7 && (crm == 5 && op2 <= 1 || crm == 1 && op2 == 0);
    }

    /**
     * What {@link CacheOpFilter} does natively, for the Java hook: an IC IVAU by an address the
     * guest can run code from drops the translated code of its page (Unicorn's call translates
     * that address as an instruction fetch, which then cannot fault); true when it did.
     */
    private boolean droppedAsExecutable(int encoding, long va) {
        if (encoding != SysReg.IC_IVAU.encoding() || translationError(va, PROT_EXEC) != 0) {
            return false;
        }
        long page = va & -PAGE_SIZE;
        removeCache(page, page + PAGE_SIZE);
        return true;
    }

    /**
     * Watches the guest's instruction-cache invalidations. An IC IVAU by an address the guest can
     * run code from (in the current translation regime) drops the translated code of that page
     * here, with Unicorn's own call; the others, an IC IVAU by an address that cannot execute or
     * does not translate, IC IALLU and IC IALLUIS, are reported to
     * {@link EngineHooks#instructionCacheInvalidation}. On x86-64 Linux the first kind and every
     * other SYS instruction never leave native code ({@link CacheOpFilter}). Before the first
     * {@link #start}: code translated earlier would not report. Once.
     */
    public void reportInstructionCacheInvalidations() {
        reportInstructionCacheInvalidations(false);
    }

    /** As {@link #reportInstructionCacheInvalidations()}; with {@code javaFilter}, every SYS instruction reaches Java. */
    void reportInstructionCacheInvalidations(boolean javaFilter) {
        if (cacheOpHook) {
            throw new IllegalStateException("instruction-cache invalidations are reported already");
        }
        MemorySegment filter = CacheOpFilter.code();
        MemorySegment callback = SharedStubs.SYS;
        MemorySegment userData = MemorySegment.ofAddress(engineSlot);
        if (filter != null && !javaFilter) {
            userData = CacheOpFilter.newControl(arena, SharedStubs.SYS, engineSlot, symbol("uc_vmem_translate"),
                    symbol("uc_ctl"), REMOVE_CACHE_WRITE);
            callback = filter;
        }
        MemorySegment hh = arena.allocate(JAVA_LONG);
        MemorySegment cb = callback;
        MemorySegment data = userData;
        ucCheck("uc_hook_add(UC_HOOK_INSN, SYS)", () -> (int) uc_hook_add_insn.invokeExact(uc, hh, UC_HOOK_INSN,
                cb, data, 1L, 0L, UC_ARM64_INS_SYS));
        cacheOpHook = true;
    }

    private boolean cacheOpHook;

    /**
     * The engine's page: what an IC IVAU drops (here and in {@link CacheOpFilter}), and what a
     * translated A64 block never crosses.
     */
    public static final long PAGE_SIZE = 4096;

    /** unicorn/arm64.h uc_arm64_insn: SYS (op0 1: cache, TLB and address-translation operations). */
    private static final int UC_ARM64_INS_SYS = 3;

    /**
     * The guest-physical address that virtual address {@code va} maps to for a {@code prot} access
     * ({@link #PROT_READ}, {@link #PROT_WRITE} or {@link #PROT_EXEC}) in the CPU's current
     * translation regime, without faulting (uc_vmem_translate); -1 when it does not translate.
     * Also inside a callback.
     */
    public long translate(long va, int prot) {
        return translationError(va, prot) == 0 ? translated.get(JAVA_LONG, 0) : -1;
    }

    /** uc_vmem_translate's {@code uc_err} for {@code va} (0: it translates; the result is in {@link #translated}). */
    private int translationError(long va, int prot) {
        try {
            return (int) UcVmemTranslate.HANDLE.invokeExact(uc, va, prot, translated);
        } catch (Throwable t) {
            throw linkageFailure("uc_vmem_translate", t);
        }
    }

    /**
     * With the block hook: how many more blocks may start before it stops the engine; it counts
     * down by one at the start of every block, so two readings in one run tell how many blocks
     * started in between. {@link Long#MIN_VALUE} without a block hook.
     */
    public long blocksLeft() {
        return blockControl == null ? Long.MIN_VALUE : blockControl.get(JAVA_LONG, BlockCountdown.COUNTDOWN);
    }

    /** How many times {@link #start} was called: tells two runs apart. */
    public long starts() {
        return starts;
    }

    private long starts;

    /** The whole-space invalid-memory hook's handle, and whether {@link #leaveUnhooked} replaced it. */
    private long memoryHook;
    private boolean memoryHooksNarrowed;

    /**
     * Narrows the invalid-memory hook (unmapped and protection faults) to every physical address
     * outside [base, base + size), which must be memory mapped with every permission. Unicorn 2.1.4
     * sends every guest store to a page that any memory hook covers through its slow path
     * ({@code notdirty_write}: a region look-up and a code-page check per store); outside hooks a
     * page leaves that path after its first store. Between runs only; once.
     */
    public void leaveUnhooked(long base, long size) {
        if (memoryHooksNarrowed) {
            throw new IllegalStateException("the memory hooks are narrowed already");
        }
        long whole = memoryHook;
        ucCheck("uc_hook_del(UC_HOOK_MEM_INVALID)", () -> (int) UcHookDel.HANDLE.invokeExact(uc, whole));
        memoryHooksNarrowed = true;
        if (base != 0) {
            hookAdd(UC_HOOK_MEM_INVALID, SharedStubs.MEM_INVALID, "UC_HOOK_MEM_INVALID", 0L, base - 1);
        }
        long end = base + size;
        if (end != 0) {
            hookAdd(UC_HOOK_MEM_INVALID, SharedStubs.MEM_INVALID, "UC_HOOK_MEM_INVALID", end, -1L);
        }
    }

    private void ctlInt(int cmd, int value, String what) {
        ucCheck(what, () -> (int) uc_ctl_int.invokeExact(uc, cmd, value));
    }

    /** Maps host memory (RAM, flash) at guest-physical {@code address}; the segment must outlive this engine. */
    public void memMapPtr(long address, MemorySegment memory, int perms) {
        ucCheck("uc_mem_map_ptr(0x" + Long.toHexString(address) + ", 0x" + Long.toHexString(memory.byteSize()) + ")",
                () -> (int) uc_mem_map_ptr.invokeExact(uc, address, memory.byteSize(), perms, memory));
    }

    /**
     * Maps an MMIO region (1 KiB aligned in base and size) whose accesses go to {@code handler}.
     * Mapping the same handler at the same address again (after {@link #memUnmap}) reuses its entry,
     * so a region that is switched back and forth does not grow the table.
     */
    public void mmioMap(long address, long size, MmioHandler handler) {
        Objects.requireNonNull(handler, "handler");
        Region region = null;
        for (Region r : mapped) {
            if (r.base() == address && r.handler() == handler) {
                region = r;
                break;
            }
        }
        if (region == null) {
            region = REGIONS.take(slot -> new Region(this, handler, address, slot));
            mapped.add(region);
        }
        MemorySegment user = MemorySegment.ofAddress(region.slot());
        ucCheck("uc_mmio_map(0x" + Long.toHexString(address) + ", 0x" + Long.toHexString(size) + ")",
                () -> (int) uc_mmio_map.invokeExact(uc, address, size, SharedStubs.MMIO_READ_STUB, user,
                        SharedStubs.MMIO_WRITE_STUB, user));
    }

    /** One MMIO region: its engine, who handles it, where it starts (Unicorn passes offsets), its slot. */
    private record Region(Unicorn engine, MmioHandler handler, long base, int slot) {}

    /**
     * Unmaps [address, address + size) (a memory or MMIO mapping; 4 KiB aligned). Allowed between
     * two {@link #start} calls; Unicorn drops the translated code of the range.
     */
    public void memUnmap(long address, long size) {
        ucCheck("uc_mem_unmap(0x" + Long.toHexString(address) + ", 0x" + Long.toHexString(size) + ")",
                () -> (int) UcMemUnmap.HANDLE.invokeExact(uc, address, size));
    }

    /** Sets the permissions of mapped memory [address, address + size) (uc_mem_protect); never from a callback. */
    public void memProtect(long address, long size, int perms) {
        ucCheck("uc_mem_protect(0x" + Long.toHexString(address) + ", 0x" + Long.toHexString(size) + ")",
                () -> (int) UcMemProtect.HANDLE.invokeExact(uc, address, size, perms));
    }

    // The register accessors run on every exception, timer access and DMA over code: no lambda and
    // no message is built unless the call fails (a record's toString in a string concatenation
    // costs microseconds before the JIT has compiled it).

    public long regRead(int regId) {
        int err;
        try {
            err = (int) uc_reg_read.invokeExact(uc, regId, scratch);
        } catch (Throwable t) {
            throw linkageFailure("uc_reg_read", t);
        }
        if (err != 0) {
            check(err, "uc_reg_read(" + regId + ")");
        }
        return scratch.get(JAVA_LONG, 0);
    }

    public void regWrite(int regId, long value) {
        scratch.set(JAVA_LONG, 0, value);
        int err;
        try {
            err = (int) uc_reg_write.invokeExact(uc, regId, scratch);
        } catch (Throwable t) {
            throw linkageFailure("uc_reg_write", t);
        }
        if (err != 0) {
            check(err, "uc_reg_write(" + regId + ")");
        }
    }

    public long pc() {
        return regRead(Arm64Reg.PC);
    }

    /**
     * Writes a system register through {@code UC_ARM64_REG_CP_REG}: the struct
     * {@code uc_arm64_cp_reg} is crn, crm, op0, op1, op2 as u32, then the u64 value at offset 24.
     */
    public void cpRegWrite(SysReg reg, long value) {
        cpRegStruct(reg, value);
        int err;
        try {
            err = (int) uc_reg_write.invokeExact(uc, Arm64Reg.CP_REG, scratch);
        } catch (Throwable t) {
            throw linkageFailure("uc_reg_write(CP_REG " + reg.name() + ")", t);
        }
        if (err != 0) {
            check(err, "uc_reg_write(CP_REG " + reg.name() + ")");
        }
    }

    /** Reads a system register through CP_REG (never CurrentEL or NZCV: see DESIGN.md). */
    public long cpRegRead(SysReg reg) {
        cpRegStruct(reg, 0L);
        int err;
        try {
            err = (int) uc_reg_read.invokeExact(uc, Arm64Reg.CP_REG, scratch);
        } catch (Throwable t) {
            throw linkageFailure("uc_reg_read(CP_REG " + reg.name() + ")", t);
        }
        if (err != 0) {
            check(err, "uc_reg_read(CP_REG " + reg.name() + ")");
        }
        return scratch.get(JAVA_LONG, CP_REG_VALUE);
    }

    /**
     * Fills {@code uc_arm64_cp_reg} in the scratch buffer: the five 32-bit fields as two pairs and
     * a single, each pair one native-order 64-bit store (crn|crm, op0|op1, op2 with the padding).
     */
    private void cpRegStruct(SysReg reg, long value) {
        scratch.set(JAVA_LONG, CP_REG_CRN, pair(reg.crn(), reg.crm()));
        scratch.set(JAVA_LONG, CP_REG_OP0, pair(reg.op0(), reg.op1()));
        scratch.set(JAVA_LONG, CP_REG_OP2, Integer.toUnsignedLong(reg.op2()));
        scratch.set(JAVA_LONG, CP_REG_VALUE, value);
    }

    /** Two adjacent 32-bit fields as the 64-bit value that stores them in the host's byte order. */
    private static long pair(int first, int second) {
        return NATIVE_LITTLE_ENDIAN ? Integer.toUnsignedLong(first) | (long) second << 32
                : (long) first << 32 | Integer.toUnsignedLong(second);
    }

    private static final boolean NATIVE_LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    /** This engine's CPU-state snapshot buffer (uc_context), made on first use. */
    private MemorySegment context;

    /**
     * The CPU's own record of the synchronous exception it is raising (syndrome, fault address,
     * target EL), as QEMU computed it before Unicorn's interrupt hook took the exception over. Only
     * meaningful inside {@link EngineHooks#interrupt}. See {@link ExceptionRecordLayout}.
     */
    public ExceptionRecord exceptionRecord() {
        ExceptionRecordLayout layout = ExceptionRecordLayout.get();
        return layout.read(saveContext());
    }

    /** Saves the CPU state into this engine's snapshot buffer and returns it (package use: the probe). */
    MemorySegment saveContext() {
        if (context == null) {
            MemorySegment out = arena.allocate(ADDRESS);
            ucCheck("uc_context_alloc", () -> (int) UcContext.ALLOC.invokeExact(uc, out));
            long size;
            try {
                size = (long) UcContext.SIZE.invokeExact(uc);
            } catch (Throwable t) {
                throw linkageFailure("uc_context_size", t);
            }
            context = out.get(ADDRESS, 0).reinterpret(size);
        }
        MemorySegment c = context;
        ucCheck("uc_context_save", () -> (int) UcContext.SAVE.invokeExact(uc, c));
        return c;
    }

    /**
     * The instruction word at guest-virtual {@code pc}, fetched as the CPU would in its current
     * translation regime, or -1 when that address does not translate to memory. A probe: the
     * translation never raises a fault in the guest.
     */
    public long instructionAt(long pc) {
        if (UcVmemRead.HANDLE == null) {
            return -1;
        }
        scratch.set(JAVA_INT, 8, 0);
        int err;
        try {
            err = (int) UcVmemRead.HANDLE.invokeExact(uc, pc, UC_PROT_EXEC, scratch.asSlice(8, 4), 4L);
        } catch (Throwable t) {
            throw linkageFailure("uc_vmem_read", t);
        }
        return err == 0 ? Integer.toUnsignedLong(scratch.get(JAVA_INT, 8)) : -1;
    }

    /** Drops translated code for guest range [begin, end) after the host wrote it (uc_ctl TB_REMOVE_CACHE). */
    public void removeCache(long begin, long end) {
        int err;
        try {
            err = (int) UcCtlU64U64.HANDLE.invokeExact(uc, REMOVE_CACHE_WRITE, begin, end);
        } catch (Throwable t) {
            throw linkageFailure("uc_ctl(UC_CTL_TB_REMOVE_CACHE)", t);
        }
        if (err != 0) {
            check(err, "uc_ctl(UC_CTL_TB_REMOVE_CACHE)");
        }
    }

    private static final int REMOVE_CACHE_WRITE = ucCtlWrite(UC_CTL_TB_REMOVE_CACHE, 2);

    /**
     * Runs the guest from {@code begin} until {@code until}, a stop, an error, or {@code count}
     * instructions (0: no limit). Returns the {@code uc_err}: guest faults come back as codes, not
     * exceptions, and callback failures through {@link #takeFailure()}.
     */
    public int start(long begin, long until, long count) {
        starts++;
        try {
            return (int) uc_emu_start.invokeExact(uc, begin, until, 0L, count);
        } catch (Throwable t) {
            throw linkageFailure("uc_emu_start", t);
        }
    }

    /** Asks the running guest to stop; safe from a callback or another thread, a no-op once closed. */
    public void stop() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            try {
                int ignored = (int) UcEmuStop.HANDLE.invokeExact(uc);
            } catch (Throwable t) {
                recordFailure(t);
            }
        }
    }

    /** The first throwable caught in an upcall since the last call, or null. */
    public Throwable takeFailure() {
        Throwable t = failure;
        failure = null;
        return t;
    }

    /** Text of a {@code uc_err}. */
    public static String errorText(int err) {
        return strerror(err);
    }

    private void recordFailure(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }

    private void fail(Throwable t) {
        recordFailure(t);
        stop();
    }

    // ---- upcall targets (static, shared by every engine): each catches everything ----

    private static void onInterrupt(long ucHandle, int intno, long user) {
        Unicorn e = ENGINES.at(user);
        if (e == null) {
            return; // an engine already closed: nothing to tell
        }
        try {
            e.hooks.interrupt(intno);
        } catch (Throwable t) {
            e.fail(t);
        }
    }

    private static boolean onInvalidMemory(long ucHandle, int type, long address, int size, long value, long user) {
        Unicorn e = ENGINES.at(user);
        if (e == null) {
            return false;
        }
        try {
            e.hooks.invalidMemory(type, address, size, value);
        } catch (Throwable t) {
            e.fail(t);
        }
        return false;
    }

    private static int onSystemInstruction(long ucHandle, int reg, long cpReg, long user) {
        Unicorn e = ENGINES.at(user);
        if (e == null) {
            return 0;
        }
        try {
            MemorySegment cp = MemorySegment.ofAddress(cpReg).reinterpret(CP_REG_VALUE + 8);
            int encoding = SysReg.encode(cp.get(JAVA_INT, CP_REG_OP0), cp.get(JAVA_INT, CP_REG_OP1),
                    cp.get(JAVA_INT, CP_REG_CRN), cp.get(JAVA_INT, CP_REG_CRM), cp.get(JAVA_INT, CP_REG_OP2));
            long value = cp.get(JAVA_LONG, CP_REG_VALUE);
            if ((encoding >>> 14) == 1) {
                // SYS (op0 1): only the instruction-cache invalidations are looked at; the CPU performs all.
                if (isInstructionCacheInvalidation(encoding) && !e.droppedAsExecutable(encoding, value)) {
                    e.hooks.instructionCacheInvalidation(encoding, value);
                }
                return 0;
            }
            return e.hooks.systemRegisterWrite(encoding, value) ? 1 : 0;
        } catch (Throwable t) {
            e.fail(t);
            return 0;
        }
    }

    private static void onInstruction(long ucHandle, long address, int size, long user) {
        Unicorn e = ENGINES.at(user);
        if (e == null) {
            return;
        }
        try {
            e.hooks.instruction(address);
        } catch (Throwable t) {
            e.fail(t);
        }
    }

    /** The block hook where {@link BlockCountdown} has no native code: the same countdown in Java. */
    private static void onBlock(long ucHandle, long address, int size, long user) {
        Unicorn e = ENGINES.at(user);
        if (e == null) {
            return;
        }
        try {
            MemorySegment c = e.blockControl;
            long left = c.get(JAVA_LONG, BlockCountdown.COUNTDOWN) - 1;
            c.set(JAVA_LONG, BlockCountdown.COUNTDOWN, left);
            if (left <= 0 || c.get(JAVA_LONG, BlockCountdown.STOP_REQUESTED) != 0) {
                e.stop();
            }
        } catch (Throwable t) {
            e.fail(t);
        }
    }

    private static long onMmioRead(long ucHandle, long offset, int size, long user) {
        Region r = REGIONS.at(user);
        if (r == null) {
            return 0;
        }
        try {
            return r.handler().read(r.base() + offset, size);
        } catch (Throwable t) {
            r.engine().fail(t);
            return 0;
        }
    }

    private static void onMmioWrite(long ucHandle, long offset, int size, long value, long user) {
        Region r = REGIONS.at(user);
        if (r == null) {
            return;
        }
        try {
            r.handler().write(r.base() + offset, size, value);
        } catch (Throwable t) {
            r.engine().fail(t);
        }
    }

    /** Closes the engine, then the arena holding its memory (the shared callback stubs stay). */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            ENGINES.clear(e -> e == this);
            REGIONS.clear(r -> r.engine() == this);
            try {
                if (context != null) {
                    int ignoredFree = (int) UcContext.FREE.invokeExact(context);
                }
                int ignored = (int) UcClose.HANDLE.invokeExact(uc);
            } catch (Throwable t) {
                recordFailure(t);
            }
        }
        arena.close();
    }
}
