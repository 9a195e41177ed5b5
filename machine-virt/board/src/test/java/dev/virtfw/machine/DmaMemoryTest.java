package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.fwcfg.GuestAddress;
import dev.virtfw.fwcfg.GuestMemory;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioBus;
import dev.virtfw.machine.bus.MmioDevice;
import dev.virtfw.machine.memory.GuestRam;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fw_cfg DMA's view of the memory map outside RAM, unit by unit. */
class DmaMemoryTest {
    /** A 0x100-byte device that records its writes. */
    static final class Recorder implements MmioDevice {
        final long base;
        final List<String> writes = new ArrayList<>();

        Recorder(long base) {
            this.base = base;
        }

        @Override public String name() { return "recorder"; }
        @Override public long base() { return base; }
        @Override public long size() { return 0x100; }
        @Override public long read(long offset, int size) { return 0; }
        @Override public void write(long offset, int size, long value) {
            writes.add(String.format("+0x%x %d 0x%x", offset, size, value));
        }
        @Override public void addDeviceTreeNode(DeviceTreeContext context) { }
    }

    @Test
    void accessSizesAreQemusMemoryAccessSize() {
        assertThat(DmaMemory.accessSize(0x1000, 8)).isEqualTo(4);
        assertThat(DmaMemory.accessSize(0x1002, 8)).isEqualTo(2);
        assertThat(DmaMemory.accessSize(0x1001, 8)).isEqualTo(1);
        assertThat(DmaMemory.accessSize(0x1000, 3)).isEqualTo(2);
        assertThat(DmaMemory.accessSize(0, 1)).isEqualTo(1);
    }

    @Test
    void devicesGetLittleEndianWritesTheFwCfgItselfNothingAndGapsAreDroppedToTheNextDevice() {
        MmioBus bus = new MmioBus();
        Recorder device = new Recorder(0x0900_0000L);
        Recorder self = new Recorder(0x0902_0000L);
        bus.register(device);
        bus.register(self);
        try (GuestRam ram = new GuestRam(0x4000_0000L, 16L << 20)) {
            DmaMemory memory = new DmaMemory(ram, bus, List.of());
            memory.excludeSelf(self);
            MemorySegment data = MemorySegment.ofArray(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

            assertThat(memory.storeOutsideRam(new GuestAddress(0x0900_0000L), data)).isEqualTo(new GuestMemory.Outside(4, true));
            assertThat(device.writes).containsExactly("+0x0 4 0x4030201");

            assertThat(memory.storeOutsideRam(new GuestAddress(0x0902_0010L), data)).isEqualTo(new GuestMemory.Outside(4, true));
            assertThat(self.writes).as("no DMA from inside a DMA").isEmpty();

            // unassigned from 0x09010000: dropped up to the page boundary
            assertThat(memory.storeOutsideRam(new GuestAddress(0x0901_0ffcL), data)).isEqualTo(new GuestMemory.Outside(4, false));
            assertThat(memory.storeOutsideRam(new GuestAddress(0x0901_0000L), MemorySegment.ofArray(new byte[0x2000])))
                    .isEqualTo(new GuestMemory.Outside(0x1000, false));
        }
    }
}
