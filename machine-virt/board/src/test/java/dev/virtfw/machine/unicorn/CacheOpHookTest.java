package dev.virtfw.machine.unicorn;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.Assembler;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine's watch on instruction-cache invalidations, through the native filter (x86-64
 * Linux hosts) and through Java alone: an IC IVAU by an address that can execute drops the code
 * translated from its page in the engine and is not reported; IC IALLU and IC IALLUIS reach the
 * hooks, in order; the other SYS instructions (data-cache, TLB and address-translation
 * operations) do not, and every one of them still runs. Also the helpers the board uses with it:
 * address translation, the block countdown and the count of runs, and memory hooks narrowed to
 * leave RAM out.
 */
class CacheOpHookTest {
    private static final long RAM = 0x4000_0000L;

    /** No literal pool: the last instruction is a load from x6, the 7 before it set x4, store to RAM and set x6. */
    private static final String PROGRAM = """
                movz x1, #0x4000, lsl #16
                movk x1, #0x1040
                dc civac, x1
                dc cvau, x1
                dc cvac, x1
                ic ivau, x1
                tlbi vmalle1
                tlbi vae1, x1
                at s1e1r, x1
                dc isw, xzr
                ic iallu
                movz x2, #0xffff, lsl #48
                ic ivau, x2
                movn x2, #0
                ic ivau, x2
                ic ivau, xzr
                ic ialluis
                mov x4, #7
                movz x5, #0x4000, lsl #16
                movk x5, #0x1000
                str x4, [x5]
                movz x6, #0x4000, lsl #16
                movk x6, #0x0010
                ldr x7, [x6]
            """;

    record Call(int encoding, long value) {}

    private static Unicorn open(Arena arena, List<Call> calls, List<Long> invalid, boolean javaFilter) {
        MemorySegment ram = arena.allocate(0x10000, 4096);
        return open(ram, PROGRAM, calls, invalid, javaFilter);
    }

    /** An engine with {@code program} at the start of {@code ram}, mapped at {@link #RAM}, reporting into the lists. */
    private static Unicorn open(MemorySegment ram, String program, List<Call> calls, List<Long> invalid,
                                boolean javaFilter) {
        byte[] prog = Assembler.assemble(program, RAM);
        ram.asSlice(0, prog.length).copyFrom(MemorySegment.ofArray(prog));
        Unicorn uc = Unicorn.open(CpuModel.CORTEX_A57, new EngineHooks() {
            @Override
            public void interrupt(int intno) {
                throw new AssertionError("exception " + intno);
            }

            @Override
            public void invalidMemory(int type, long address, int size, long value) {
                invalid.add(address);
            }

            @Override
            public void instructionCacheInvalidation(int encoding, long value) {
                calls.add(new Call(encoding, value));
            }
        }, false, true);
        uc.memMapPtr(RAM, ram, Unicorn.PROT_READ | Unicorn.PROT_WRITE | Unicorn.PROT_EXEC);
        uc.reportInstructionCacheInvalidations(javaFilter);
        return uc;
    }

    @ParameterizedTest(name = "every SYS instruction through Java: {0}")
    @ValueSource(booleans = {false, true})
    void onlyTheWholeCacheInvalidationsAreReportedHereAndEverySysInstructionRuns(boolean javaFilter) {
        try (Arena arena = Arena.ofConfined()) {
            List<Call> calls = new ArrayList<>();
            Unicorn uc = open(arena, calls, new ArrayList<>(), javaFilter);
            try {
                long end = RAM + Assembler.assemble(PROGRAM, RAM).length;
                assertThat(uc.start(RAM, end - 6 * 4, 0)).isZero();
                // with the MMU off every address translates and can execute: every IC IVAU is the
                // engine's (those beyond any memory, ~0 among them, drop nothing and do not fault);
                // the board gets the other two
                // (an IC IVAU it gets, by an alias that cannot execute: InstructionCacheTest)
                assertThat(calls).containsExactly(
                        new Call(SysReg.encode(1, 0, 7, 5, 0), 0),
                        new Call(SysReg.encode(1, 0, 7, 1, 0), 0));
                // none of them was skipped or faulted: the run got past them
                assertThat(uc.regRead(Arm64Reg.x(4))).isEqualTo(7);
            } finally {
                uc.close();
            }
        }
    }

