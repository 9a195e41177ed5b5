package dev.virtfw.machine.unicorn;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Where, in a {@code uc_context} snapshot of the CPU, QEMU keeps its record of the exception being
 * raised ({@code CPUARMState.exception}: a 32-bit syndrome, a 32-bit AArch32 status, the 64-bit
 * fault address, the 32-bit target EL, in that order).
 *
 * <h2>Why</h2>
 * Unicorn's interrupt hook takes every synchronous exception (SVC, aborts, undefined instructions,
 * BRK) before QEMU's {@code arm_cpu_do_interrupt} would copy that record into ESR_ELx and FAR_ELx,
 * and it offers no call to read it. A board that delivers the exception to the guest's vectors
 * itself needs exactly those values. Rebuilding them by decoding every load/store form and walking
 * the page tables is long and never complete (SIMD structure loads, DC ZVA, unprivileged and
 * exclusive forms, permission versus translation faults, EL0 accesses to trapped registers); the
 * CPU has already computed them, architecturally, for every case. {@code uc_context_save} copies
 * the CPU state, record included, into a buffer the caller owns.
 *
 * <h2>How the offset is found</h2>
 * Not from a header (Unicorn installs none; the offset depends on how the library was compiled)
 * but by measurement, once per JVM: a probe engine raises exceptions whose records are known
 * in advance (two SVCs with different immediates, one alignment fault at a chosen address), and
 * the one offset at which all three snapshots hold exactly those values is the record. Anything
 * else (no offset, or several) is refused with a clear error rather than guessed.
 */
final class ExceptionRecordLayout {
    private static final long PROBE_RAM = 0x4000_0000L;
    private static final long PROBE_RAM_SIZE = 0x1_0000L;
    /** The address the probe's faulting load uses (outside the one 1 GiB block its page table maps). */
    private static final long PROBE_FAULT_ADDRESS = 0x8000_1008L;
    /** Where the probe's level-1 translation table lies. */
    private static final long PROBE_TABLE = PROBE_RAM + 0x4000;
    private static final int SVC_IMM_A = 0x1234;
    private static final int SVC_IMM_B = 0x4321;
    /** SCTLR_EL1.M: the stage-1 MMU. */
    private static final long SCTLR_M = 1L;
    /** TCR_EL1: T0SZ = 25 (a 39-bit space starting at level 1, 4 KiB granule), EPD1 (no TTBR1 walks). */
    private static final long TCR_VALUE = 25 | 1L << 23;
    /** A level-1 block descriptor mapping the probe's RAM one to one: AF, attribute index 0, block. */
    private static final long BLOCK_DESCRIPTOR = 0x4000_0000L | 1L << 10 | 0b01;
    private static final SysReg TCR_EL1 = new SysReg("TCR_EL1", 3, 0, 2, 0, 2);
    private static final SysReg TTBR0_EL1 = new SysReg("TTBR0_EL1", 3, 0, 2, 0, 0);
    private static final SysReg MAIR_EL1 = new SysReg("MAIR_EL1", 3, 0, 10, 2, 0);
    /** ESR classes the probe expects: SVC from AArch64, data abort from the same EL. */
    static final int EC_SVC64 = 0x15;
    static final int EC_DATA_ABORT_SAME_EL = 0x25;
    /** ESR.IL: a 32-bit instruction. */
    static final int IL = 1 << 25;

    private final long syndromeOffset;

    private ExceptionRecordLayout(long syndromeOffset) {
        this.syndromeOffset = syndromeOffset;
    }

    /**
     * The measured layout; the first call runs the probe (one extra engine, a few tens of
     * milliseconds), so a guest that never takes an exception never pays for it.
     */
    static ExceptionRecordLayout get() {
        return Holder.LAYOUT;
    }

    private static final class Holder {
        static final ExceptionRecordLayout LAYOUT = measure();
    }

    ExceptionRecord read(MemorySegment snapshot) {
        return new ExceptionRecord(snapshot.get(JAVA_INT_UNALIGNED, syndromeOffset),
                snapshot.get(JAVA_LONG_UNALIGNED, syndromeOffset + 8),
                snapshot.get(JAVA_INT_UNALIGNED, syndromeOffset + 16));
    }

