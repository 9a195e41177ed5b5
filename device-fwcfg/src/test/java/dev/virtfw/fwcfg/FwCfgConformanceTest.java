package dev.virtfw.fwcfg;

import static dev.virtfw.fwcfg.FwCfgSpec.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conformance of the device to QEMU's docs/specs/fw_cfg.rst and to QEMU 7.2's hw/nvram/fw_cfg.c as
 * observed live (device-fwcfg/docs/qemu-behaviour.md, with the vectors), one nested class per section, one test per rule.
 * Every test runs against RAM with guard bytes around it; {@link #guardsStayIntact()} checks them
 * after each test.
 */
@DisplayName("fw_cfg conformance")
class FwCfgConformanceTest {
    static final long RAM_SIZE = 1 << 20;
    static final UUID TEST_UUID = UUID.fromString("12345678-9abc-def0-1122-334455667788");
    static final byte[] PATTERN = pattern(300);

    GuardedRam ram;
    FwCfgItems items;
    FwCfgDevice device;
    Guest guest;
    final List<long[]> callbackCalls = new ArrayList<>();

    /** The test's RAM, and outside it whatever device a test puts there by overriding a method. */
    abstract class RamAndADevice implements GuestMemory {
        @Override
        public long ramBytesAt(GuestAddress gpa, long length) {
            return ram.ramBytesAt(gpa, length);
        }

        @Override
        public MemorySegment slice(GuestAddress gpa, long length) {
            return ram.slice(gpa, length);
        }
    }
    FwCfgItem writable;
    long desc;
    long buf;

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }

    @BeforeEach
    void setUp() {
        ram = new GuardedRam(RAM_SIZE);
        items = FwCfgItems.create()
                .addQemuDefaults(TEST_UUID, true, false, 2)
                .addBytes(FW_CFG_KERNEL_DATA, PATTERN)
                .addFile("etc/pattern", PATTERN);
        writable = items.addWritableFile("etc/writable", new byte[16],
                (item, offset, length) -> callbackCalls.add(new long[] {offset, length}));
        device = new FwCfgDevice(items, ram);
        guest = new Guest(device, ram);
        desc = ram.base + 0x1000;
        buf = ram.base + 0x2000;
    }

    @AfterEach
    void guardsStayIntact() {
        assertThat(ram.guardsIntact()).as("guard bytes around guest RAM are untouched").isTrue();
        device.close();
        ram.close();
    }

    int key(String file) {
        return items.files().stream().filter(f -> f.name().equals(file)).findFirst().orElseThrow().select();
    }

    static long le(byte[] b, int from, int n) {
        long v = 0;
        for (int i = 0; i < n && from + i < b.length; i++) {
            v |= (b[from + i] & 0xFFL) << (8 * i);
        }
        return v;
    }

    byte[] itemBytes(int key) {
        guest.select(key);
        int n = (int) items.item(key).orElseThrow().size();
        return guest.dataBytes(n);
    }

    // =================================================================== Selector
    @Nested
    @DisplayName("Selector register (+0x08)")
    class Selector {
        @Test
        @DisplayName("live: write16 0x0000 to +8, read32 +0 gives 0x554D4551 (\"QEMU\")")
        void selectSignature() {
            guest.select(FW_CFG_SIGNATURE);
            assertThat(guest.data(4)).isEqualTo(0x554D4551L);
        }

        @Test
        @DisplayName("live: select ID (write16 0x0100), read32 gives 0x00000003: the selector is big-endian")
        void selectorIsBigEndian() {
            device.write(FW_CFG_CTL_OFFSET, 2, 0x0100);
            assertThat(guest.data(4)).isEqualTo(3L);
        }

        @Test
        @DisplayName("live: select 0x3FFF (write16 0xFF3F), read32 gives 0")
        void invalidKeyReadsZero() {
            device.write(FW_CFG_CTL_OFFSET, 2, 0xFF3F);
            assertThat(guest.data(4)).isZero();
            assertThat(guest.data(8)).isZero();
        }

        @Test
        @DisplayName("fw_cfg.rst: selecting an item resets its offset to 0")
        void selectResetsOffset() {
            guest.select(FW_CFG_KERNEL_DATA);
            guest.data(8);
            guest.data(8);
            guest.select(FW_CFG_KERNEL_DATA);
            assertThat(guest.data(8)).isEqualTo(le(PATTERN, 0, 8));
        }

        @Test
        @DisplayName("QEMU at reset: FW_CFG_SIGNATURE is selected before any selector write")
        void signatureSelectedAtReset() {
            assertThat(guest.data(4)).isEqualTo(0x554D4551L);
        }

        @Test
        @DisplayName("QEMU fw_cfg_reset: reset selects FW_CFG_SIGNATURE at offset 0 and forgets a latched DMA high half")
        void resetSelectsSignature() {
            guest.select(FW_CFG_KERNEL_DATA);
            guest.data(8);
            guest.writeDmaHigh(0x1234);
            device.read(0, 4);
            device.reset();
            assertThat(device.accepts(4, 4, false)).as("no split open after reset").isFalse();
            assertThat(guest.data(4)).isEqualTo(0x554D4551L);
            ram.descriptor(desc, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, buf);
            guest.writeDmaLow((int) desc);
            assertThat(ram.be32(desc)).as("the high half latched before reset is gone").isZero();
        }

        @Test
        @DisplayName("fw_cfg.c: the write-channel bit 0x4000 is masked off when the item is looked up")
        void writeChannelBitIgnored() {
            guest.select(FW_CFG_WRITE_CHANNEL | FW_CFG_ID);
            assertThat(guest.data(4)).isEqualTo(3L);
        }

        @Test
        @DisplayName("fw_cfg.c: an arch-local selector (0x8000) with no item there reads zeros")
        void archLocalEmpty() {
            guest.select(FW_CFG_ARCH_LOCAL | FW_CFG_SIGNATURE);
            assertThat(guest.data(4)).isZero();
        }

        @ParameterizedTest(name = "key 0x{0}")
        @ValueSource(strings = {"3", "6", "1f", "3f", "40", "3fff", "bfff", "ffff"})
        @DisplayName("fw_cfg.rst: a key that holds nothing reads as zeros, never an error")
        void emptyKeysReadZero(String hex) {
            guest.select(Integer.parseInt(hex, 16));
            for (int size : new int[] {1, 2, 4, 8}) {
                assertThat(guest.data(size)).isZero();
            }
        }

        @ParameterizedTest(name = "{0}-byte read")
        @ValueSource(ints = {1, 2, 4, 8})
        @DisplayName("QEMU 7.2: every read of the selector is refused")
        void selectorReadRefused(int size) {
            assertThat(device.accepts(FW_CFG_CTL_OFFSET, size, false)).isFalse();
            assertThat(device.read(FW_CFG_CTL_OFFSET, size)).isZero();
        }

        @ParameterizedTest(name = "{0}-byte write")
        @ValueSource(ints = {1, 4, 8})
        @DisplayName("QEMU 7.2: selector writes other than 16 bits are refused and select nothing")
        void selectorWrongWidthRefused(int size) {
            guest.select(FW_CFG_KERNEL_DATA);
            guest.data(1);
            device.write(FW_CFG_CTL_OFFSET, size, 0x0100);
            assertThat(guest.data(1)).as("still the next byte of the previous item").isEqualTo(PATTERN[1] & 0xFFL);
        }

        @Test
        @DisplayName("QEMU 7.2: a 16-bit write at +0x0A (past the selector) is refused")
        void selectorNeighbourRefused() {
            assertThat(device.accepts(0x0A, 2, true)).isFalse();
            device.write(0x0A, 2, 0x0100);
            assertThat(guest.data(4)).isEqualTo(0x554D4551L);
        }
    }

    // =================================================================== DataRegister
    @Nested
    @DisplayName("Data register (+0x00)")
    class DataRegister {
        @ParameterizedTest(name = "{0}-byte reads")
        @ValueSource(ints = {1, 2, 4, 8})
        @DisplayName("fw_cfg.rst: a read returns the next bytes of the item in string order (lowest address = next byte)")
        void stringOrder(int size) {
            guest.select(FW_CFG_KERNEL_DATA);
            for (int at = 0; at + size <= PATTERN.length; at += size) {
                assertThat(guest.data(size)).as("at %d", at).isEqualTo(le(PATTERN, at, size));
            }
        }

        @Test
        @DisplayName("live: select SIGNATURE, read64 gives 0x00000000554D4551 and the next read64 gives 0")
        void read64PastEnd() {
            guest.select(FW_CFG_SIGNATURE);
            assertThat(guest.data(8)).isEqualTo(0x00000000554D4551L);
            assertThat(guest.data(8)).isZero();
        }

        @ParameterizedTest(name = "{0}-byte read near the end")
        @ValueSource(ints = {1, 2, 4, 8})
        @DisplayName("QEMU 7.2: at the end of an item a read returns the remaining bytes followed by zeros")
        void remainingThenZeros(int size) {
            int start = size >= 4 ? 297 : 299;
            guest.select(FW_CFG_KERNEL_DATA);
            guest.dataBytes(start);
            assertThat(guest.data(size)).isEqualTo(le(PATTERN, start, Math.min(size, 300 - start)));
            assertThat(guest.data(size)).isZero();
        }

        static Stream<Arguments> tails() {
            List<Arguments> list = new ArrayList<>();
            for (int remaining = 1; remaining <= 8; remaining++) {
                for (int size : new int[] {1, 2, 4, 8}) {
                    list.add(Arguments.of(remaining, size));
                }
            }
            return list.stream();
        }

        @ParameterizedTest(name = "{0} bytes left, {1}-byte read")
        @MethodSource("tails")
        @DisplayName("fw_cfg.rst: with fewer bytes left than the read is wide, the read gives them in string order, zeros after")
        void tailReads(int remaining, int size) {
            guest.select(FW_CFG_KERNEL_DATA);
            guest.dataBytes(PATTERN.length - remaining);
            assertThat(guest.data(size)).isEqualTo(le(PATTERN, PATTERN.length - remaining, Math.min(size, remaining)));
            int left = Math.max(0, remaining - size);
            assertThat(guest.data(1)).isEqualTo(left > 0 ? PATTERN[PATTERN.length - left] & 0xFFL : 0);
        }

        @Test
        @DisplayName("fw_cfg.rst: mixed widths read the item as one stream")
        void mixedWidthsOneStream() {
            guest.select(FW_CFG_KERNEL_DATA);
            ByteBuffer out = ByteBuffer.allocate(PATTERN.length + 16).order(ByteOrder.LITTLE_ENDIAN);
            int[] widths = {1, 8, 2, 4, 8, 1, 4, 2};
            int i = 0;
            while (out.position() < PATTERN.length) {
                int w = widths[i++ % widths.length];
                long v = guest.data(w);
                for (int b = 0; b < w; b++) {
                    out.put((byte) (v >>> (8 * b)));
                }
            }
            byte[] got = Arrays.copyOf(out.array(), out.position());
            assertThat(Arrays.copyOf(got, PATTERN.length)).isEqualTo(PATTERN);
            for (int j = PATTERN.length; j < got.length; j++) {
                assertThat(got[j]).as("padding byte %d", j).isZero();
            }
        }

        static IntStream startOffsets() {
            return IntStream.of(0, 1, 3, 7, 8, 100, 290, 292, 293, 296, 299, 300);
        }

        @ParameterizedTest(name = "starting at byte {0}")
        @MethodSource("startOffsets")
        @DisplayName("an 8-byte read and two 4-byte reads at +0 then +4 give the same bytes (Unicorn splits 8-byte accesses)")
        void splitEqualsWhole(int start) {
            guest.select(FW_CFG_KERNEL_DATA);
            guest.dataBytes(start);
            long whole = guest.data(8);
            guest.select(FW_CFG_KERNEL_DATA);
            guest.dataBytes(start);
            assertThat(device.accepts(0, 4, false)).isTrue();
            long low = device.read(0, 4);
            assertThat(device.accepts(4, 4, false)).as("+4 right after +0 is the split's second half").isTrue();
            long high = device.read(4, 4);
            assertThat(low | high << 32).isEqualTo(whole);
            assertThat(guest.data(1)).as("both leave the offset at the same place")
                    .isEqualTo(start + 8 < PATTERN.length ? PATTERN[start + 8] & 0xFFL : 0);
        }

        @Test
        @DisplayName("QEMU 7.2: a 4-byte data read at +4 on its own is refused (QEMU takes data reads at +0 only)")
        void plusFourAloneRefused() {
            guest.select(FW_CFG_KERNEL_DATA);
            assertThat(device.accepts(4, 4, false)).isFalse();
            assertThat(device.read(4, 4)).isZero();
            assertThat(guest.data(1)).as("offset unchanged").isEqualTo(PATTERN[0] & 0xFFL);
        }

        @ParameterizedTest(name = "after a {0}-byte read at +0")
        @ValueSource(ints = {1, 2, 8})
        @DisplayName("split access (our addition to QEMU's rule): only a 4-byte read at +0 opens the split; other widths do not")
        void onlyFourByteReadOpensSplit(int size) {
            guest.select(FW_CFG_KERNEL_DATA);
            guest.data(size);
            assertThat(device.accepts(4, 4, false)).isFalse();
        }

        @Test
        @DisplayName("split access (our addition to QEMU's rule): the split is consumed: a second +4 read after the pair is refused")
        void splitIsConsumed() {
            guest.select(FW_CFG_KERNEL_DATA);
            device.read(0, 4);
            device.read(4, 4);
            assertThat(device.accepts(4, 4, false)).isFalse();
            assertThat(device.read(4, 4)).isZero();
            assertThat(guest.data(1)).isEqualTo(PATTERN[8] & 0xFFL);
        }

        @Test
        @DisplayName("split access (our addition to QEMU's rule): any access between the halves closes the split")
        void accessBetweenHalvesClosesSplit() {
            guest.select(FW_CFG_KERNEL_DATA);
            device.read(0, 4);
            device.read(FW_CFG_DMA_OFFSET, 4);
            assertThat(device.accepts(4, 4, false)).isFalse();
            device.read(0, 4);
            guest.select(FW_CFG_KERNEL_DATA);
            assertThat(device.accepts(4, 4, false)).isFalse();
        }

        @Test
        @DisplayName("split access (our addition to QEMU's rule): a read half does not open a write half, nor the reverse")
        void directionsDoNotMix() {
            device.read(0, 4);
            assertThat(device.accepts(4, 4, true)).isFalse();
            device.write(0, 4, 0);
            assertThat(device.accepts(4, 4, false)).isFalse();
            assertThat(device.accepts(4, 4, true)).isTrue();
        }

        @ParameterizedTest(name = "{0}-byte write")
        @ValueSource(ints = {1, 2, 4, 8})
        @DisplayName("fw_cfg.rst: data register writes are accepted and ignored (QEMU 2.4+)")
        void writesIgnored(int size) {
            guest.select(FW_CFG_KERNEL_DATA);
            guest.data(2);
            assertThat(device.accepts(0, size, true)).isTrue();
            device.write(0, size, -1L);
            assertThat(guest.data(1)).isEqualTo(PATTERN[2] & 0xFFL);
            assertThat(items.item(FW_CFG_KERNEL_DATA).orElseThrow().contents().toArray(Layouts.U8)).isEqualTo(PATTERN);
        }

        @Test
        @DisplayName("a split 8-byte data write (+0 then +4) is accepted whole and ignored")
        void splitWriteIgnored() {
            guest.select(FW_CFG_KERNEL_DATA);
            device.write(0, 4, 0x11111111L);
            assertThat(device.accepts(4, 4, true)).isTrue();
            device.write(4, 4, 0x22222222L);
            assertThat(guest.data(8)).isEqualTo(le(PATTERN, 0, 8));
        }

        @Test
        @DisplayName("fw_cfg.rst: each item keeps no offset of its own: reselecting another key starts it at 0")
        void offsetIsPerSelection() {
            guest.select(FW_CFG_KERNEL_DATA);
            guest.data(8);
            guest.select(FW_CFG_SIGNATURE);
            assertThat(guest.data(4)).isEqualTo(0x554D4551L);
            guest.select(FW_CFG_KERNEL_DATA);
            assertThat(guest.data(1)).isEqualTo(PATTERN[0] & 0xFFL);
        }
    }

    // =================================================================== Acceptance
    @Nested
    @DisplayName("Register acceptance (QEMU 7.2, scanned live)")
    class Acceptance {
        /** docs/qemu-behaviour.md, "Accesses QEMU refuses", as a table. */
        static boolean qemuAccepts(int offset, int size, boolean write) {
            if (offset % size != 0) {
                return false; // the memory core refuses unaligned accesses
            }
            if (offset == 0) {
                return true; // data register: every width, reads and (ignored) writes
            }
            if (offset < 8) {
                return false; // data register at any other offset
            }
            if (offset < 0x10) {
                return write && offset == 8 && size == 2; // selector: 16-bit writes only
            }
            if (offset < 0x18) {
                return !write || size == 4 || (size == 8 && offset == 0x10);
            }
            return false; // +0x18..+0x1F
        }

        static Stream<Arguments> everyAccess() {
            List<Arguments> list = new ArrayList<>();
            for (int offset = 0; offset < 0x20; offset++) {
                for (int size : new int[] {1, 2, 4, 8}) {
                    for (boolean write : new boolean[] {false, true}) {
                        list.add(Arguments.of(Integer.toHexString(offset), size, write ? "write" : "read",
                                qemuAccepts(offset, size, write)));
                    }
                }
            }
            return list.stream();
        }

        @ParameterizedTest(name = "{2} of {1} at +0x{0} -> {3}")
        @MethodSource("everyAccess")
        @DisplayName("QEMU 7.2: every 1/2/4/8-byte read and write in 0x00-0x1F is accepted exactly as QEMU 7.2 does")
        void acceptsLikeQemu(String hex, int size, String direction, boolean expected) {
            assertThat(device.accepts(Integer.parseInt(hex, 16), size, direction.equals("write"))).isEqualTo(expected);
        }

        static Stream<Arguments> refusedAccesses() {
            return everyAccess().filter(a -> !(Boolean) a.get()[3]);
        }

        @ParameterizedTest(name = "{2} of {1} at +0x{0}")
        @MethodSource("refusedAccesses")
        @DisplayName("a refused access does no harm: nothing is selected, read or transferred")
        void refusedAccessDoesNothing(String hex, int size, String direction, boolean expected) {
            int offset = Integer.parseInt(hex, 16);
            boolean write = direction.equals("write");
            guest.select(FW_CFG_KERNEL_DATA);
            guest.data(1);
            ram.descriptor(desc, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 8, buf);
            long value = write ? Layouts.cpuToBe64(desc) : 0;
            if (write) {
                device.write(offset, size, value);
            } else {
                assertThat(device.read(offset, size)).isZero();
            }
            assertThat(ram.be32(desc)).as("no DMA ran").isEqualTo(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ);
            assertThat(guest.data(1)).as("selection and offset unchanged").isEqualTo(PATTERN[1] & 0xFFL);
        }

        @ParameterizedTest(name = "size {0}")
        @ValueSource(ints = {0, 3, 5, 6, 7, 16, -1})
        @DisplayName("accesses of an unsupported width are refused and do no harm")
        void oddWidthsRefused(int size) {
            assertThat(device.accepts(0, size, false)).isFalse();
            assertThat(device.accepts(0, size, true)).isFalse();
            assertThat(device.read(0, size)).isZero();
            device.write(0, size, 0);
            assertThat(guest.data(4)).isEqualTo(0x554D4551L);
        }

        @ParameterizedTest(name = "offset {0}")
        @ValueSource(longs = {-1, -8, 0x18, 0x20, 0x1000, Long.MAX_VALUE, Long.MIN_VALUE})
        @DisplayName("offsets outside the 0x18-byte window are refused")
        void outsideWindowRefused(long offset) {
            for (int size : new int[] {1, 2, 4, 8}) {
                assertThat(device.accepts(offset, size, false)).isFalse();
                assertThat(device.read(offset, size)).isZero();
                device.write(offset, size, 0);
            }
        }
    }

    // =================================================================== DmaRegister
    @Nested
    @DisplayName("DMA address register (+0x10)")
    class DmaRegister {
        @Test
        @DisplayName("live: read64 +0x10 gives 0x47464320554D4551 (\"QEMU CFG\" big-endian)")
        void signature64() {
            assertThat(device.read(FW_CFG_DMA_OFFSET, 8)).isEqualTo(0x47464320554D4551L);
        }

        static Stream<Arguments> slices() {
            List<Arguments> list = new ArrayList<>();
            for (int size : new int[] {1, 2, 4, 8}) {
                for (int at = 0; at < 8; at += size) {
                    list.add(Arguments.of(size, at));
                }
            }
            return list.stream();
        }

        @ParameterizedTest(name = "{0} bytes at +0x1{1}")
        @MethodSource("slices")
        @DisplayName("QEMU 7.2: reads of every aligned width return the matching slice of \"QEMU CFG\"")
        void signatureSlices(int size, int at) {
            byte[] text = "QEMU CFG".getBytes(StandardCharsets.US_ASCII);
            assertThat(device.read(FW_CFG_DMA_OFFSET + at, size)).isEqualTo(le(text, at, size));
        }

        @Test
        @DisplayName("QEMU 7.2: the DMA register never reads back the latched address")
        void neverReadsLatch() {
            guest.writeDmaHigh(0x1234);
            assertThat(device.read(FW_CFG_DMA_OFFSET, 8)).isEqualTo(0x47464320554D4551L);
            assertThat(device.read(FW_CFG_DMA_OFFSET, 4)).isEqualTo(0x554D4551L);
        }

        @Test
        @DisplayName("live: write32 0 to +0x10 alone starts no transfer")
        void highHalfAloneNoTransfer() {
            ram.descriptor(ram.base, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, buf);
            guest.writeDmaHigh(0);
            assertThat(ram.be32(ram.base)).isEqualTo(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ);
            assertThat(ram.bytes(buf, 4)).containsOnly(0);
        }

        @Test
        @DisplayName("fw_cfg.rst: writing the high half then the low half starts the transfer at high:low")
        void highThenLowUsesBothHalves() {
            try (GuardedRam high = new GuardedRam(0x8_0000_0000L, 0x10000);
                    FwCfgDevice dev = new FwCfgDevice(FwCfgItems.create(), high)) {
                Guest g = new Guest(dev, high);
                long d = high.base + 0x100;
                high.descriptor(d, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, high.base + 0x200);
                g.writeDmaHigh(0x8);
                assertThat(high.be32(d)).as("no transfer on the high half").isNotZero();
                g.writeDmaLow((int) d);
                assertThat(high.be32(d)).isZero();
                assertThat(new String(high.bytes(high.base + 0x200, 4), StandardCharsets.US_ASCII)).isEqualTo("QEMU");
                assertThat(high.guardsIntact()).isTrue();
            }
        }

        @Test
        @DisplayName("QEMU 7.2: low half first starts at once with the high half 0; a later high half only latches")
        void lowThenHighOrder() {
            try (GuardedRam high = new GuardedRam(0x8_0000_0000L, 0x10000);
                    FwCfgDevice dev = new FwCfgDevice(FwCfgItems.create(), high)) {
                Guest g = new Guest(dev, high);
                long d = high.base + 0x100;
                int control = FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
                high.descriptor(d, control, 4, high.base + 0x200);
                g.writeDmaLow((int) d); // address 0x00000000_00000100: not RAM
                g.writeDmaHigh(0x8);
                assertThat(high.be32(d)).as("the descriptor at high:low never ran").isEqualTo(control);
                assertThat(high.bytes(high.base + 0x200, 4)).containsOnly(0);
                assertThat(high.guardsIntact()).isTrue();
            }
        }

        @Test
        @DisplayName("QEMU 7.2: a 32-bit write at +0x10 clears the low half latched before")
        void highHalfClearsLowHalf() {
            try (GuardedRam high = new GuardedRam(0x8_0000_0000L, 0x10000);
                    FwCfgDevice dev = new FwCfgDevice(FwCfgItems.create(), high)) {
                Guest g = new Guest(dev, high);
                high.descriptor(high.base, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, high.base + 0x200);
                g.writeDmaHigh(0x7);
                g.writeDmaHigh(0x8);
                g.writeDmaLow(0);
                assertThat(high.be32(high.base)).isZero();
                assertThat(new String(high.bytes(high.base + 0x200, 4), StandardCharsets.US_ASCII)).isEqualTo("QEMU");
            }
        }

        @Test
        @DisplayName("QEMU 7.2: the latched address is zeroed when a transfer starts (a lone low half uses high 0)")
        void latchClearedByTransfer() {
            try (GuardedRam high = new GuardedRam(0x8_0000_0000L, 0x10000);
                    FwCfgDevice dev = new FwCfgDevice(FwCfgItems.create(), high)) {
                Guest g = new Guest(dev, high);
                long d = high.base + 0x100;
                int control = FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
                high.descriptor(d, control, 4, high.base + 0x200);
                g.triggerSplit(d);
                assertThat(high.be32(d)).isZero();
                high.descriptor(d, control, 4, high.base + 0x300);
                g.writeDmaLow((int) d);
                assertThat(high.be32(d)).as("not run again: the high half was cleared").isEqualTo(control);
            }
        }

        @Test
        @DisplayName("fw_cfg.rst: one 8-byte write at +0x10 gives the address and starts the transfer")
        void oneEightByteWrite() {
            assertThat(guest.dma(desc, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, buf)).isZero();
            assertThat(new String(ram.bytes(buf, 4), StandardCharsets.US_ASCII)).isEqualTo("QEMU");
        }

        @ParameterizedTest(name = "{0}-byte write at +0x1{1}")
        @MethodSource("narrowWrites")
        @DisplayName("QEMU 7.2: 1- and 2-byte writes to the DMA register are refused and latch nothing")
        void narrowWritesRefused(int size, int at) {
            ram.descriptor(desc, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, buf);
            guest.writeDmaHigh(0);
            assertThat(device.accepts(FW_CFG_DMA_OFFSET + at, size, true)).isFalse();
            device.write(FW_CFG_DMA_OFFSET + at, size, -1L);
            guest.writeDmaLow((int) desc);
            assertThat(ram.be32(desc)).as("the address is exactly what the 4-byte halves gave").isZero();
        }

        static Stream<Arguments> narrowWrites() {
            List<Arguments> list = new ArrayList<>();
            for (int size : new int[] {1, 2}) {
                for (int at = 0; at < 8; at += size) {
                    list.add(Arguments.of(size, at));
                }
            }
            return list.stream();
        }
    }

    // =================================================================== DmaTransfer
    @Nested
    @DisplayName("DMA transfer (FWCfgDmaAccess)")
    class DmaTransfer {
        static final int SR = FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;

        int sel(int key) {
            return key << 16 | FW_CFG_DMA_CTL_SELECT;
        }

        @Test
        @DisplayName("live: {SELECT|READ key 0, 8, buf} via the low half at +0x14 gives 51 45 4D 55 00 00 00 00, control 0")
        void liveReadSignatureSplit() {
            ram.fill(buf, 8, (byte) 0xEE);
            ram.descriptor(desc, SR, 8, buf);
            guest.triggerSplit(desc);
            assertThat(ram.be32(desc)).isZero();
            assertThat(ram.bytes(buf, 8)).containsExactly(0x51, 0x45, 0x4D, 0x55, 0, 0, 0, 0);
        }

        @Test
        @DisplayName("live: the same descriptor triggered by one write64 to +0x10 gives the same")
        void liveReadSignature64() {
            ram.fill(buf, 8, (byte) 0xEE);
            assertThat(guest.dma(desc, SR, 8, buf)).isZero();
            assertThat(ram.bytes(buf, 8)).containsExactly(0x51, 0x45, 0x4D, 0x55, 0, 0, 0, 0);
        }

        @Test
        @DisplayName("live: {SELECT|WRITE key 0, 4} gives ERROR; a following READ of 4 without SELECT gives zeros")
        void liveRefusedWriteAdvances() {
            assertThat(guest.dma(desc, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4, buf)).isEqualTo(FW_CFG_DMA_CTL_ERROR);
            ram.fill(buf + 0x100, 4, (byte) 0xEE);
            assertThat(guest.dma(desc, FW_CFG_DMA_CTL_READ, 4, buf + 0x100)).isZero();
            assertThat(ram.bytes(buf + 0x100, 4)).containsOnly(0);
        }

        @Test
        @DisplayName("live: {SELECT|READ key 0x3FFF, 4, buf} gives zeros in buf and control 0")
        void liveReadInvalidKey() {
            ram.fill(buf, 4, (byte) 0xEE);
            assertThat(guest.dma(desc, 0x3FFF << 16 | SR, 4, buf)).isZero();
            assertThat(ram.bytes(buf, 4)).containsOnly(0);
        }

        @Test
        @DisplayName("live: {SELECT|WRITE key 0, 0} gives control 0 (QEMU quirk: a zero-length WRITE to a read-only item succeeds)")
        void liveZeroLengthWrite() {
            assertThat(guest.dma(desc, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 0, buf)).isZero();
        }

        @Test
        @DisplayName("live: {READ, 4, address that is not RAM} gives ERROR and the device still works")
        void liveReadToNonRam() {
            assertThat(guest.dma(desc, FW_CFG_DMA_CTL_READ, 4, 0x1000)).isEqualTo(FW_CFG_DMA_CTL_ERROR);
            assertThat(guest.dma(desc, SR, 4, buf)).isZero();
            assertThat(new String(ram.bytes(buf, 4), StandardCharsets.US_ASCII)).isEqualTo("QEMU");
        }

        @Test
        @DisplayName("live: {SELECT|SKIP key 0, 2} then {READ, 4} gives \"MU\\0\\0\"")
        void liveSkipThenRead() {
            assertThat(guest.dma(desc, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 2, buf)).isZero();
            assertThat(guest.dma(desc, FW_CFG_DMA_CTL_READ, 4, buf)).isZero();
            assertThat(ram.bytes(buf, 4)).containsExactly('M', 'U', 0, 0);
        }

        @Test
        @DisplayName("live: {SELECT key 1 only, 4, buf} leaves buf untouched, then {READ, 4, buf} gives 03 00 00 00")
        void liveSelectOnlyThenRead() {
            ram.fill(buf, 4, (byte) 0xEE);
            assertThat(guest.dma(desc, sel(FW_CFG_ID), 4, buf)).isZero();
            assertThat(ram.bytes(buf, 4)).containsOnly(0xEE);
            assertThat(guest.dma(desc, FW_CFG_DMA_CTL_READ, 4, buf)).isZero();
            assertThat(ram.bytes(buf, 4)).containsExactly(3, 0, 0, 0);
        }

        @Test
        @DisplayName("live: a READ's data and zero fill reach RAM through the memory's bulk copy, exactly the target range")
        void readGoesThroughTheBulkCopy() {
            assertThat(guest.dma(desc, SR, 8, buf)).isZero();
            assertThat(ram.copies()).containsExactly(
                    new GuardedRam.Copy(true, buf, 4), // "QEMU", the whole signature item
                    new GuardedRam.Copy(true, buf + 4, 4)); // the zeros past its end
        }

        @Test
        @DisplayName("live: a READ running past the end of RAM copies only the RAM part and gives ERROR")
        void readPastRamCopiesOnlyRam() {
            long last = ram.end() - 3;
            assertThat(guest.dma(desc, SR, 8, last)).isEqualTo(FW_CFG_DMA_CTL_ERROR);
            assertThat(ram.copies()).containsExactly(new GuardedRam.Copy(true, last, 3));
            assertThat(ram.bytes(last, 3)).containsExactly('Q', 'E', 'M');
        }

        @Test
        @DisplayName("live: a WRITE takes its bytes from RAM through the memory's bulk copy")
        void writeGoesThroughTheBulkCopy() {
            ram.put(buf, new byte[] {1, 2, 3, 4, 5, 6});
            assertThat(guest.dma(desc, sel(key("etc/writable")) | FW_CFG_DMA_CTL_WRITE, 6, buf)).isZero();
            assertThat(ram.copies()).containsExactly(new GuardedRam.Copy(false, buf, 6));
            assertThat(writable.content().asSlice(0, 6).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                    .containsExactly(1, 2, 3, 4, 5, 6);
        }

        /** Every combination of the five control bits, SELECT of the pattern item, length 8, from offset 0. */
        static IntStream controlCombinations() {
            return IntStream.range(0, 32);
        }

        @ParameterizedTest(name = "control bits 0x{0}")
        @MethodSource("controlCombinations")
        @DisplayName("fw_cfg.rst: SELECT first (offset reset), then READ over WRITE over SKIP; ERROR in the request is ignored; control 0 or ERROR back")
        void everyControlCombination(int bits) {
            guest.select(FW_CFG_KERNEL_DATA);
            guest.dataBytes(5); // offset 5 unless SELECT resets it
            ram.fill(buf, 16, (byte) 0xEE);
            int control = (bits & FW_CFG_DMA_CTL_SELECT) != 0 ? FW_CFG_KERNEL_DATA << 16 | bits : bits;
            int result = guest.dma(desc, control, 8, buf);
            int start = (bits & FW_CFG_DMA_CTL_SELECT) != 0 ? 0 : 5;
            byte[] expectBuf = new byte[16];
            Arrays.fill(expectBuf, (byte) 0xEE);
            int expectOffset = start;
            int expectResult = 0;
            if ((bits & FW_CFG_DMA_CTL_READ) != 0) {
                System.arraycopy(PATTERN, start, expectBuf, 0, 8);
                expectOffset = start + 8;
            } else if ((bits & FW_CFG_DMA_CTL_WRITE) != 0) {
                expectResult = FW_CFG_DMA_CTL_ERROR; // KERNEL_DATA is not writable; the offset still moves
                expectOffset = start + 8;
            } else if ((bits & FW_CFG_DMA_CTL_SKIP) != 0) {
                expectOffset = start + 8;
            }
            assertThat(result).isEqualTo(expectResult);
            assertThat(ram.bytes(buf, 16)).isEqualTo(expectBuf);
            assertThat(guest.data(1)).as("offset after the transfer").isEqualTo(PATTERN[expectOffset] & 0xFFL);
        }

        @ParameterizedTest(name = "control bits 0x{0}")
        @ValueSource(ints = {0x10, 0x11, 0x14, 0x15, 0x18, 0x19, 0x1C, 0x1D})
        @DisplayName("fw_cfg.rst: WRITE (without READ) on a writable item stores the bytes and succeeds, SKIP notwithstanding")
        void writeCombinationsOnWritableItem(int bits) {
            int key = key("etc/writable");
            guest.select(key);
            ram.put(buf, new byte[] {1, 2, 3, 4});
            int control = (bits & FW_CFG_DMA_CTL_SELECT) != 0 ? key << 16 | bits : bits;
            assertThat(guest.dma(desc, control, 4, buf)).isZero();
            assertThat(writable.contents().asSlice(0, 4).toArray(Layouts.U8)).containsExactly(1, 2, 3, 4);
            assertThat(callbackCalls).hasSize(1);
            assertThat(callbackCalls.get(0)).containsExactly(0, 4);
        }

        @Test
        @DisplayName("fw_cfg.rst: READ past the end of the item zero-fills the rest of length and succeeds")
        void readZeroFillsPastEnd() {
            ram.fill(buf, 512, (byte) 0xEE);
            assertThat(guest.dma(desc, FW_CFG_KERNEL_DATA << 16 | SR, 400, buf)).isZero();
            byte[] got = ram.bytes(buf, 512);
            assertThat(Arrays.copyOf(got, 300)).isEqualTo(PATTERN);
            assertThat(Arrays.copyOfRange(got, 300, 400)).containsOnly(0);
            assertThat(Arrays.copyOfRange(got, 400, 512)).as("nothing past length").containsOnly(0xEE);
        }

        @Test
        @DisplayName("QEMU 7.2: a DMA READ without SELECT continues where a legacy read stopped")
        void dmaContinuesLegacy() {
            guest.select(FW_CFG_KERNEL_DATA);
            guest.data(4);
            assertThat(guest.dma(desc, FW_CFG_DMA_CTL_READ, 8, buf)).isZero();
            assertThat(ram.bytes(buf, 8)).isEqualTo(Arrays.copyOfRange(PATTERN, 4, 12));
        }

        @Test
        @DisplayName("QEMU 7.2: a legacy read continues where a DMA READ stopped")
        void legacyContinuesDma() {
            assertThat(guest.dma(desc, FW_CFG_KERNEL_DATA << 16 | SR, 10, buf)).isZero();
            assertThat(guest.data(2)).isEqualTo(le(PATTERN, 10, 2));
        }

        @Test
        @DisplayName("fw_cfg.rst: a zero-length READ writes nothing, moves nothing and succeeds")
        void zeroLengthRead() {
            ram.fill(buf, 8, (byte) 0xEE);
            assertThat(guest.dma(desc, FW_CFG_KERNEL_DATA << 16 | SR, 0, buf)).isZero();
            assertThat(ram.bytes(buf, 8)).containsOnly(0xEE);
            assertThat(guest.data(1)).isEqualTo(PATTERN[0] & 0xFFL);
        }

        @Test
        @DisplayName("a READ of length 0xFFFFFFFF copies the item, zero-fills to the end of RAM, then reports ERROR")
        void fourGibRead() {
            ram.fill(buf, RAM_SIZE - (buf - ram.base), (byte) 0xEE);
            assertThat(guest.dma(desc, FW_CFG_KERNEL_DATA << 16 | SR, 0xFFFFFFFF, buf)).isEqualTo(FW_CFG_DMA_CTL_ERROR);
            assertThat(ram.bytes(buf, 300)).isEqualTo(PATTERN);
            assertThat(ram.bytes(ram.end() - 16, 16)).containsOnly(0);
            assertThat(guest.data(1)).as("the offset reached the end of the item").isZero();
        }

        @Test
        @DisplayName("QEMU 7.2: SKIP clamps at the end of the item (length 0xFFFFFFFF) and succeeds")
        void skipClamps() {
            assertThat(guest.dma(desc, FW_CFG_KERNEL_DATA << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP,
                    0xFFFFFFFF, buf)).isZero();
            assertThat(guest.data(8)).isZero();
        }

        @Test
        @DisplayName("fw_cfg.rst: SKIP advances the offset by length without touching memory")
        void skipAdvances() {
            ram.fill(buf, 8, (byte) 0xEE);
            assertThat(guest.dma(desc, FW_CFG_KERNEL_DATA << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP,
                    17, buf)).isZero();
            assertThat(ram.bytes(buf, 8)).containsOnly(0xEE);
            assertThat(guest.data(1)).isEqualTo(PATTERN[17] & 0xFFL);
        }

        @Test
        @DisplayName("a READ that ends exactly at the end of RAM succeeds")
        void readEndsAtEndOfRam() {
            long at = ram.end() - 300;
            assertThat(guest.dma(desc, FW_CFG_KERNEL_DATA << 16 | SR, 300, at)).isZero();
            assertThat(ram.bytes(at, 300)).isEqualTo(PATTERN);
        }

        @Test
        @DisplayName("QEMU 7.2: a READ one byte beyond the end of RAM writes the part in RAM, then reports ERROR")
        void readOneBeyondEndOfRam() {
            long at = ram.end() - 299;
            assertThat(guest.dma(desc, FW_CFG_KERNEL_DATA << 16 | SR, 300, at)).isEqualTo(FW_CFG_DMA_CTL_ERROR);
            assertThat(ram.bytes(at, 299)).isEqualTo(Arrays.copyOf(PATTERN, 299));
        }

        @Test
        @DisplayName("QEMU 7.2: a zero-fill that runs one byte past the end of RAM fills what is RAM and reports ERROR")
        void zeroFillOneBeyond() {
            long at = ram.end() - 10;
            ram.fill(at, 10, (byte) 0xEE);
            guest.select(0x3FFF);
            assertThat(guest.dma(desc, FW_CFG_DMA_CTL_READ, 11, at)).isEqualTo(FW_CFG_DMA_CTL_ERROR);
            assertThat(ram.bytes(at, 10)).containsOnly(0);
        }

        @Test
        @DisplayName("QEMU 7.2: a target wholly outside RAM writes nothing and reports ERROR")
        void targetWhollyOutside() {
            assertThat(guest.dma(desc, SR, 4, ram.end())).isEqualTo(FW_CFG_DMA_CTL_ERROR);
            assertThat(guest.dma(desc, SR, 4, ram.base - 4)).isEqualTo(FW_CFG_DMA_CTL_ERROR);
        }

        @Test
        @DisplayName("QEMU 7.2 (measured): a target that starts below RAM and runs into it stores the part in RAM, changes"
                + " nothing outside RAM and reports ERROR")
        void targetStartsBelowRam() {
            assertThat(guest.dma(desc, FW_CFG_KERNEL_DATA << 16 | SR, 16, ram.base - 8)).isEqualTo(FW_CFG_DMA_CTL_ERROR);
            assertThat(ram.bytes(ram.base, 8)).isEqualTo(Arrays.copyOfRange(PATTERN, 8, 16));
        }

        @Test
        @DisplayName("QEMU 7.2 (measured): bytes a READ aims at a device's registers go to the device, and no ERROR")
        void targetOnADevice() {
            long register = ram.end() + 0x1000;
            java.util.List<String> stores = new java.util.ArrayList<>();
            GuestMemory withADevice = new RamAndADevice() {
                @Override
                public Outside storeOutsideRam(GuestAddress gpa, MemorySegment data) {
                    if (gpa.value() != register) {
                        return super.storeOutsideRam(gpa, data);
                    }
                    stores.add(String.format("%d bytes, first 0x%02x", data.byteSize(), data.get(Layouts.U8, 0)));
                    return new Outside(data.byteSize(), true);
                }
            };
            try (FwCfgDevice dev = new FwCfgDevice(FwCfgItems.create(), withADevice)) {
                Guest g = new Guest(dev, ram);
                assertThat(g.dma(desc, SR, 4, register)).isZero();
                assertThat(stores).containsExactly("4 bytes, first 0x51");    // "QEMU"
            }
        }

        @Test
        @DisplayName("a descriptor in the last 16 bytes of RAM is executed")
        void descriptorAtEndOfRam() {
            long d = ram.end() - FW_CFG_DMA_ACCESS_SIZE;
            assertThat(guest.dma(d, SR, 4, buf)).isZero();
            assertThat(new String(ram.bytes(buf, 4), StandardCharsets.US_ASCII)).isEqualTo("QEMU");
        }

        @Test
        @DisplayName("QEMU 7.2: a descriptor not wholly in RAM is not executed; ERROR lands in its control field if that is RAM")
        void descriptorStraddlesEnd() {
            long d = ram.end() - 8;
            ram.fill(buf, 4, (byte) 0xEE);
            ram.ram.set(GuardedRam.BE32, d - ram.base, SR);
            ram.ram.set(GuardedRam.BE32, d - ram.base + 4, 4);
            guest.trigger64(d);
            assertThat(ram.be32(d)).isEqualTo(FW_CFG_DMA_CTL_ERROR);
            assertThat(ram.bytes(buf, 4)).containsOnly(0xEE);
            assertThat(guest.data(4)).as("no SELECT ran").isEqualTo(0x554D4551L);
        }

        @Test
        @DisplayName("a descriptor whose control field straddles the end of RAM writes nothing at all")
        void descriptorControlStraddlesEnd() {
            long d = ram.end() - 2;
            ram.fill(d, 2, (byte) 0x77);
            guest.trigger64(d);
            assertThat(ram.bytes(d, 2)).containsOnly(0x77);
        }

        @Test
        @DisplayName("a descriptor wholly outside RAM does nothing and the device keeps working")
        void descriptorOutsideRam() {
            guest.trigger64(0x1000);
            guest.trigger64(-16L);
            assertThat(guest.dma(desc, SR, 4, buf)).isZero();
        }

        @Test
        @DisplayName("a target address that wraps past 2^64 reports ERROR and touches nothing outside RAM")
        void addressWraps() {
            assertThat(guest.dma(desc, SR, 16, -8L)).isEqualTo(FW_CFG_DMA_CTL_ERROR);
        }

        @Test
        @DisplayName("with RAM at the top of the address space, a READ that wraps past 2^64 writes up to 2^64, then ERROR")
        void addressWrapsAtTopOfRam() {
            try (GuardedRam top = new GuardedRam(-0x10000L, 0x10000);
                    FwCfgDevice dev = new FwCfgDevice(FwCfgItems.create().addBytes(FW_CFG_KERNEL_DATA, PATTERN), top)) {
                Guest g = new Guest(dev, top);
                long d = top.base + 0x100;
                assertThat(g.dma(d, FW_CFG_KERNEL_DATA << 16 | SR, 16, -8L)).isEqualTo(FW_CFG_DMA_CTL_ERROR);
                assertThat(top.bytes(-8L, 8)).isEqualTo(Arrays.copyOf(PATTERN, 8));
                assertThat(top.guardsIntact()).isTrue();
            }
        }

        @Test
        @DisplayName("a READ whose target overlaps its own descriptor writes the data, then the control word last")
        void targetOverlapsDescriptor() {
            assertThat(guest.dma(desc, FW_CFG_KERNEL_DATA << 16 | SR, 16, desc)).isZero();
            byte[] got = ram.bytes(desc, 16);
            assertThat(Arrays.copyOf(got, 4)).containsOnly(0);
            assertThat(Arrays.copyOfRange(got, 4, 16)).isEqualTo(Arrays.copyOfRange(PATTERN, 4, 16));
        }

        @Test
        @DisplayName("a DMA whose target is the device's own registers (not RAM) reports ERROR")
        void targetIsDeviceRegisters() {
            assertThat(guest.dma(desc, SR, 8, 0x0902_0000L)).isEqualTo(FW_CFG_DMA_CTL_ERROR);
            assertThat(guest.dma(desc, SR, 4, buf)).isZero();
        }

        @Test
        @DisplayName("QEMU 7.2: completion writes the control field only; length and address are left alone")
        void onlyControlWrittenBack() {
            guest.dma(desc, SR, 8, buf);
            assertThat(ram.be32(desc + 4)).isEqualTo(8);
            assertThat(ram.ram.get(GuardedRam.BE64, desc + 8 - ram.base)).isEqualTo(buf);
        }

        @Test
        @DisplayName("GuestMemory: every byte the device writes into RAM is reported through written()")
        void writesAreReported() {
            ram.writes().clear();
            guest.dma(desc, FW_CFG_KERNEL_DATA << 16 | SR, 400, buf);
            assertThat(ram.writes()).contains(new GuardedRam.Write(buf, 300), new GuardedRam.Write(buf + 300, 100),
                    new GuardedRam.Write(desc, 4));
        }

        @Test
        @DisplayName("fw_cfg.rst: WRITE into a writable item stores the bytes at the offset and calls its callback with the range")
        void writeAtOffset() {
            int key = key("etc/writable");
            assertThat(guest.dma(desc, key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 6, buf)).isZero();
            ram.put(buf, new byte[] {9, 8, 7});
            assertThat(guest.dma(desc, FW_CFG_DMA_CTL_WRITE, 3, buf)).isZero();
            assertThat(writable.contents().asSlice(6, 3).toArray(Layouts.U8)).containsExactly(9, 8, 7);
            assertThat(callbackCalls).hasSize(1);
            assertThat(callbackCalls.get(0)).containsExactly(6, 3);
            assertThat(guest.data(1)).as("the offset advanced past the written bytes").isZero();
        }

        @Test
        @DisplayName("fw_cfg.rst: what a DMA WRITE stored is what later reads of the item return")
        void writtenBytesReadBack() {
            int key = key("etc/writable");
            ram.put(buf, new byte[] {5, 6, 7, 8});
            assertThat(guest.dma(desc, key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4, buf)).isZero();
            guest.select(key);
            assertThat(guest.data(4)).isEqualTo(0x08070605L);
            assertThat(guest.dma(desc, key << 16 | SR, 4, buf + 0x40)).isZero();
            assertThat(ram.bytes(buf + 0x40, 4)).containsExactly(5, 6, 7, 8);
        }

        @Test
        @DisplayName("fw_cfg.c: a WRITE that runs past the end of a writable item is refused (ERROR), the item keeps its bytes")
        void writePastEndRefused() {
            int key = key("etc/writable");
            ram.fill(buf, 32, (byte) 0x42);
            assertThat(guest.dma(desc, key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 17, buf))
                    .isEqualTo(FW_CFG_DMA_CTL_ERROR);
            assertThat(writable.contents().toArray(Layouts.U8)).containsOnly(0);
            assertThat(callbackCalls).isEmpty();
        }

        @Test
        @DisplayName("fw_cfg.c: a WRITE past the end of the item, or with nothing selected, is refused")
        void writeAtEndRefused() {
            int key = key("etc/writable");
            guest.dma(desc, key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 16, buf);
            assertThat(guest.dma(desc, FW_CFG_DMA_CTL_WRITE, 1, buf)).isEqualTo(FW_CFG_DMA_CTL_ERROR);
            assertThat(guest.dma(desc, 0x3FFF << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 1, buf))
                    .isEqualTo(FW_CFG_DMA_CTL_ERROR);
        }

        @Test
        @DisplayName("a WRITE whose source is not guest RAM reports ERROR and calls no callback")
        void writeFromNonRam() {
            int key = key("etc/writable");
            assertThat(guest.dma(desc, key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4, 0x1000))
                    .isEqualTo(FW_CFG_DMA_CTL_ERROR);
            assertThat(callbackCalls).isEmpty();
        }

        @Test
        @DisplayName("QEMU's dma_memory_read: a WRITE source running off the end of RAM brings the RAM bytes and"
                + " zeros for the rest into the item, with ERROR and no callback")
        void writeSourceRunsOffRam() {
            int key = key("etc/writable");
            ram.fill(buf, 6, (byte) 0x11);
            assertThat(guest.dma(desc, key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 6, buf)).isZero();
            callbackCalls.clear();
            ram.fill(ram.end() - 2, 2, (byte) 0xAB);
            assertThat(guest.dma(desc, key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4, ram.end() - 2))
                    .isEqualTo(FW_CFG_DMA_CTL_ERROR);
            assertThat(writable.contents().asSlice(0, 6).toArray(Layouts.U8))
                    .containsExactly((byte) 0xAB, (byte) 0xAB, 0, 0, 0x11, 0x11);
            assertThat(callbackCalls).isEmpty();

            ram.fill(ram.base, 2, (byte) 0xCD);
            assertThat(guest.dma(desc, key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4, ram.base - 2))
                    .isEqualTo(FW_CFG_DMA_CTL_ERROR);
            assertThat(writable.contents().asSlice(0, 4).toArray(Layouts.U8)).containsExactly(0, 0, (byte) 0xCD, (byte) 0xCD);
        }

        @Test
        @DisplayName("QEMU's dma_memory_read: a WRITE whose source is a device's registers (a ROM, a flash) takes"
                + " their bytes through the memory map, without ERROR, and calls the callback")
        void writeSourceOnADevice() {
            long register = ram.end() + 0x1000;
            GuestMemory withADevice = new RamAndADevice() {
                @Override
                public Outside loadOutsideRam(GuestAddress gpa, MemorySegment into) {
                    if (gpa.value() < register || gpa.value() >= register + 4) {
                        return super.loadOutsideRam(gpa, into);
                    }
                    into.set(Layouts.U8, 0, (byte) ('A' + gpa.value() - register));
                    return new Outside(1, true);
                }
            };
            FwCfgItems it = FwCfgItems.create();
            List<long[]> calls = new ArrayList<>();
            FwCfgItem item = it.addWritableFile("etc/w", new byte[8], (i, o, l) -> calls.add(new long[] {o, l}));
            try (FwCfgDevice dev = new FwCfgDevice(it, withADevice)) {
                Guest g = new Guest(dev, ram);
                assertThat(g.dma(desc, FW_CFG_FILE_FIRST << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4,
                        register)).isZero();
                assertThat(new String(item.contents().asSlice(0, 4).toArray(Layouts.U8), StandardCharsets.US_ASCII))
                        .isEqualTo("ABCD");
                assertThat(calls).hasSize(1);
                assertThat(calls.get(0)).containsExactly(0, 4);
            }
        }

        @Test
        @DisplayName("a write callback that throws turns into ERROR for the guest, never an exception for the board")
        void throwingCallback() {
            GuardedRam r = new GuardedRam(0x10000);
            FwCfgItems it = FwCfgItems.create();
            it.addWritableFile("etc/bad", new byte[4], (item, o, l) -> {
                throw new IllegalStateException("host side failed");
            });
            try (r; FwCfgDevice dev = new FwCfgDevice(it, r)) {
                Guest g = new Guest(dev, r);
                assertThat(g.dma(r.base, FW_CFG_FILE_FIRST << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4,
                        r.base + 0x100)).isEqualTo(FW_CFG_DMA_CTL_ERROR);
            }
        }

        @Test
        @DisplayName("QEMU 7.2: a DMA SELECT feeds later legacy reads")
        void dmaSelectFeedsLegacy() {
            guest.dma(desc, sel(FW_CFG_ID), 0, buf);
            assertThat(guest.data(4)).isEqualTo(3L);
        }
    }

    // =================================================================== Items
    @Nested
    @DisplayName("Items and keys")
    class Items {
        @Test
        @DisplayName("fw_cfg.rst: FW_CFG_SIGNATURE holds the 4 bytes \"QEMU\"")
        void signature() {
            assertThat(itemBytes(FW_CFG_SIGNATURE)).containsExactly('Q', 'E', 'M', 'U');
        }

        @Test
        @DisplayName("fw_cfg.rst: FW_CFG_ID is LE32 with bit 0 (traditional interface) and bit 1 (DMA) set")
        void id() {
            assertThat(itemBytes(FW_CFG_ID)).containsExactly(FW_CFG_VERSION | FW_CFG_VERSION_DMA, 0, 0, 0);
        }

        @Test
        @DisplayName("QEMU virt: UUID (16 bytes, RFC 4122 order), NOGRAPHIC and BOOT_MENU (LE16), NB_CPUS (LE16)")
        void qemuDefaults() {
            assertThat(itemBytes(FW_CFG_UUID)).containsExactly(0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
                    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88);
            assertThat(itemBytes(FW_CFG_NOGRAPHIC)).containsExactly(1, 0);
            assertThat(itemBytes(FW_CFG_BOOT_MENU)).containsExactly(0, 0);
            assertThat(itemBytes(FW_CFG_NB_CPUS)).containsExactly(2, 0);
        }

        @Test
        @DisplayName("fw_cfg.rst: integer items are little-endian (addU16/addU32/addU64)")
        void typedAddersAreLittleEndian() {
            try (GuardedRam r = new GuardedRam(4096);
                    FwCfgDevice dev = new FwCfgDevice(FwCfgItems.create()
                            .addU64(FW_CFG_RAM_SIZE, 0x0102030405060708L)
                            .addU16(FW_CFG_MAX_CPUS, 0xABCD)
                            .addU32(FW_CFG_KERNEL_ADDR, 0x4008_0000), r)) {
                Guest g = new Guest(dev, r);
                g.select(FW_CFG_RAM_SIZE);
                assertThat(g.dataBytes(8)).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
                g.select(FW_CFG_MAX_CPUS);
                assertThat(g.dataBytes(2)).containsExactly(0xCD, 0xAB);
                g.select(FW_CFG_KERNEL_ADDR);
                assertThat(g.data(4)).isEqualTo(0x4008_0000L);
            }
        }

        @Test
        @DisplayName("fw_cfg.c: addString stores the string with its NUL (fw_cfg_add_string)")
        void addStringHasNul() {
            FwCfgItems it = FwCfgItems.create().addString(FW_CFG_KERNEL_CMDLINE, "console=ttyAMA0");
            assertThat(it.item(FW_CFG_KERNEL_CMDLINE).orElseThrow().contents().toArray(Layouts.U8))
                    .isEqualTo("console=ttyAMA0\0".getBytes(StandardCharsets.US_ASCII));
            it.close();
        }

        @Test
        @DisplayName("QEMU 7.2: -fw_cfg name=N,string=S stores S without a terminating NUL (addFileString)")
        void fileStringHasNoNul() {
            FwCfgItems it = FwCfgItems.create().addFileString("opt/x", "abc");
            assertThat(it.file("opt/x").orElseThrow().contents().toArray(Layouts.U8)).containsExactly('a', 'b', 'c');
            it.close();
        }

        @Test
        @DisplayName("adding from bytes copies them: later changes to the array do not reach the guest")
        void bytesAreCopied() {
            byte[] data = {1, 2, 3};
            FwCfgItems it = FwCfgItems.create().addBytes(FW_CFG_SETUP_DATA, data);
            data[0] = 9;
            assertThat(it.item(FW_CFG_SETUP_DATA).orElseThrow().contents().toArray(Layouts.U8)).containsExactly(1, 2, 3);
            it.close();
        }

        static IntStream numberedKeys() {
            return IntStream.range(0, FW_CFG_FILE_FIRST)
                    .filter(k -> k != FW_CFG_SIGNATURE && k != FW_CFG_ID && k != FW_CFG_FILE_DIR);
        }

        @ParameterizedTest(name = "key 0x{0}")
        @MethodSource("numberedKeys")
        @DisplayName("fw_cfg.rst: every numbered key below FW_CFG_FILE_FIRST (but FILE_DIR) can hold an item the guest reads back")
        void everyNumberedKey(int key) {
            try (GuardedRam r = new GuardedRam(4096);
                    FwCfgDevice dev = new FwCfgDevice(FwCfgItems.create().addU32(key, 0xC0DE0000 | key), r)) {
                Guest g = new Guest(dev, r);
                g.select(key);
                assertThat(g.data(4)).isEqualTo(0xC0DE0000L | key);
            }
        }

        @Test
        @DisplayName("an arch-local item (0x8000 | key) is read through the arch-local selector only")
        void archLocalItem() {
            try (GuardedRam r = new GuardedRam(4096);
                    FwCfgDevice dev = new FwCfgDevice(FwCfgItems.create().addU32(FW_CFG_ARCH_LOCAL | 3, 77), r)) {
                Guest g = new Guest(dev, r);
                g.select(FW_CFG_ARCH_LOCAL | 3);
                assertThat(g.data(4)).isEqualTo(77L);
                g.select(3);
                assertThat(g.data(4)).isZero();
            }
        }

        @Test
        @DisplayName("fw_cfg.c: the kernel/initrd/cmdline trio as QEMU gives it to firmware: sizes LE32, data, cmdline with NUL")
        void kernelBoot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
            java.nio.file.Path kernel = java.nio.file.Files.write(dir.resolve("Image"), pattern(5000));
            java.nio.file.Path initrd = java.nio.file.Files.write(dir.resolve("initrd"), pattern(77));
            try (GuardedRam r = new GuardedRam(1 << 16);
                    FwCfgDevice dev = new FwCfgDevice(FwCfgItems.create().addKernelBoot(kernel, initrd, "quiet"), r)) {
                Guest g = new Guest(dev, r);
                g.select(FW_CFG_KERNEL_SIZE);
                assertThat(g.data(4)).isEqualTo(5000L);
                g.select(FW_CFG_INITRD_SIZE);
                assertThat(g.data(4)).isEqualTo(77L);
                g.select(FW_CFG_CMDLINE_SIZE);
                assertThat(g.data(4)).isEqualTo(6L);
                g.select(FW_CFG_CMDLINE_DATA);
                assertThat(g.dataBytes(6)).isEqualTo("quiet\0".getBytes(StandardCharsets.US_ASCII));
                assertThat(g.dma(r.base, FW_CFG_KERNEL_DATA << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 5000,
                        r.base + 0x100)).isZero();
                assertThat(r.bytes(r.base + 0x100, 5000)).isEqualTo(pattern(5000));
                g.select(FW_CFG_INITRD_DATA);
                assertThat(g.dataBytes(77)).isEqualTo(pattern(77));
            }
        }

        @Test
        @DisplayName("hw/arm/boot.c: a kernel given as bytes (a decompressed Image.gz) is offered as a copy, sizes from the bytes")
        void kernelBootFromBytes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
            byte[] image = pattern(3000);
            java.nio.file.Path initrd = java.nio.file.Files.write(dir.resolve("initrd"), pattern(77));
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                MemorySegment bytes = arena.allocate(image.length).copyFrom(MemorySegment.ofArray(image));
                FwCfgItems it = FwCfgItems.create().addKernelBoot(bytes, initrd, "quiet");
                bytes.fill((byte) 0);   // the caller's memory is not the item's
                assertThat(it.item(FW_CFG_KERNEL_SIZE).orElseThrow().contents().toArray(Layouts.U8))
                        .containsExactly(3000 & 0xff, 3000 >> 8, 0, 0);
                assertThat(it.item(FW_CFG_KERNEL_DATA).orElseThrow().contents().toArray(Layouts.U8)).isEqualTo(image);
                assertThat(it.item(FW_CFG_INITRD_SIZE).orElseThrow().contents().toArray(Layouts.U8))
                        .containsExactly(77, 0, 0, 0);
                assertThat(it.mappedContents()).extracting(MemorySegment::byteSize).containsExactly(77L);
                assertThatThrownBy(() -> it.addKernelBoot(bytes, null, null)).isInstanceOf(FwCfgConfigException.class);
                it.close();
            }
        }

        @Test
        @DisplayName("QEMU 7.2: without an initrd there are no INITRD items; the command line is always there with its NUL")
        void kernelBootWithoutInitrd(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
            java.nio.file.Path kernel = java.nio.file.Files.write(dir.resolve("Image"), pattern(10));
            FwCfgItems it = FwCfgItems.create().addKernelBoot(kernel, null, null);
            assertThat(it.item(FW_CFG_INITRD_SIZE)).isEmpty();
            assertThat(it.item(FW_CFG_INITRD_DATA)).isEmpty();
            assertThat(it.item(FW_CFG_CMDLINE_SIZE).orElseThrow().contents().toArray(Layouts.U8)).containsExactly(1, 0, 0, 0);
            assertThat(it.item(FW_CFG_CMDLINE_DATA).orElseThrow().contents().toArray(Layouts.U8)).containsExactly(0);
            it.close();
        }

        @Test
        @DisplayName("a file item is memory-mapped read-only, not copied onto the heap, and unmapped by close()")
        void mappedFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
            java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("blob"), pattern(4096));
            FwCfgItems it = FwCfgItems.create();
            assertThat(it.addMapped(FW_CFG_SETUP_DATA, file)).isEqualTo(4096);
            it.addFile("opt/blob", file);
            FwCfgItem item = it.item(FW_CFG_SETUP_DATA).orElseThrow();
            assertThat(item.content().isNative()).as("off-heap").isTrue();
            assertThat(item.content().isMapped()).as("a file mapping").isTrue();
            assertThat(item.content().isReadOnly()).isTrue();
            assertThat(it.file("opt/blob").orElseThrow().content().isMapped()).isTrue();
            assertThat(item.contents().toArray(Layouts.U8)).isEqualTo(pattern(4096));
            it.close();
            assertThatThrownBy(() -> item.contents().get(Layouts.U8, 0)).isInstanceOf(IllegalStateException.class);
        }

        @Test
        @DisplayName("mappedContents lists the file mappings (kernel, initrd, file items) and no copied item")
        void mappedContentsAreTheFileMappings(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
            java.nio.file.Path kernel = java.nio.file.Files.write(dir.resolve("Image"), pattern(5000));
            java.nio.file.Path initrd = java.nio.file.Files.write(dir.resolve("initrd"), pattern(300));
            java.nio.file.Path blob = java.nio.file.Files.write(dir.resolve("blob"), pattern(4096));
            java.nio.file.Path empty = java.nio.file.Files.write(dir.resolve("empty"), new byte[0]);
            try (FwCfgItems it = FwCfgItems.create().addQemuDefaultFiles()) {
                it.addFile("opt/copied", pattern(64));
                it.addFile("opt/blob", blob);
                it.addFile("opt/empty", empty);
                it.addKernelBoot(kernel, initrd, "quiet");
                List<MemorySegment> mapped = it.mappedContents();
                assertThat(mapped).extracting(MemorySegment::byteSize).containsExactly(4096L, 5000L, 300L);
                assertThat(mapped).allSatisfy(s -> {
                    assertThat(s.isMapped()).isTrue();
                    assertThat(s.isReadOnly()).isTrue();
                });
                assertThat(mapped.get(0).toArray(Layouts.U8)).isEqualTo(pattern(4096));
                assertThat(mapped.get(1).address()).isEqualTo(it.item(FW_CFG_KERNEL_DATA).orElseThrow().contents().address());
                assertThatThrownBy(() -> mapped.add(MemorySegment.NULL)).isInstanceOf(UnsupportedOperationException.class);
            }
        }

        @Test
        @DisplayName("an empty file maps to an empty item")
        void emptyMappedFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
            java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("empty"), new byte[0]);
            try (FwCfgItems it = FwCfgItems.create()) {
                it.addFile("opt/empty", file);
                assertThat(it.file("opt/empty").orElseThrow().size()).isZero();
            }
        }

        @Test
        @DisplayName("QEMU 7.2: the default files are bootorder and bios-geometry (empty) and etc/boot-fail-wait (LE32 -1)")
        void defaultFiles() {
            try (FwCfgItems it = FwCfgItems.create().addQemuDefaultFiles()) {
                assertThat(it.files()).extracting(FwCfgFile::name)
                        .containsExactly("bios-geometry", "bootorder", "etc/boot-fail-wait");
                assertThat(it.file("etc/boot-fail-wait").orElseThrow().contents().toArray(Layouts.U8))
                        .containsExactly(0xFF, 0xFF, 0xFF, 0xFF);
            }
        }
    }

    // =================================================================== FileDirectory
    @Nested
    @DisplayName("File directory (FW_CFG_FILE_DIR)")
    class FileDirectory {
        ByteBuffer directory(FwCfgDevice dev, Guest g) {
            g.select(FW_CFG_FILE_DIR);
            int n = 4 + 64 * dev.items().fileSlots();
            return ByteBuffer.wrap(g.dataBytes(n)).order(ByteOrder.BIG_ENDIAN);
        }

        static String name(ByteBuffer dir, int entry) {
            byte[] raw = new byte[56];
            dir.get(4 + 64 * entry + 8, raw);
            int end = 0;
            while (raw[end] != 0) {
                end++;
            }
            return new String(raw, 0, end, StandardCharsets.UTF_8);
        }

        @Test
        @DisplayName("fw_cfg.rst: the directory is a big-endian count, then 64-byte entries: be32 size, be16 select, be16 reserved, 56-byte name")
        void layout() {
            ByteBuffer dir = directory(device, guest);
            assertThat(dir.getInt(0)).isEqualTo(2);
            assertThat(name(dir, 0)).isEqualTo("etc/pattern");
            assertThat(dir.getInt(4)).isEqualTo(300);
            assertThat(dir.getShort(8) & 0xFFFF).isEqualTo(FW_CFG_FILE_FIRST);
            assertThat(dir.getShort(10)).isZero();
            assertThat(name(dir, 1)).isEqualTo("etc/writable");
            assertThat(dir.getInt(68)).isEqualTo(16);
            assertThat(dir.getShort(72) & 0xFFFF).isEqualTo(FW_CFG_FILE_FIRST + 1);
        }

        @Test
        @DisplayName("fw_cfg.c: the directory item is sized for every slot (4 + 64 * 0x20 bytes); unused entries are zeros")
        void sizedForAllSlots() {
            assertThat(items.item(FW_CFG_FILE_DIR).orElseThrow().size()).isEqualTo(4 + 64 * 0x20);
            ByteBuffer dir = directory(device, guest);
            for (int i = 4 + 64 * 2; i < dir.capacity(); i++) {
                assertThat(dir.get(i)).isZero();
            }
        }

        @Test
        @DisplayName("fw_cfg.c: files are sorted by name with strcmp (unsigned bytes) whatever the order they were added in")
        void sortedByStrcmp() {
            try (GuardedRam r = new GuardedRam(1 << 16);
                    FwCfgDevice dev = new FwCfgDevice(FwCfgItems.create()
                            .addFileString("opt/b", "2").addFileString("opt/é", "4").addFileString("opt/a", "1")
                            .addFileString("opt/B", "0").addFileString("opt/ab", "3").addFileString("bootorder", "x"), r)) {
                Guest g = new Guest(dev, r);
                ByteBuffer dir = directory(dev, g);
                List<String> names = new ArrayList<>();
                for (int i = 0; i < dir.getInt(0); i++) {
                    names.add(name(dir, i));
                }
                assertThat(names).containsExactly("bootorder", "opt/B", "opt/a", "opt/ab", "opt/b", "opt/é");
                assertThat(dev.items().files()).extracting(FwCfgFile::name).isEqualTo(names);
            }
        }

        @Test
        @DisplayName("fw_cfg.rst: each file is read through the select its entry gives, from FW_CFG_FILE_FIRST on")
        void selectsReadFiles() {
            try (GuardedRam r = new GuardedRam(1 << 16);
                    FwCfgDevice dev = new FwCfgDevice(FwCfgItems.create()
                            .addFileString("opt/z", "zz").addFileString("opt/m", "mmm").addFileString("opt/a", "a"), r)) {
                Guest g = new Guest(dev, r);
                ByteBuffer dir = directory(dev, g);
                for (int i = 0; i < 3; i++) {
                    int size = dir.getInt(4 + 64 * i);
                    int select = dir.getShort(4 + 64 * i + 4) & 0xFFFF;
                    assertThat(select).isEqualTo(FW_CFG_FILE_FIRST + i);
                    g.select(select);
                    String content = new String(g.dataBytes(size), StandardCharsets.US_ASCII);
                    assertThat(content).isEqualTo(name(dir, i).substring(4).repeat(size));
                }
            }
        }

        @Test
        @DisplayName("QEMU 7.2: names are at most 55 characters and NUL-terminated in the 56-byte field")
        void longestName() {
            String longest = "opt/" + "n".repeat(51);
            try (GuardedRam r = new GuardedRam(1 << 16);
                    FwCfgDevice dev = new FwCfgDevice(FwCfgItems.create().addFileString(longest, "v"), r)) {
                ByteBuffer dir = directory(dev, new Guest(dev, r));
                assertThat(name(dir, 0)).isEqualTo(longest);
                assertThat(dir.get(4 + 8 + 55)).isZero();
            }
        }

        @Test
        @DisplayName("fw_cfg.rst: a directory read by DMA equals the directory read through the data register")
        void dmaEqualsLegacy() {
            ByteBuffer legacy = directory(device, guest);
            int n = legacy.capacity();
            assertThat(guest.dma(desc, FW_CFG_FILE_DIR << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, n, buf)).isZero();
            assertThat(ram.bytes(buf, n)).isEqualTo(legacy.array());
        }

        @Test
        @DisplayName("with no files the directory still exists and counts 0")
        void emptyDirectory() {
            try (GuardedRam r = new GuardedRam(1 << 16); FwCfgDevice dev = new FwCfgDevice(FwCfgItems.create(), r)) {
                assertThat(directory(dev, new Guest(dev, r)).getInt(0)).isZero();
            }
        }

        @Test
        @DisplayName("fw_cfg.c: a full directory (0x20 files) lists all of them, the last at select 0x3f")
        void fullDirectory() {
            FwCfgItems it = FwCfgItems.create();
            for (int i = 0; i < FW_CFG_FILE_SLOTS_DFLT; i++) {
                it.addFileString(String.format("opt/f%02d", i), Integer.toString(i));
            }
            try (GuardedRam r = new GuardedRam(1 << 16); FwCfgDevice dev = new FwCfgDevice(it, r)) {
                Guest g = new Guest(dev, r);
                ByteBuffer dir = directory(dev, g);
                assertThat(dir.getInt(0)).isEqualTo(0x20);
                assertThat(name(dir, 31)).isEqualTo("opt/f31");
                g.select(0x3F);
                assertThat(g.dataBytes(2)).containsExactly('3', '1');
            }
        }
    }

    // =================================================================== Configuration
    @Nested
    @DisplayName("Configuration errors (at configuration time, never in the guest)")
    class Configuration {
        @Test
        @DisplayName("QEMU 7.2: a duplicate file name is a configuration error")
        void duplicateName() {
            FwCfgItems it = FwCfgItems.create().addFileString("opt/a", "1");
            assertThatThrownBy(() -> it.addFileString("opt/a", "2"))
                    .isInstanceOfSatisfying(FwCfgConfigException.class, e -> {
                        assertThat(e.reason()).isEqualTo(FwCfgConfigException.Reason.DUPLICATE_NAME);
                        assertThat(e.name()).isEqualTo("opt/a");
                        assertThat(e.getMessage()).contains("opt/a").doesNotContain("\n");
                    });
            it.close();
        }

        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {56, 57, 100})
        @DisplayName("fw_cfg.rst: a name of 56 bytes or more does not fit the directory's 56-byte field with its NUL")
        void nameTooLong(int length) {
            FwCfgItems it = FwCfgItems.create();
            assertThatThrownBy(() -> it.addFileString("x".repeat(length), "v"))
                    .isInstanceOfSatisfying(FwCfgConfigException.class,
                            e -> assertThat(e.reason()).isEqualTo(FwCfgConfigException.Reason.INVALID_NAME));
            it.close();
        }

        @Test
        @DisplayName("the name limit counts UTF-8 bytes: 28 two-byte characters (56 bytes) are too many")
        void nameLimitCountsBytes() {
            FwCfgItems it = FwCfgItems.create();
            it.addFileString("é".repeat(27) + "x", "ok");
            assertThatThrownBy(() -> it.addFileString("é".repeat(28), "v")).isInstanceOf(FwCfgConfigException.class);
            it.close();
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"", "opt/a\0b"})
        @DisplayName("an empty name or one holding a NUL is refused")
        void badNames(String name) {
            FwCfgItems it = FwCfgItems.create();
            assertThatThrownBy(() -> it.addFileString(name, "v"))
                    .isInstanceOfSatisfying(FwCfgConfigException.class,
                            e -> assertThat(e.reason()).isEqualTo(FwCfgConfigException.Reason.INVALID_NAME));
            it.close();
        }

        @ParameterizedTest(name = "{0} slots")
        @ValueSource(ints = {0x10, 0x20, 0x40})
        @DisplayName("fw_cfg.c: more files than the directory has slots (virt: FW_CFG_FILE_SLOTS_DFLT 0x20) is refused")
        void directoryFull(int slots) {
            FwCfgItems it = FwCfgItems.withFileSlots(slots);
            for (int i = 0; i < slots; i++) {
                it.addFileString("opt/" + i, "v");
            }
            assertThatThrownBy(() -> it.addFileString("opt/one-more", "v"))
                    .isInstanceOfSatisfying(FwCfgConfigException.class,
                            e -> assertThat(e.reason()).isEqualTo(FwCfgConfigException.Reason.DIRECTORY_FULL));
            assertThat(it.fileSlots()).isEqualTo(slots);
            it.close();
        }

        @ParameterizedTest(name = "0x{0} slots")
        @ValueSource(ints = {0, 0xF, 0x3FE1, 0x10000})
        @DisplayName("fw_cfg.c: file slots below FW_CFG_FILE_SLOTS_MIN (0x10) or past the entry mask are refused")
        void badSlotCounts(int slots) {
            assertThatThrownBy(() -> FwCfgItems.withFileSlots(slots))
                    .isInstanceOfSatisfying(FwCfgConfigException.class,
                            e -> assertThat(e.reason()).isEqualTo(FwCfgConfigException.Reason.INVALID_FILE_SLOTS));
        }

        @Test
        @DisplayName("fw_cfg.c: the largest slot count (0x3fe0) makes every selector up to 0x3fff valid")
        void largestSlotCount() {
            try (FwCfgItems it = FwCfgItems.withFileSlots(FW_CFG_FILE_SLOTS_MAX)) {
                assertThat(it.fileSlots()).isEqualTo(0x3FE0);
                assertThat(it.lookup(0x3FFF)).isSameAs(FwCfgItem.NONE);
            }
        }

        @ParameterizedTest(name = "key {0}")
        @ValueSource(ints = {FW_CFG_FILE_DIR, FW_CFG_FILE_FIRST, 0x3F, 0x3FFF, 0x4001, 0x8020, 0xFFFF, -1, 0x10000})
        @DisplayName("a numbered key out of range (FILE_DIR, file keys, write channel, beyond 16 bits) is refused")
        void keyOutOfRange(int key) {
            FwCfgItems it = FwCfgItems.create();
            assertThatThrownBy(() -> it.addU32(key, 1))
                    .isInstanceOfSatisfying(FwCfgConfigException.class, e -> {
                        assertThat(e.reason()).isEqualTo(FwCfgConfigException.Reason.KEY_OUT_OF_RANGE);
                        assertThat(e.key()).isEqualTo(key);
                    });
            it.close();
        }

        @ParameterizedTest(name = "key {0}")
        @ValueSource(ints = {FW_CFG_SIGNATURE, FW_CFG_ID, FW_CFG_UUID})
        @DisplayName("fw_cfg.c: a key that already holds an item is refused (QEMU asserts against key conflicts)")
        void keyInUse(int key) {
            FwCfgItems it = FwCfgItems.create().addQemuDefaults(TEST_UUID, false, false, 1);
            assertThatThrownBy(() -> it.addBytes(key, new byte[1]))
                    .isInstanceOfSatisfying(FwCfgConfigException.class,
                            e -> assertThat(e.reason()).isEqualTo(FwCfgConfigException.Reason.KEY_IN_USE));
            it.close();
        }

        @Test
        @DisplayName("fw_cfg.c: an item must be shorter than UINT32_MAX bytes (0xFFFFFFFF is refused, 0xFFFFFFFE taken)")
        void itemTooLarge(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
            java.nio.file.Path big = dir.resolve("big");
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
                f.setLength(0xFFFF_FFFFL); // sparse
            }
            try (FwCfgItems it = FwCfgItems.create()) {
                assertThatThrownBy(() -> it.addFile("opt/big", big))
                        .isInstanceOfSatisfying(FwCfgConfigException.class,
                                e -> assertThat(e.reason()).isEqualTo(FwCfgConfigException.Reason.ITEM_TOO_LARGE));
                assertThatThrownBy(() -> it.addMapped(FW_CFG_KERNEL_DATA, big))
                        .isInstanceOf(FwCfgConfigException.class);
                try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
                    f.setLength(0xFFFF_FFFEL);
                }
                assertThat(it.addMapped(FW_CFG_KERNEL_DATA, big)).isEqualTo(0xFFFF_FFFEL);
            }
        }

        @Test
        @DisplayName("a file that cannot be opened is a typed configuration error naming the path")
        void unreadableFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
            FwCfgItems it = FwCfgItems.create();
            assertThatThrownBy(() -> it.addFile("opt/missing", dir.resolve("missing")))
                    .isInstanceOfSatisfying(FwCfgConfigException.class, e -> {
                        assertThat(e.reason()).isEqualTo(FwCfgConfigException.Reason.FILE_UNREADABLE);
                        assertThat(e.file()).isEqualTo(dir.resolve("missing"));
                        assertThat(e).isInstanceOf(FwCfgException.class);
                        assertThat(e.getMessage()).isEqualTo("fw_cfg file \"opt/missing\": cannot map "
                                + dir.resolve("missing") + ": no such file");
                        assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
                    });
            it.close();
        }

        @Test
        @DisplayName("once a device serves the store, adding items is refused")
        void sealedAfterDevice() {
            assertThatThrownBy(() -> items.addFileString("opt/late", "v"))
                    .isInstanceOfSatisfying(FwCfgConfigException.class,
                            e -> assertThat(e.reason()).isEqualTo(FwCfgConfigException.Reason.SEALED));
            assertThatThrownBy(() -> items.addU32(FW_CFG_RAM_SIZE, 1)).isInstanceOf(FwCfgConfigException.class);
        }

        @Test
        @DisplayName("a closed device refuses every access without throwing; close is idempotent")
        void closedDevice() {
            device.close();
            device.close();
            assertThat(device.accepts(0, 4, false)).isFalse();
            assertThat(device.read(0, 4)).isZero();
            device.write(FW_CFG_DMA_OFFSET, 8, Layouts.cpuToBe64(desc));
            assertThat(items.closed()).isTrue();
        }

        @Test
        @DisplayName("closing the item store under a live device makes the device refuse accesses, never throw")
        void storeClosedUnderDevice() {
            items.close();
            assertThat(device.accepts(0, 8, false)).isFalse();
            assertThat(device.read(0, 8)).isZero();
            guest.dma(desc, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, buf);
            assertThat(ram.be32(desc)).as("no DMA ran").isEqualTo(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ);
            device.reset();
        }
    }
}
