package dev.virtfw.machine.pci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.bus.MmioDevice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The gpex host with an empty bus, as QEMU 7.2's virt answers (PCI 3.0 chapter 6; PCIe 7.2.2 ECAM). */
class GpexTest {
    final Gpex host = new Gpex(PcieLayout.virt(true), 3);
    final MmioDevice ecam = host.ecam();

    @Nested
    class Layout {
        @Test
        void highmemPutsTheEcamHighAndAddsThe64BitWindow() {
            PcieLayout l = PcieLayout.virt(true);
            assertThat(l.ecamBase()).isEqualTo(0x40_1000_0000L);
            assertThat(l.buses()).isEqualTo(256);
            assertThat(host.windows()).extracting(MmioDevice::base)
                    .containsExactly(0x1000_0000L, 0x3EFF_0000L, 0x80_0000_0000L);
        }

        @Test
        void withoutHighmemTheEcamIsLowWith16Buses() {
            PcieLayout l = PcieLayout.virt(false);
            assertThat(l.ecamBase()).isEqualTo(0x3F00_0000L);
            assertThat(l.buses()).isEqualTo(16);
            assertThat(new Gpex(l, 3).windows()).extracting(MmioDevice::name).containsExactly("pcie-mmio", "pcie-pio");
        }
    }

    @Nested
    class HostBridge {
        @ParameterizedTest(name = "0x{0}: 0x{1}")
        @CsvSource({"00, 00081b36", "04, 00000000", "08, 06000000", "0c, 00000000", "10, 00000000",
                "2c, 11001af4", "30, 00000000", "34, 00000000", "3c, 00000000", "40, 00000000", "fc, 00000000",
                "100, ffffffff", "ffc, ffffffff"})
        void headerAtReset(String offset, String value) {
            assertThat(ecam.read(Long.parseLong(offset, 16), 4)).isEqualTo(Long.parseLong(value, 16));
        }

        @Test
        void narrowReadsTakeTheirBytes() {
            assertThat(ecam.read(0x02, 2)).isEqualTo(0x0008);
            assertThat(ecam.read(0x0B, 1)).isEqualTo(0x06);
            assertThat(ecam.read(0xFE, 4)).as("straddling the end of the space").isEqualTo(0xFFFF_0000L);
        }

        /** What QEMU 7.2 reads back after all ones were written to each header dword (guest-devices). */
        @ParameterizedTest(name = "0x{0}: 0x{1}")
        @CsvSource({"00, 00081b36", "04, 00000507", "08, 06000000", "0c, 000000ff", "10, 00000000", "24, 00000000",
                "2c, 11001af4", "30, 00000000", "3c, 000000ff", "40, ffffffff", "fc, ffffffff", "100, ffffffff"})
        void writeMasks(String offset, String value) {
            long off = Long.parseLong(offset, 16);
            ecam.write(off, 4, 0xFFFF_FFFFL);
            assertThat(ecam.read(off, 4)).isEqualTo(Long.parseLong(value, 16));
        }

        @Test
        void statusErrorBitsAreWriteOneToClearAndCommandKeepsItsWritableBits() {
            ecam.write(0x04, 4, 0xFFFF_0147L);
            assertThat(ecam.read(0x04, 4)).isEqualTo(0x0107);
        }

        @Test
        void resetClearsCommandCacheLineAndInterruptLineButKeepsDeviceSpecificBytes() {
            ecam.write(0x04, 2, 0x7);
            ecam.write(0x0C, 1, 0x10);
            ecam.write(0x3C, 1, 0x20);
            ecam.write(0x40, 4, 0x1234);
            ecam.reset();
            assertThat(ecam.read(0x04, 4)).isZero();
            assertThat(ecam.read(0x0C, 4)).isZero();
            assertThat(ecam.read(0x3C, 4)).isZero();
            assertThat(ecam.read(0x40, 4)).as("as QEMU's pci_do_device_reset").isEqualTo(0x1234);
            assertThat(ecam.read(0x00, 4)).isEqualTo(0x0008_1B36L);
        }
    }

    /**
     * EDK2's whole PCI enumeration of the host bridge and Linux's probe at boot, as QEMU traced them,
     * read the same values here.
     * QEMU's trace has no access size: writes are replayed as words (their upper bytes, zero, land
     * on read-only or write-one-to-clear bytes), and a read matches when one of the widths its
     * alignment allows gives the traced value.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"edk2-host-bridge-config.trace", "linux-host-bridge-config.trace"})
    void firmwareAndLinuxAsQemuTracedThemReadTheSameValues(String trace) throws IOException {
        List<String> lines;
        try (var in = GpexTest.class.getResourceAsStream(trace)) {
            lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .filter(l -> !l.startsWith("#")).toList();
        }
        assertThat(lines).hasSizeGreaterThan(40);
        for (String line : lines) {
            String[] f = line.split(" ");
            long offset = Long.decode(f[1]);
            long value = Long.decode(f[2]);
            if (f[0].equals("write")) {
                ecam.write(offset, 4, value);
            } else {
                List<Long> widths = new ArrayList<>();
                for (int size = 4; size >= 1; size /= 2) {
                    if (offset % size == 0) {
                        widths.add(ecam.read(offset, size));
                    }
                }
                assertThat(widths).as(line).contains(value);
            }
        }
    }

    @ParameterizedTest(name = "offset 0x{0}")
    @ValueSource(strings = {"1000", "8000", "f8000", "100000", "ff00000", "fffffff"})
    void otherFunctionsReadAllOnesAndIgnoreWrites(String offset) {
        long off = Long.parseLong(offset, 16) & ~3L;
        ecam.write(off, 4, 0);
        // the low bytes count (the bus masks them to the access)
        assertThat(ecam.read(off, 4) & 0xFFFF_FFFFL).isEqualTo(0xFFFF_FFFFL);
        assertThat(ecam.read(off, 1) & 0xFF).isEqualTo(0xFF);
    }

    @Test
    void theWindowsReadAllOnesAndDropWrites() {
        for (MmioDevice w : host.windows()) {
            w.write(0, 4, 0x1234);
            assertThat(w.read(0, 4)).as(w.name()).isEqualTo(-1L);
            assertThat(w.read(w.size() - 8, 8)).as(w.name()).isEqualTo(-1L);
        }
    }
}
