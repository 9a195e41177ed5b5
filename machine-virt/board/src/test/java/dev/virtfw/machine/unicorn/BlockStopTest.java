package dev.virtfw.machine.unicorn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.Assembler;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The block hook that ends the board's slices, as native code (x86-64 hosts) and as the Java
 * upcall used elsewhere: a countdown of blocks, and a stop asked for inside a device access that
 * takes effect before the next block runs.
 */
class BlockStopTest {
    private static final long RAM = 0x4000_0000L;
    private static final long DEVICE = 0x0900_0000L;

    /** x1 counts loop iterations (one block each); every 256th iteration writes w1 to the device. */
    private static final String LOOP = """
                ldr x2, =0x09000000
                mov x1, #0
            1:  add x1, x1, #1
                tst x1, #0xff
                b.ne 1b
                str w1, [x2]
                b 1b
            """;

    record Engine(Unicorn uc, long[] writes) {}

    private static Engine open(Arena arena, boolean javaHook, boolean stopOnWrite) {
        byte[] prog = Assembler.assemble(LOOP, RAM);
        MemorySegment ram = arena.allocate(0x10000, 4096);
        ram.asSlice(0, prog.length).copyFrom(MemorySegment.ofArray(prog));
        long[] writes = new long[1];
        Unicorn[] holder = new Unicorn[1];
        Unicorn uc = Unicorn.open(CpuModel.CORTEX_A57, new EngineHooks() {
            @Override
            public void interrupt(int intno) {
                throw new AssertionError("exception " + intno);
            }

            @Override
            public void invalidMemory(int type, long address, int size, long value) {
                throw new AssertionError("unmapped access at 0x" + Long.toHexString(address));
            }
        }, false, true, javaHook);
        holder[0] = uc;
        uc.memMapPtr(RAM, ram, Unicorn.PROT_READ | Unicorn.PROT_WRITE | Unicorn.PROT_EXEC);
        uc.mmioMap(DEVICE, 0x1000, new MmioHandler() {
            @Override
            public long read(long address, int size) {
                return 0;
            }

            @Override
            public void write(long address, int size, long value) {
                writes[0]++;
                if (stopOnWrite) {
                    holder[0].stopAtNextBlock();
                }
            }
        });
        return new Engine(uc, writes);
    }

    @ParameterizedTest(name = "java hook: {0}")
    @ValueSource(booleans = {false, true})
    void theCountdownEndsTheRunAfterThatManyBlocksAndIsArmedAgainOnlyThen(boolean javaHook) {
        try (Arena arena = Arena.ofConfined()) {
            Engine e = open(arena, javaHook, false);
            Unicorn uc = e.uc();
            uc.armBlockStop(5000);
            assertThat(uc.start(RAM, Unicorn.UNTIL_NEVER, 0)).isZero();
            long first = uc.regRead(Arm64Reg.x(1));
            // the loop's first blocks set up x2 and x1; then about one block per iteration
            assertThat(first).isBetween(4900L, 5000L);
            uc.rearmBlockStop(5000);
            assertThat(uc.start(uc.pc(), Unicorn.UNTIL_NEVER, 0)).isZero();
            assertThat(uc.regRead(Arm64Reg.x(1)) - first).isBetween(4900L, 5001L);
            uc.rearmBlockStop(5000);
            // a run ended by something else (here its until address, the str at +20, reached at
            // x1 = 10240) keeps what is left of the countdown: re-arming changes nothing then
            long x1 = uc.regRead(Arm64Reg.x(1));
            uc.removeCache(RAM + 20, RAM + 24);     // Unicorn checks an until address when it translates
            assertThat(uc.start(uc.pc(), RAM + 20, 0)).isZero();
            long ranTo = uc.regRead(Arm64Reg.x(1));
            assertThat(ranTo).isEqualTo((x1 | 0xff) + 1);
            uc.rearmBlockStop(5000);
            assertThat(uc.start(uc.pc(), Unicorn.UNTIL_NEVER, 0)).isZero();
            assertThat(uc.regRead(Arm64Reg.x(1)) - x1).isBetween(4900L, 5001L);
            uc.close();
        }
    }

    @ParameterizedTest(name = "java hook: {0}")
    @ValueSource(booleans = {false, true})
    void aStopAskedForInADeviceAccessEndsTheRunAtTheNextBlock(boolean javaHook) {
        try (Arena arena = Arena.ofConfined()) {
            Engine e = open(arena, javaHook, true);
            Unicorn uc = e.uc();
            uc.armBlockStop(1_000_000);
            assertThat(uc.start(RAM, Unicorn.UNTIL_NEVER, 0)).isZero();
            // stopped after the first write, before the next iteration's block ran
            assertThat(e.writes()[0]).isEqualTo(1);
            assertThat(uc.regRead(Arm64Reg.x(1))).isEqualTo(256);
            // the stop ended the run, so re-arming clears it: the next run goes on to the next write
            uc.rearmBlockStop(1_000_000);
            assertThat(uc.start(uc.pc(), Unicorn.UNTIL_NEVER, 0)).isZero();
            assertThat(e.writes()[0]).isEqualTo(2);
            assertThat(uc.regRead(Arm64Reg.x(1))).isEqualTo(512);
            uc.close();
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"x86-64 Linux"})
    void theNativeHookIsUsedOnX8664Linux(String host) {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean x8664Linux = (arch.equals("amd64") || arch.equals("x86_64"))
                && System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux");
        assertThat(Unicorn.nativeBlockHook()).as(host).isEqualTo(x8664Linux
                && Boolean.parseBoolean(System.getProperty("virtfw.nativeBlockHook", "true")));
    }
}
