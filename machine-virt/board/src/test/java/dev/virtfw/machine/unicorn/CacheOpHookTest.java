package dev.virtfw.machine.unicorn;

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
 * The engine's report of instruction-cache invalidations, through the native filter (x86-64
 * Linux hosts) and through Java alone: IC IVAU with its address, IC IALLU and IC IALLUIS reach the
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
                add x2, x1, #0x80
                ic ivau, x2
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
        byte[] prog = Assembler.assemble(PROGRAM, RAM);
        MemorySegment ram = arena.allocate(0x10000, 4096);
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
    void onlyTheInstructionCacheInvalidationsAreReportedAndEverySysInstructionRuns(boolean javaFilter) {
        try (Arena arena = Arena.ofConfined()) {
            List<Call> calls = new ArrayList<>();
            Unicorn uc = open(arena, calls, new ArrayList<>(), javaFilter);
            try {
                long end = RAM + Assembler.assemble(PROGRAM, RAM).length;
                assertThat(uc.start(RAM, end - 6 * 4, 0)).isZero();
                // 0x...1000 is not 0x...1040's page: the program's literal pool is
                assertThat(calls).containsExactly(
                        new Call(SysReg.encode(1, 3, 7, 5, 1), 0x4000_1040L),
                        new Call(SysReg.encode(1, 0, 7, 5, 0), 0),
                        new Call(SysReg.encode(1, 3, 7, 5, 1), 0x4000_10c0L),
                        new Call(SysReg.encode(1, 0, 7, 1, 0), 0));
                // none of them was skipped or faulted: the run got past them
                assertThat(uc.regRead(Arm64Reg.x(4))).isEqualTo(7);
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
