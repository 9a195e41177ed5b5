package dev.virtfw.machine.unicorn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The block hook that ends the board's slices, as a few machine instructions instead of a Java
 * upcall. The hook runs at the start of every translated block the guest executes: a Linux or EDK2
 * boot makes hundreds of millions of them, and an FFM upcall costs its thread-state transitions
 * each time (a profile of EDK2's boot: 20% of the process in the upcall machinery). The logic is
 * small enough to need no Java:
 *
 * <pre>
 *   void hook(uc_engine *uc, uint64_t address, uint32_t size, struct control *c) {
 *       if (--c->countdown &lt;= 0 || c->stop_requested != 0)
 *           uc_emu_stop(uc);                 // tail call, as the Java hook's stop was
 *   }
 * </pre>
 *
 * The engine's thread is the only one that touches the control block, between and inside
 * {@code uc_emu_start} calls. The code is written once per JVM into a page of its own
 * ({@link NativeCode#x86_64Page}: read-write, then read-execute, never both). Only for x86-64 hosts, whose instruction cache needs no
 * maintenance after the write; elsewhere, or when the host refuses executable pages, {@link #code}
 * is null and the engine keeps the same logic in its Java block hook.
 */
final class BlockCountdown {
    /** The control block: the countdown (int64), the stop request (int64), uc_emu_stop's address. */
    static final long COUNTDOWN = 0;
    static final long STOP_REQUESTED = 8;
    static final long EMU_STOP = 16;
    static final long SIZE = 24;

    /**
     * x86-64 System V: the hook's fourth argument (the control block) is in rcx, the first (the
     * engine) in rdi, where uc_emu_stop wants it; the jump keeps the caller's stack as a call would.
     */
    private static final byte[] X86_64 = {
        0x48, (byte) 0xFF, 0x09,                // dec  qword ptr [rcx]          countdown
        0x7E, 0x08,                             // jle  stop
        0x48, (byte) 0x83, 0x79, 0x08, 0x00,    // cmp  qword ptr [rcx + 8], 0   stop requested?
        0x75, 0x01,                             // jne  stop
        (byte) 0xC3,                            // ret
        (byte) 0xFF, 0x61, 0x10,                // stop: jmp qword ptr [rcx + 16]  uc_emu_stop(uc)
    };

    private static final MemorySegment CODE = build();

    private BlockCountdown() {}

    /** The hook's entry point, or null when this host runs the Java hook instead. */
    static MemorySegment code() {
        return CODE;
    }

    /** Whether the native hook is used (false: see {@link NativeCode#x86_64Page}). */
    static boolean available() {
        return CODE != null;
    }

    /** A control block in {@code arena}: countdown 0, no stop requested, uc_emu_stop's address. */
    static MemorySegment newControl(Arena arena, MemorySegment emuStop) {
        MemorySegment c = arena.allocate(SIZE, Long.BYTES);
        c.set(JAVA_LONG, COUNTDOWN, 0);
        c.set(JAVA_LONG, STOP_REQUESTED, 0);
        c.set(ADDRESS, EMU_STOP, emuStop);
        return c;
    }

    private static MemorySegment build() {
        return NativeCode.x86_64Page(X86_64);
    }
}
