package dev.virtfw.machine.unicorn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.Assembler;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The binding on its own: a guest writes through an MMIO region and powers off with hvc. */
class UnicornEngineTest {
    private static final long RAM = 0x4000_0000L;
    private static final long UART = 0x0900_0000L;

    @Test
    void versionIsAtLeast21() {
        assertThat(Unicorn.version().atLeast(2, 1)).isTrue();
    }

    @Test
    void helloWorldThroughMmioAndHvc() {
        byte[] prog = Assembler.assemble("""
                    ldr x1, =0x09000000
                    adr x2, msg
                1:  ldrb w3, [x2], #1
                    cbz w3, 2f
                    str w3, [x1]
                    b 1b
                2:  ldr x0, =0x84000008
                    hvc #0
                    b .
                msg: .asciz "hello, world\\n"
                """, RAM);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> interrupts = new ArrayList<>();
        long[] x0 = new long[1];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ram = arena.allocate(0x10000, 4096);
            ram.asSlice(0, prog.length).copyFrom(MemorySegment.ofArray(prog));
            Unicorn[] holder = new Unicorn[1];
            try (Unicorn uc = Unicorn.open(CpuModel.CORTEX_A57, new EngineHooks() {
                @Override
                public void interrupt(int intno) {
                    interrupts.add(intno);
                    x0[0] = holder[0].regRead(Arm64Reg.X0);
                    holder[0].stop();
                }

                @Override
                public void invalidMemory(int type, long address, int size, long value) {
                    throw new AssertionError("unmapped access at 0x" + Long.toHexString(address));
                }
            })) {
                holder[0] = uc;
                uc.memMapPtr(RAM, ram, Unicorn.PROT_READ | Unicorn.PROT_WRITE | Unicorn.PROT_EXEC);
                uc.mmioMap(UART, 0x1000, new MmioHandler() {
                    @Override
                    public long read(long address, int size) {
                        return 0;
                    }

                    @Override
                    public void write(long address, int size, long value) {
                        out.write((int) value);
                    }
                });
                uc.cpRegWrite(SysReg.SCR_EL3, 0x501);
                uc.cpRegWrite(SysReg.HCR_EL2, 1L << 31);
                int err = uc.start(RAM, Unicorn.UNTIL_NEVER, 0);
                assertThat(err).isZero();
                assertThat(uc.takeFailure()).isNull();
            }
        }
        assertThat(out.toString()).isEqualTo("hello, world\n");
        assertThat(interrupts).containsExactly(11);
        assertThat(x0[0]).isEqualTo(0x84000008L);
    }

    /** What an 8-byte load reads from a handler that answers value + address, in two 4-byte halves. */
    private static long split(long lowHalfAnswer) {
        return (lowHalfAnswer & 0xFFFF_FFFFL) | ((lowHalfAnswer + 4) & 0xFFFF_FFFFL) << 32;
    }

    /** An MMIO handler that answers {@code value} plus the address it was given. */
    private static MmioHandler answering(long value, List<Long> writes) {
        return new MmioHandler() {
            @Override
            public long read(long address, int size) {
                return value + address;
            }

            @Override
            public void write(long address, int size, long v) {
                writes.add(address);
                writes.add(v);
            }
        };
    }

    @Test
    @org.junit.jupiter.api.DisplayName("the shared callback stubs reach the right engine and region, also with two engines open")
    void sharedCallbacksDispatchByEngineAndRegion() {
        // x5 <- [0x0900_0008] (region 1), x6 <- [0x0902_0010] (region 2), [0x0902_0000] <- x5; then stop
        byte[] prog = Assembler.assemble("""
                    ldr x2, =0x09000008
                    ldr x5, [x2]
                    ldr x3, =0x09020010
                    ldr x6, [x3]
                    ldr x4, =0x09020000
                    str x5, [x4]
                    ldr x0, =0x84000008
                    hvc #0
                    b .
                """, RAM);
        try (Arena arena = Arena.ofConfined()) {
            List<List<Long>> writes = List.of(new ArrayList<>(), new ArrayList<>());
            Unicorn[] engines = new Unicorn[2];
            long[][] regs = new long[2][2];
            for (int i = 0; i < 2; i++) {
                int n = i;
                MemorySegment ram = arena.allocate(0x10000, 4096);
                ram.asSlice(0, prog.length).copyFrom(MemorySegment.ofArray(prog));
                engines[i] = Unicorn.open(CpuModel.CORTEX_A57, new EngineHooks() {
                    @Override
                    public void interrupt(int intno) {
                        regs[n][0] = engines[n].regRead(Arm64Reg.x(5));
                        regs[n][1] = engines[n].regRead(Arm64Reg.x(6));
                        engines[n].stop();
                    }

                    @Override
                    public void invalidMemory(int type, long address, int size, long value) {
                        throw new AssertionError("unmapped access at 0x" + Long.toHexString(address));
                    }
                });
                engines[i].memMapPtr(RAM, ram, Unicorn.PROT_READ | Unicorn.PROT_WRITE | Unicorn.PROT_EXEC);
                engines[i].mmioMap(UART, 0x1000, answering(0x1000_0000L * (i + 1), writes.get(i)));
                engines[i].mmioMap(0x0902_0000L, 0x1000, answering(0x7000_0000L * (i + 1), writes.get(i)));
                engines[i].cpRegWrite(SysReg.SCR_EL3, 0x501);
                engines[i].cpRegWrite(SysReg.HCR_EL2, 1L << 31);
            }
            try {
                // Engine 1 first, then engine 0, then engine 1 again after engine 0 is closed.
                for (int i : new int[] {1, 0}) {
                    assertThat(engines[i].start(RAM, Unicorn.UNTIL_NEVER, 0)).isZero();
                    assertThat(engines[i].takeFailure()).isNull();
                }
                for (int i = 0; i < 2; i++) {
                    // Unicorn hands an 8-byte MMIO access over as two 4-byte ones, +0 then +4 (DESIGN.md).
                    assertThat(regs[i][0]).as("engine %d, region 1", i)
                            .isEqualTo(split(0x1000_0000L * (i + 1) + UART + 8));
                    assertThat(regs[i][1]).as("engine %d, region 2", i)
                            .isEqualTo(split(0x7000_0000L * (i + 1) + 0x0902_0010L));
                    assertThat(writes.get(i)).as("engine %d, the store", i).containsExactly(
                            0x0902_0000L, regs[i][0] & 0xFFFF_FFFFL, 0x0902_0004L, regs[i][0] >>> 32);
                }
                engines[0].close();
                regs[1][0] = 0;
                assertThat(engines[1].start(RAM, Unicorn.UNTIL_NEVER, 0)).isZero();
                assertThat(engines[1].takeFailure()).isNull();
                assertThat(regs[1][0]).isEqualTo(split(0x2000_0000L + UART + 8));
            } finally {
                for (Unicorn e : engines) {
                    e.close();
                }
            }
        }
    }
}
