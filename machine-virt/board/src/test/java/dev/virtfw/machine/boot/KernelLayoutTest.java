package dev.virtfw.machine.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.virtfw.machine.ConfigException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** hw/arm/boot.c's placement rules (the QEMU comparison runs in BootAndConsoleTest). */
class KernelLayoutTest {
    static final long RAM = 0x4000_0000L;
    static final long MiB = 1L << 20;

    @ParameterizedTest(name = "text_offset 0x{0}, image_size {1} -> kernel at 0x{2}")
    @CsvSource({"0, 4096, 40200000", "fff, 4096, 40200fff", "1000, 4096, 40001000", "80000, 4096, 40080000",
            "80000, 0, 40080000", "200000, 0, 40080000"})
    void kernelAddress(String textOffset, long imageSize, String expected) {
        var h = new ArmImageHeader(Long.parseLong(textOffset, 16), imageSize);
        assertThat(KernelLayout.compute(RAM, 512 * MiB, 4096, h, 0, 4096).kernelAddress())
                .isEqualTo(Long.parseLong(expected, 16));
    }

    @Test
    void withoutHeaderTheImageGoesTo0x80000() {
        assertThat(KernelLayout.compute(RAM, 512 * MiB, 4096, null, 0, 4096).kernelAddress()).isEqualTo(RAM + 0x80000);
    }

    @ParameterizedTest(name = "{0} MiB of RAM, initrd {1} bytes -> initrd 0x{2}, dtb 0x{3}")
    @CsvSource({"512, 0, 48000000, 48000000", "512, 3000000, 48000000, 48400000", "128, 0, 44000000, 44000000",
            "64, 1, 42000000, 42200000"})
    void initrdAndDeviceTree(long ramMiB, long initrd, String initrdAt, String dtbAt) {
        var l = KernelLayout.compute(RAM, ramMiB * MiB, 4096, new ArmImageHeader(0, 4096), initrd, 4096);
        assertThat(l.initrdAddress()).isEqualTo(Long.parseLong(initrdAt, 16));
        assertThat(l.dtbAddress()).isEqualTo(Long.parseLong(dtbAt, 16));
    }

    @Test
    void aKernelReachingPastHalfOfRamPushesTheInitrdAfterIt() {
        var l = KernelLayout.compute(RAM, 64 * MiB, 40 * MiB + 5, new ArmImageHeader(0, 1), 0, 4096);
        assertThat(l.initrdAddress()).isEqualTo(RAM + 42 * MiB + 4096);
    }

    @Test
    void whatDoesNotFitIsRefused() {
        assertThatThrownBy(() -> KernelLayout.compute(RAM, 16 * MiB, 15 * MiB, new ArmImageHeader(0, 1), 0, 4096))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("-kernel: the kernel");
        assertThatThrownBy(() -> KernelLayout.compute(RAM, 16 * MiB, 4096, new ArmImageHeader(0, 1), 9 * MiB, 4096))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("-initrd: the initrd");
        assertThatThrownBy(() -> KernelLayout.compute(RAM, 16 * MiB, 4096, new ArmImageHeader(0, 1), 7 * MiB, 4096))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("not enough space for the device tree");
    }

    @Test
    void headerIsReadLittleEndianAndNeedsTheMagic() {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(8, 0x80000).putLong(16, 0x123456).put(56, (byte) 'A').put(57, (byte) 'R').put(58, (byte) 'M').put(59, (byte) 0x64);
        assertThat(ArmImageHeader.parse(MemorySegment.ofArray(b.array()))).contains(new ArmImageHeader(0x80000, 0x123456));
        b.put(59, (byte) 0x65);
        assertThat(ArmImageHeader.parse(MemorySegment.ofArray(b.array()))).isEmpty();
        assertThat(ArmImageHeader.parse(MemorySegment.ofArray(new byte[63]))).isEmpty();
    }
}
