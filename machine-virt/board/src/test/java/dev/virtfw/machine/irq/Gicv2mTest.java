package dev.virtfw.machine.irq;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The GICv2m frame as QEMU's virt has it: SPIs 48-111 (INTIDs 80-143). */
class Gicv2mTest {
    final Gicv2 gic = new Gicv2(0x0800_0000L, 0x0801_0000L);
    final Gicv2m v2m = new Gicv2m(0x0802_0000L, gic, 48, 64);

    @BeforeEach
    void edgeTriggeredFrameSpis() {
        // GICD_ICFGR5..8: INTIDs 80-143 edge-triggered, as Linux configures MSIs
        for (int reg = 5; reg <= 8; reg++) {
            gic.distributor().write(Gicv2.GICD_ICFGR + reg * 4L, 4, 0xAAAA_AAAAL);
        }
    }

    @Test
    void typerNamesTheFirstIntidAndTheCount() {
        assertThat(v2m.read(Gicv2m.MSI_TYPER, 4)).isEqualTo(0x0050_0040L);
    }

    @Test
    void iidrNamesQemu() {
        assertThat(v2m.read(Gicv2m.MSI_IIDR, 4)).isEqualTo(0x0510_0000L);
    }

    @ParameterizedTest(name = "{0}-byte read")
    @ValueSource(ints = {1, 2})
    void narrowReadsAreZero(int size) {
        assertThat(v2m.read(Gicv2m.MSI_TYPER, size)).isZero();
    }

    @Test
    void setspiLatchesTheIntidWritten() {
        v2m.write(Gicv2m.MSI_SETSPI_NS, 4, 80);
        v2m.write(Gicv2m.MSI_SETSPI_NS, 2, 143);
        assertThat(gic.pending(80)).isTrue();
        assertThat(gic.pending(143)).isTrue();
        assertThat(gic.pending(81)).isFalse();
    }

    @ParameterizedTest(name = "INTID {0}")
    @ValueSource(ints = {79, 144, 1023})
    void setspiOutsideTheFrameIsIgnored(int intid) {
        v2m.write(Gicv2m.MSI_SETSPI_NS, 4, intid);
        for (int id = 32; id < Gicv2.NUM_IRQ; id++) {
            assertThat(gic.pending(id)).as("INTID %d", id).isFalse();
        }
    }

    @Test
    void aByteWriteIsIgnored() {
        v2m.write(Gicv2m.MSI_SETSPI_NS, 1, 80);
        assertThat(gic.pending(80)).isFalse();
    }
}
