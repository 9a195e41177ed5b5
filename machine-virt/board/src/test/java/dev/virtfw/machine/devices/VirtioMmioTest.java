package dev.virtfw.machine.devices;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.irq.Spi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A virtio-mmio transport with nothing plugged in, as QEMU 7.2 answers (virtio 1.1, 4.2.2). */
class VirtioMmioTest {
    final VirtioMmio transport = new VirtioMmio(0x0A00_0000L, Spi.unconnected(16));

    @Test
    void identifiesAsALegacyQemuTransportWithNoDevice() {
        assertThat(transport.read(VirtioMmio.MAGIC_VALUE, 4)).isEqualTo(0x7472_6976L);
        assertThat(transport.read(VirtioMmio.VERSION, 4)).isEqualTo(1);
        assertThat(transport.read(VirtioMmio.DEVICE_ID, 4)).isZero();
        assertThat(transport.read(VirtioMmio.VENDOR_ID, 4)).isEqualTo(0x554D_4551L);
    }

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(ints = {0x001, 0x002, 0x010, 0x014, 0x034, 0x044, 0x060, 0x070, 0x0FC, 0x100, 0x1FC})
    void everyOtherOffsetReadsZero(int offset) {
        assertThat(transport.read(offset, 4)).isZero();
    }

    @Test
    void writesAreIgnored() {
        transport.write(0x070, 4, 0xF);
        transport.write(VirtioMmio.MAGIC_VALUE, 4, 0);
        assertThat(transport.read(0x070, 4)).isZero();
        assertThat(transport.read(VirtioMmio.MAGIC_VALUE, 4)).isEqualTo(0x7472_6976L);
    }
}
