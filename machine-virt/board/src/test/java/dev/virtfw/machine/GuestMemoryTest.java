package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.virtfw.machine.memory.GuestRam;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Guest RAM as devices see it: bounds checked unsigned and overflow-safe; host writes reach translated code. */
class GuestMemoryTest {
    static final long BASE = 0x4000_0000L;
    static final long SIZE = 16L << 20;
    static GuestRam ram;

    @BeforeAll
    static void map() {
        ram = new GuestRam(BASE, SIZE);
    }

    @AfterAll
    static void unmap() {
        ram.close();
    }

    @ParameterizedTest(name = "ramBytesAt(0x{0}, 0x{1}) = 0x{2}")
    @CsvSource({
        "40000000, 10, 10",
        "40000000, 1000000, 1000000",
        "40000000, 1000001, 1000000",      // runs past the end: only the RAM part
        "40fffff0, 100, 10",
        "41000000, 1, 0",                  // one past the end
        "3fffffff, 1, 0",                  // one below the start
        "0, 40000001, 0",
        "ffffffffffffffff, 2, 0",          // wraps past 2^64
        "40000000, ffffffffffffffff, 1000000", // length at the unsigned maximum
        "8000000040000000, 10, 0",         // a negative long: not RAM
    })
    void ramBytesAtEdges(String gpa, String length, String expected) {
        assertThat(ram.ramBytesAt(Long.parseUnsignedLong(gpa, 16), Long.parseUnsignedLong(length, 16)))
                .isEqualTo(Long.parseUnsignedLong(expected, 16));
    }

    @Test
    void sliceRefusesAnythingNotWhollyRam() {
        assertThat(ram.slice(BASE + SIZE - 8, 8).byteSize()).isEqualTo(8);
        assertThatThrownBy(() -> ram.slice(BASE + SIZE - 8, 9)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> ram.slice(BASE - 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> ram.slice(-1L, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void ramIsTwoMibAlignedAndZeroed() {
        assertThat(ram.segment().address() % (2L << 20)).isZero();
        assertThat(ram.segment().byteSize()).isEqualTo(SIZE);
        assertThat(ram.slice(BASE + 12345, 8).get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0)).isZero();
    }

    @Test
    void codeOverwrittenByDmaRunsAsNewCode(@TempDir Path dir) throws IOException {
        Path code = dir.resolve("code");
        // mov x0, #2; ret
        Files.write(code, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0xd2800040).putInt(0xd65f03c0).array());
        // The file's key: after bios-geometry, bootorder and etc/boot-fail-wait, "opt/code" is the fourth file.
        Path fw = Assembler.toFile(Assembler.assembleFile("smc-dma.S", 0, "#define FILE_KEY 0x23"), ".bin");
        var run = Guest.run(fw, "", b -> b.fwCfg(FwCfgEntry.ofFile("opt/code", code)));
        assertThat(run.result().reason()).as(run.result().message()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(run.console()).isEqualTo("0000000000000001\n0000000000000002\n");
    }
}