    private static ExceptionRecordLayout measure() {
        // ldr x0, [x1] with x1 not mapped: a translation fault
        List<byte[]> snapshots = probe(new int[] {svc(SVC_IMM_A), svc(SVC_IMM_B), 0xF940_0020});
        byte[] a = snapshots.get(0);
        byte[] b = snapshots.get(1);
        byte[] c = snapshots.get(2);
        MemorySegment sa = MemorySegment.ofArray(a);
        MemorySegment sb = MemorySegment.ofArray(b);
        MemorySegment sc = MemorySegment.ofArray(c);
        int wantA = EC_SVC64 << 26 | IL | SVC_IMM_A;
        int wantB = EC_SVC64 << 26 | IL | SVC_IMM_B;
        List<Long> found = new ArrayList<>();
        long limit = Math.min(Math.min(a.length, b.length), c.length) - 20;
        for (long o = 0; o <= limit; o += 4) {
            if (sa.get(JAVA_INT_UNALIGNED, o) == wantA && sb.get(JAVA_INT_UNALIGNED, o) == wantB
                    && sc.get(JAVA_INT_UNALIGNED, o) >>> 26 == EC_DATA_ABORT_SAME_EL
                    && sc.get(JAVA_LONG_UNALIGNED, o + 8) == PROBE_FAULT_ADDRESS
                    && sa.get(JAVA_INT_UNALIGNED, o + 16) == 1 && sc.get(JAVA_INT_UNALIGNED, o + 16) == 1) {
                found.add(o);
            }
        }
        if (found.size() != 1) {
            throw new UnicornException(UnicornException.TOO_OLD, "uc_context_save",
                    "cannot locate the CPU's exception record in Unicorn's CPU state (" + found.size()
                            + " candidate offsets): this Unicorn build cannot deliver exceptions to the guest");
        }
        return new ExceptionRecordLayout(found.getFirst());
    }

    private static int svc(int imm16) {
        return 0xD400_0001 | imm16 << 5;
    }

    /**
     * Runs each instruction in turn on one fresh engine, the last one with the MMU on, and returns the
     * CPU snapshot taken in the interrupt hook each one raised.
     */
    private static List<byte[]> probe(int[] instructions) {
        List<byte[]> snapshots = new ArrayList<>();
        Unicorn[] engine = new Unicorn[1];
        EngineHooks hooks = new EngineHooks() {
            @Override
            public void interrupt(int intno) {
                snapshots.add(engine[0].saveContext().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                engine[0].stop();
            }

            @Override
            public void invalidMemory(int type, long address, int size, long value) {}
        };
        try (Arena arena = Arena.ofShared()) {
            MemorySegment ram = arena.allocate(PROBE_RAM_SIZE, 1 << 12);
            for (int i = 0; i < instructions.length; i++) {
                ram.set(JAVA_INT_UNALIGNED, 4L * i, instructions[i]);
            }
            try (Unicorn uc = Unicorn.open(CpuModel.CORTEX_A57, hooks)) {
                engine[0] = uc;
                uc.memMapPtr(PROBE_RAM, ram, Unicorn.PROT_READ | Unicorn.PROT_WRITE | Unicorn.PROT_EXEC);
                uc.cpRegWrite(SysReg.SCR_EL3, 0x501);
                uc.cpRegWrite(SysReg.HCR_EL2, 1L << 31);
                for (int i = 0; i < instructions.length; i++) {
                    if (i == instructions.length - 1) {
                        // Level-1 entry 1 maps [1 GiB, 2 GiB) (the probe's code); entry 2, where the
                        // load goes, is invalid.
                        ram.set(JAVA_LONG_UNALIGNED, PROBE_TABLE - PROBE_RAM + 8, BLOCK_DESCRIPTOR);
                        uc.cpRegWrite(MAIR_EL1, 0xFF);
                        uc.cpRegWrite(TCR_EL1, TCR_VALUE);
                        uc.cpRegWrite(TTBR0_EL1, PROBE_TABLE);
                        uc.cpRegWrite(SysReg.SCTLR_EL1, uc.cpRegRead(SysReg.SCTLR_EL1) | SCTLR_M);
                        uc.regWrite(Arm64Reg.x(1), PROBE_FAULT_ADDRESS);
                    }
                    uc.start(PROBE_RAM + 4L * i, Unicorn.UNTIL_NEVER, 0);
                    Throwable failure = uc.takeFailure();
                    if (failure != null) {
                        throw new UnicornException(UnicornException.TOO_OLD, "uc_context_save",
                                "the exception-record probe failed: " + failure, failure);
                    }
                    if (snapshots.size() != i + 1) {
                        throw new UnicornException(UnicornException.TOO_OLD, "uc_emu_start",
                                "the exception-record probe raised no exception");
                    }
                }
            }
        }
        return snapshots;
    }
}