    /** At RAM: call x9; at RAM + 0x100: IC IVAU by x9, then call x9. The function is at RAM + 0x2000. */
    private static final String CALLS = """
                blr x9
                .balign 0x100
                ic ivau, x9
                dsb ish
                isb
                blr x9
            """;

    @ParameterizedTest(name = "every SYS instruction through Java: {0}")
    @ValueSource(booleans = {false, true})
    void anIcIvauByAnExecutableAddressDropsTheCodeTranslatedFromItsPage(boolean javaFilter) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ram = arena.allocate(0x10000, 4096);
            ram.set(JAVA_INT, 0x2000, 0xd2800020);      // mov x0, #1
            ram.set(JAVA_INT, 0x2004, 0xd65f03c0);      // ret
            List<Call> calls = new ArrayList<>();
            Unicorn uc = open(ram, CALLS, calls, new ArrayList<>(), javaFilter);
            try {
                uc.regWrite(Arm64Reg.x(9), RAM + 0x2000);
                assertThat(uc.start(RAM, RAM + 4, 0)).isZero();
                assertThat(uc.regRead(Arm64Reg.X0)).isEqualTo(1);
                // the host rewrites the function behind the engine's back: mov x0, #2
                ram.set(JAVA_INT, 0x2000, 0xd2800040);
                assertThat(uc.start(RAM, RAM + 4, 0)).isZero();
                assertThat(uc.regRead(Arm64Reg.X0)).as("the translated code stands until dropped").isEqualTo(1);
                assertThat(uc.start(RAM + 0x100, RAM + 0x110, 0)).isZero();
                assertThat(uc.regRead(Arm64Reg.X0)).as("after IC IVAU").isEqualTo(2);
                assertThat(calls).isEmpty();
            } finally {
                uc.close();
            }
        }
    }

    @Test
    void translationCountdownAndRunsAsTheBoardReadsThem() {
        try (Arena arena = Arena.ofConfined()) {
            Unicorn uc = open(arena, new ArrayList<>(), new ArrayList<>(), false);
            try {
                // MMU off: the identity, for reads, writes and fetches alike
                assertThat(uc.translate(0x4000_1234L, Unicorn.PROT_READ)).isEqualTo(0x4000_1234L);
                assertThat(uc.translate(0x4000_1234L, Unicorn.PROT_EXEC)).isEqualTo(0x4000_1234L);
                assertThat(uc.starts()).isZero();
                uc.armBlockStop(1000);
                long end = RAM + Assembler.assemble(PROGRAM, RAM).length;
                assertThat(uc.start(RAM, end - 6 * 4, 0)).isZero();
                assertThat(uc.starts()).isEqualTo(1);
                // the program is one block (IC and AT end no block in Unicorn), or a few
                assertThat(uc.blocksLeft()).isBetween(990L, 999L);
            } finally {
                uc.close();
            }
        }
    }

    @Test
    void memoryHooksLeftOffRamStillReportEverythingElse() {
        try (Arena arena = Arena.ofConfined()) {
            List<Long> invalid = new ArrayList<>();
            Unicorn uc = open(arena, new ArrayList<>(), invalid, false);
            try {
                uc.leaveUnhooked(RAM, 0x10000);
                long end = RAM + Assembler.assemble(PROGRAM, RAM).length;
                // the store to RAM runs, the load from 0x40000010 too (x7: the program's bytes)
                assertThat(uc.start(RAM, end, 0)).isZero();
                assertThat(uc.regRead(Arm64Reg.x(7))).isNotZero();
                assertThat(invalid).isEmpty();
                // below and above RAM: reported as before
                uc.regWrite(Arm64Reg.x(6), 0x3000_0000L);
                assertThat(uc.start(end - 4, end, 0)).isNotZero();
                uc.regWrite(Arm64Reg.x(6), 0x4001_0000L);
                assertThat(uc.start(end - 4, end, 0)).isNotZero();
                assertThat(invalid).containsExactly(0x3000_0000L, 0x4001_0000L);
            } finally {
                uc.close();
            }
        }
    }
}
