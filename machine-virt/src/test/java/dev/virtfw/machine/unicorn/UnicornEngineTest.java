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
}
