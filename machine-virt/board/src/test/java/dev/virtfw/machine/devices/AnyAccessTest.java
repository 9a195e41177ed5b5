package dev.virtfw.machine.devices;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.bus.MmioBus;
import dev.virtfw.machine.bus.MmioDevice;
import dev.virtfw.machine.irq.Gicv2;
import dev.virtfw.machine.irq.Gicv2m;
import dev.virtfw.machine.irq.Spi;
import dev.virtfw.machine.pci.Gpex;
import dev.virtfw.machine.pci.PcieLayout;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every access a guest can make to the board's QEMU devices (any offset in the window, 1, 2, 4 or
 * 8 bytes, any value, read or write, in any order) is answered through the bus without an
 * exception: a device never stops the machine, as none of QEMU's does for these registers.
 */
class AnyAccessTest {
    static final int ACCESSES = 20_000;

    static List<Supplier<MmioDevice>> devices() {
        Gicv2 gic = new Gicv2(0x0800_0000L, 0x0801_0000L);
        return List.of(
                () -> new Pl031(0x0901_0000L, InstantSource.fixed(Instant.ofEpochSecond(1_796_396_400L)), Spi.unconnected(2)),
                () -> new Pl061(0x0903_0000L, Spi.unconnected(7)),
                () -> new VirtioMmio(0x0A00_0000L, Spi.unconnected(16)),
                () -> new Gicv2m(0x0802_0000L, gic, 48, 64),
                () -> new Gpex(PcieLayout.virt(false), 3).ecam(),
                () -> new Gpex(PcieLayout.virt(true), 3).windows().getLast());
    }

    @ParameterizedTest
    @MethodSource("devices")
    void anyAccessIsAnswered(Supplier<MmioDevice> make) {
        MmioDevice device = make.get();
        MmioBus bus = new MmioBus();
        bus.register(device);
        SplittableRandom rng = new SplittableRandom(device.name().hashCode());
        long span = Math.min(device.size(), 0x10_0000);
        for (int i = 0; i < ACCESSES; i++) {
            int size = 1 << rng.nextInt(4);
            long offset = rng.nextLong(span - size + 1) & -size;
            long address = device.base() + (rng.nextBoolean() ? offset : device.size() - span + offset);
            if (rng.nextBoolean()) {
                long v = bus.read(address, size);
                assertThat(size == 8 || v >>> (8 * size) == 0).as("%s read of %d at 0x%x", device.name(), size, address)
                        .isTrue();
            } else {
                bus.write(address, size, rng.nextLong());
            }
        }
        device.reset();
    }
}
