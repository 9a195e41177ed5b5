package dev.virtfw.machine.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.virtfw.machine.ConfigException;
import dev.virtfw.machine.GuestFaultException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MmioBusTest {
    /** Records accesses; refuses writes at offset 4. */
    static final class Probe implements MmioDevice {
        final String name;
        final long base;
        final long size;
        final List<String> log = new ArrayList<>();

        Probe(String name, long base, long size) {
            this.name = name;
            this.base = base;
            this.size = size;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long base() {
            return base;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public boolean accepts(long offset, int size, boolean isWrite) {
            return !(isWrite && offset == 4);
        }

        @Override
        public long read(long offset, int size) {
            log.add("r" + offset + "/" + size);
            return -1L;
        }

        @Override
        public void write(long offset, int size, long value) {
            log.add("w" + offset + "/" + size + "=" + Long.toHexString(value));
        }

        @Override
        public void addDeviceTreeNode(DeviceTreeContext context) {}
    }

    @ParameterizedTest(name = "[0x{0}, +0x{1}) against [0x1000, +0x100)")
    @CsvSource({"f00, 101", "10ff, 1", "1000, 100", "1080, 10", "0, 2000"})
    void overlapsAreRefused(String base, String size) {
        MmioBus bus = new MmioBus();
        bus.register(new Probe("a", 0x1000, 0x100));
        assertThatThrownBy(() -> bus.register(new Probe("b", Long.parseLong(base, 16), Long.parseLong(size, 16))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("overlaps a");
    }

    @ParameterizedTest(name = "[0x{0}, +0x{1}) is fine next to [0x1000, +0x100)")
    @CsvSource({"f00, 100", "1100, 1"})
    void adjacentWindowsAreFine(String base, String size) {
        MmioBus bus = new MmioBus();
        bus.register(new Probe("a", 0x1000, 0x100));
        bus.register(new Probe("b", Long.parseLong(base, 16), Long.parseLong(size, 16)));
        assertThat(bus.devices()).hasSize(2);
    }

    @Test
    void emptyOrWrappingWindowsAreRefused() {
        MmioBus bus = new MmioBus();
        assertThatThrownBy(() -> bus.register(new Probe("z", 0x1000, 0))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> bus.register(new Probe("w", Long.MAX_VALUE - 4, 16))).isInstanceOf(ConfigException.class);
    }

    @Test
    void accessesReachTheDeviceAsOffsetsAndValuesAreMaskedToTheWidth() {
        MmioBus bus = new MmioBus();
        Probe p = new Probe("p", 0x9000, 0x18);
        bus.register(p);
        assertThat(bus.read(0x9010, 2)).isEqualTo(0xFFFF);
        bus.write(0x9000, 1, 0x1234);
        assertThat(bus.read(0x9010, 8)).isEqualTo(-1L);
        assertThat(p.log).containsExactly("r16/2", "w0/1=34", "r16/8");
    }

    @ParameterizedTest(name = "read of {1} at 0x{0}")
    @CsvSource({"8fff, 1", "9018, 1", "9014, 8", "9017, 2", "0, 4"})
    void accessesOutsideADeviceFault(String address, int size) {
        MmioBus bus = new MmioBus();
        Probe p = new Probe("p", 0x9000, 0x18);
        bus.register(p);
        long a = Long.parseLong(address, 16);
        assertThatThrownBy(() -> bus.read(a, size)).isInstanceOf(GuestFaultException.class)
                .hasMessage("read of " + size + " byte" + (size == 1 ? "" : "s") + " at unmapped address 0x" + address)
                .extracting(e -> ((GuestFaultException) e).address()).isEqualTo(a);
        assertThat(p.log).isEmpty();
    }

    @Test
    void aRefusedAccessNeverReachesTheDevice() {
        MmioBus bus = new MmioBus();
        Probe p = new Probe("p", 0x9000, 0x18);
        bus.register(p);
        assertThatThrownBy(() -> bus.write(0x9004, 4, 1)).isInstanceOf(GuestFaultException.class)
                .hasMessage("write of 4 bytes at 0x9004 refused by p (offset 0x4)");
        assertThat(p.log).isEmpty();
    }

    @Test
    void regionsAreKibAlignedAndMergedWhenTheyTouch() {
        MmioBus bus = new MmioBus();
        bus.register(new Probe("a", 0x9000_0000L, 0x1000));
        bus.register(new Probe("b", 0x9001_0000L, 0x18));
        bus.register(new Probe("c", 0x9001_0100L, 0x10));
        bus.register(new Probe("d", 0x9001_0400L, 0x8));
        assertThat(bus.regions()).containsExactly(
                new MmioBus.Window(0x9000_0000L, 0x9000_1000L),
                new MmioBus.Window(0x9001_0000L, 0x9001_0800L));
    }

    @Test
    void transportsOf0x200BytesShareOneRegionAndEachGetsItsOwnAccesses() {
        MmioBus bus = new MmioBus();
        for (int n = 31; n >= 0; n--) {
            bus.register(new Probe("t" + n, 0x0a00_0000L + n * 0x200L, 0x200));
        }
        assertThat(bus.regions()).containsExactly(new MmioBus.Window(0x0a00_0000L, 0x0a00_4000L));
        assertThat(bus.devices()).as("registration order").extracting(MmioDevice::name).startsWith("t31", "t30");
        bus.write(0x0a00_3e08L, 4, 7);
        bus.read(0x0a00_0000L, 4);
        assertThat(((Probe) bus.devices().getFirst()).log).containsExactly("w8/4=7");
        assertThat(((Probe) bus.devices().getLast()).log).containsExactly("r0/4");
        assertThatThrownBy(() -> bus.read(0x0a00_01fcL, 8)).as("straddles two transports")
                .isInstanceOf(GuestFaultException.class);
    }

    @Test
    void deviceSpecParsing() {
        DeviceSpec s = DeviceSpec.parse("uart,base=0x9040000,speed=fast, mode = raw");
        assertThat(s.type()).isEqualTo("uart");
        assertThat(s.base()).isEqualTo(0x9040000L);
        assertThat(s.options()).containsExactly(Map.entry("speed", "fast"), Map.entry("mode", "raw"));
        assertThatThrownBy(() -> DeviceSpec.parse("uart,base=1,x=1,x=2")).isInstanceOf(ConfigException.class)
                .hasMessage("--device uart,base=1,x=1,x=2: option 'x' given twice");
        assertThatThrownBy(() -> DeviceSpec.parse("base=1")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> DeviceSpec.parse("uart,base=1,novalue")).isInstanceOf(ConfigException.class)
                .hasMessage("--device uart,base=1,novalue: 'novalue' is not key=value");
    }
}
