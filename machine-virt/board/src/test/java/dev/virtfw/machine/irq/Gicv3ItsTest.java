package dev.virtfw.machine.irq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.virtfw.devicetree.Node;
import dev.virtfw.devicetree.Property;
import dev.virtfw.machine.memory.GuestRam;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ITS against Arm IHI 0069 and QEMU 7.2's {@code arm-gicv3-its}: registers, the command
 * queue, translation, and the guest's freedom to write anything anywhere.
 */
class Gicv3ItsTest {
    static final long ITS_BASE = 0x0808_0000L;
    static final long RAM_BASE = 0x4000_0000L;
    static final long RAM_SIZE = 1L << 20;
    static final long QUEUE = RAM_BASE;                 // one 4 KiB page: 128 commands
    static final long DEVICE_TABLE = RAM_BASE + 0x1_0000; // one 64 KiB page of 8-byte entries
    static final long COLLECTION_TABLE = RAM_BASE + 0x2_0000;
    static final long ITT = RAM_BASE + 0x3_0000;
    static final int LPI = 8192;
    static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The redistributor's side, as calls: "set 8192", "clear 8192", "config -1". */
    static final class RecordingSink implements LpiSink {
        final List<String> calls = new ArrayList<>();

        @Override
        public void setLpiPending(int intid) {
            calls.add("set " + intid);
        }

        @Override
        public void clearLpiPending(int intid) {
            calls.add("clear " + intid);
        }

        @Override
        public void lpiConfigurationChanged(int intid) {
            calls.add("config " + intid);
        }

        @Override
        public int idBits() {
            return 16; // QEMU's GICD_TYPER.IDbits = 15
        }
    }

    GuestRam ram;
    MemorySegment bytes;
    final RecordingSink sink = new RecordingSink();
    Gicv3Its its;
    /** Where the next queued command goes, as a queue index. */
    int next;

    @BeforeEach
    void build() {
        ram = new GuestRam(RAM_BASE, RAM_SIZE);
        bytes = ram.segment();
        its = new Gicv3Its(ITS_BASE, ram, sink);
    }

    @AfterEach
    void unmap() {
        ram.close();
    }

    long read32(int offset) {
        return its.read(offset, 4);
    }

    long read64(int offset) {
        return read32(offset) | read32(offset + 4) << 32;
    }

    /** A 64-bit write as the bus delivers it: two words, low first. */
    void write64(int offset, long value) {
        its.write(offset, 4, value & 0xFFFF_FFFFL);
        its.write(offset + 4, 4, value >>> 32);
    }

    /** BASER valid, flat, 64 KiB pages, one page at {@code table}; Type and Entry_Size as reset. */
    static long baser(long table) {
        return Gicv3Its.BASER_VALID | 2L << 8 | table;
    }

    /** Queue, device and collection tables set up and the ITS enabled, as Linux does before its first command. */
    void enable() {
        write64(Gicv3Its.GITS_CBASER, Gicv3Its.CBASER_VALID | QUEUE); // Size 0: one page
        write64(Gicv3Its.GITS_BASER, baser(DEVICE_TABLE) | read64(Gicv3Its.GITS_BASER) & Gicv3Its.BASER_READ_ONLY);
        write64(Gicv3Its.GITS_BASER + 8, baser(COLLECTION_TABLE));
        its.write(Gicv3Its.GITS_CTLR, 4, Gicv3Its.CTLR_ENABLED);
    }

    /** Puts a command at the next queue index (wrapping at 128), without telling the ITS. */
    void put(long dw0, long dw1, long dw2, long dw3) {
        long at = QUEUE - RAM_BASE + (long) next * 32;
        bytes.set(LE64, at, dw0);
        bytes.set(LE64, at + 8, dw1);
        bytes.set(LE64, at + 16, dw2);
        bytes.set(LE64, at + 24, dw3);
        next = (next + 1) % 128;
    }

    /** Queues the commands and moves CWRITER past them. */
    void run(long[]... commands) {
        for (long[] c : commands) {
            put(c[0], c[1], c[2], c[3]);
        }
        its.write(Gicv3Its.GITS_CWRITER, 4, (long) next << 5);
    }

    static long[] mapd(int device, int size, long itt, boolean valid) {
        return new long[] {Gicv3Its.MAPD | (long) device << 32, size, itt | (valid ? 1L << 63 : 0), 0};
    }

    static long[] mapc(int icid, int rdbase, boolean valid) {
        return new long[] {Gicv3Its.MAPC, 0, icid | (long) rdbase << 16 | (valid ? 1L << 63 : 0), 0};
    }

    static long[] mapti(int device, int event, int intid, int icid) {
        return new long[] {Gicv3Its.MAPTI | (long) device << 32, event | (long) intid << 32, icid, 0};
    }

    static long[] mapi(int device, int event, int icid) {
        return new long[] {Gicv3Its.MAPI | (long) device << 32, event, icid, 0};
    }

    static long[] event(int command, int device, int event) {
        return new long[] {command | (long) device << 32, event, 0, 0};
    }

    static long[] movi(int device, int event, int icid) {
        return new long[] {Gicv3Its.MOVI | (long) device << 32, event, icid, 0};
    }

    static long[] simple(int command) {
        return new long[] {command, 0, 0, 0};
    }

    /** Device 1 with 32 events, collection 0 on CPU 0, event 5 as LPI 8192 + 5. */
    void mapOneEvent() {
        run(mapd(1, 4, ITT, true), mapc(0, 0, true), mapti(1, 5, LPI + 5, 0));
    }

    long creadr() {
        return read64(Gicv3Its.GITS_CREADR);
    }

    long cwriter() {
        return read64(Gicv3Its.GITS_CWRITER);
    }

    @Nested
    class ResetValues {
        @Test
        void ctlrIsDisabledAndQuiescent() {
            assertThat(read32(Gicv3Its.GITS_CTLR)).isEqualTo(0x8000_0000L);
        }

        @Test
        void iidrIsQemusArmR0p0() {
            assertThat(read32(Gicv3Its.GITS_IIDR)).isEqualTo(0x43BL);
        }

        @Test
        void typerIsQemus() {
            // Physical, 12-byte ITT entries, 16 EventID bits, 16 DeviceID bits, PTA 0; CIL with 16 collection ID bits
            assertThat(read32(Gicv3Its.GITS_TYPER)).isEqualTo(0x0001_EFB1L);
            assertThat(read32(Gicv3Its.GITS_TYPER + 4)).isEqualTo(0x1FL);
            assertThat(its.read(Gicv3Its.GITS_TYPER, 8)).isEqualTo(0x1F_0001_EFB1L);
        }

        @Test
        void baser0IsADeviceTableAndBaser1ACollectionTable() {
            assertThat(read64(Gicv3Its.GITS_BASER)).isEqualTo(0x0107_0000_0000_0200L);
            assertThat(read64(Gicv3Its.GITS_BASER + 8)).isEqualTo(0x0407_0000_0000_0200L);
        }

        @ParameterizedTest(name = "GITS_BASER{0}")
        @ValueSource(ints = {2, 3, 4, 5, 6, 7})
        void otherBasersAreAbsent(int n) {
            write64(Gicv3Its.GITS_BASER + 8 * n, -1L);
            assertThat(read64(Gicv3Its.GITS_BASER + 8 * n)).isZero();
        }

        @Test
        void queueRegistersAreZero() {
            assertThat(read64(Gicv3Its.GITS_CBASER)).isZero();
            assertThat(cwriter()).isZero();
            assertThat(creadr()).isZero();
        }

        @ParameterizedTest(name = "0x{0} = 0x{1}")
        @CsvSource({
            "FFD0, 44", "FFD4, 00", "FFD8, 00", "FFDC, 00",
            "FFE0, 94", "FFE4, B4", "FFE8, 3B", "FFEC, 00",
            "FFF0, 0D", "FFF4, F0", "FFF8, 05", "FFFC, B1",
        })
        void idRegistersNameAGicv3Its(String offset, String value) {
            assertThat(read32(Integer.parseInt(offset, 16))).isEqualTo(Long.parseLong(value, 16));
        }

        @Test
        void resetUndoesEverything() {
            enable();
            mapOneEvent();
            its.reset();
            assertThat(read32(Gicv3Its.GITS_CTLR)).isEqualTo(0x8000_0000L);
            assertThat(read64(Gicv3Its.GITS_BASER)).isEqualTo(0x0107_0000_0000_0200L);
            assertThat(read64(Gicv3Its.GITS_CBASER)).isZero();
            assertThat(creadr()).isZero();
        }
    }

    @Nested
    class ControlRegisters {
        @Test
        void enablingKeepsQuiescent() {
            enable();
            assertThat(read32(Gicv3Its.GITS_CTLR)).isEqualTo(0x8000_0001L);
            its.write(Gicv3Its.GITS_CTLR, 4, 0);
            assertThat(read32(Gicv3Its.GITS_CTLR)).isEqualTo(0x8000_0000L);
        }

        @Test
        void baserKeepsTypeAndEntrySize() {
            write64(Gicv3Its.GITS_BASER, 0xFFFF_FFFF_FFFF_FFFFL);
            assertThat(read64(Gicv3Its.GITS_BASER)).isEqualTo(0xF8E0_FFFF_FFFF_FFFFL | 0x0107_0000_0000_0000L);
        }

        @ParameterizedTest(name = "page size field {0}")
        @ValueSource(ints = {0, 1, 2, 3})
        void baserKeepsThePageSizeWritten(int pageSize) {
            // Linux probes the page size by writing one and reading it back
            write64(Gicv3Its.GITS_BASER, Gicv3Its.BASER_VALID | (long) pageSize << 8 | DEVICE_TABLE);
            assertThat(read64(Gicv3Its.GITS_BASER) >>> 8 & 3).isEqualTo(pageSize);
        }

        @Test
        void baserIsReadOnlyWhileEnabled() {
            enable();
            long before = read64(Gicv3Its.GITS_BASER);
            write64(Gicv3Its.GITS_BASER, 0);
            its.write(Gicv3Its.GITS_BASER, 8, 0);
            assertThat(read64(Gicv3Its.GITS_BASER)).isEqualTo(before);
        }

        @Test
        void cbaserIsReadOnlyWhileEnabled() {
            enable();
            write64(Gicv3Its.GITS_CBASER, Gicv3Its.CBASER_VALID | RAM_BASE + 0x8000);
            assertThat(read64(Gicv3Its.GITS_CBASER)).isEqualTo(Gicv3Its.CBASER_VALID | QUEUE);
        }

        @Test
        void writingCbaserResetsCreadr() {
            enable();
            run(simple(Gicv3Its.SYNC), simple(Gicv3Its.SYNC));
            assertThat(creadr()).isEqualTo(2 << 5);
            its.write(Gicv3Its.GITS_CTLR, 4, 0);
            its.write(Gicv3Its.GITS_CBASER, 4, QUEUE);
            assertThat(creadr()).isZero();
        }

        @Test
        void cwriterDropsRetry() {
            its.write(Gicv3Its.GITS_CWRITER, 4, 0x41);
            assertThat(cwriter()).isEqualTo(0x40);
        }

        @Test
        void typerAndIidrIgnoreWrites() {
            write64(Gicv3Its.GITS_TYPER, 0);
            its.write(Gicv3Its.GITS_TYPER, 8, 0);
            its.write(Gicv3Its.GITS_IIDR, 4, 0);
            assertThat(read64(Gicv3Its.GITS_TYPER)).isEqualTo(Gicv3Its.TYPER);
            assertThat(read32(Gicv3Its.GITS_IIDR)).isEqualTo(0x43BL);
        }

        @Test
        void sixtyFourBitAccessesReachTheWholeRegister() {
            its.write(Gicv3Its.GITS_CBASER, 8, Gicv3Its.CBASER_VALID | QUEUE | 3);
            assertThat(its.read(Gicv3Its.GITS_CBASER, 8)).isEqualTo(Gicv3Its.CBASER_VALID | QUEUE | 3);
            assertThat(read32(Gicv3Its.GITS_CBASER + 4)).isEqualTo(0x8000_0000L);
        }

        @Test
        void aSixtyFourBitReadOfCtlrIsZeroAsOnQemu() {
            assertThat(its.read(Gicv3Its.GITS_CTLR, 8)).isZero();
        }
    }

    @Nested
    class CommandQueue {
        @BeforeEach
        void enableIts() {
            enable();
        }

        @Test
        void mapThenIntMakesTheLpiPending() {
            mapOneEvent();
            run(event(Gicv3Its.INT, 1, 5));
            assertThat(sink.calls).containsExactly("set 8197");
            assertThat(creadr()).isEqualTo(cwriter()).isEqualTo(4 << 5);
        }

        @Test
        void mapiUsesTheEventIdAsIntid() {
            run(mapd(1, 15, ITT, true), mapc(0, 0, true), mapi(1, LPI + 3, 0), event(Gicv3Its.INT, 1, LPI + 3));
            assertThat(sink.calls).containsExactly("set 8195");
        }

        @Test
        void clearTakesThePendingStateAway() {
            mapOneEvent();
            run(event(Gicv3Its.CLEAR, 1, 5));
            assertThat(sink.calls).containsExactly("clear 8197");
        }

        @Test
        void discardClearsAndUnmapsTheEvent() {
            mapOneEvent();
            run(event(Gicv3Its.DISCARD, 1, 5), event(Gicv3Its.INT, 1, 5));
            assertThat(sink.calls).containsExactly("clear 8197");
            assertThat(creadr()).isEqualTo(cwriter());
        }

        @Test
        void linuxInitSequenceCompletes() {
            // its_cpu_init_collection: MAPC, SYNC; then INVALL for the collection
            run(mapc(0, 0, true), simple(Gicv3Its.SYNC), new long[] {Gicv3Its.INVALL, 0, 0, 0});
            assertThat(creadr()).isEqualTo(cwriter()).isEqualTo(3 << 5);
            assertThat(sink.calls).containsExactly("config -1");
        }

        @Test
        void invAsksTheRedistributorToRereadOneLpi() {
            mapOneEvent();
            run(event(Gicv3Its.INV, 1, 5));
            assertThat(sink.calls).containsExactly("config 8197");
        }

        @Test
        void tablesHoldQemusEntryFormats() {
            mapOneEvent();
            assertThat(bytes.get(LE64, DEVICE_TABLE - RAM_BASE + 8)).isEqualTo(1 | 4 << 1 | (ITT >>> 8) << 6);
            assertThat(bytes.get(LE64, COLLECTION_TABLE - RAM_BASE)).isEqualTo(1L);
            long ite = ITT - RAM_BASE + 5 * 12;
            assertThat(bytes.get(LE64, ite)).isEqualTo(1 | 2 | (long) (LPI + 5) << 2);
            assertThat(bytes.get(LE32, ite + 8)).isEqualTo(1023);
        }

        @Test
        void anUnmappedDeviceIsSkippedNotStalled() {
            // QEMU 7.2 ignores a command whose parameters are wrong and goes on with the next one
            run(event(Gicv3Its.INT, 7, 0), simple(Gicv3Its.SYNC));
            assertThat(sink.calls).isEmpty();
            assertThat(creadr()).isEqualTo(cwriter()).isEqualTo(2 << 5);
        }

        @Test
        void anEventBeyondTheDevicesSizeIsSkipped() {
            mapOneEvent();
            run(event(Gicv3Its.INT, 1, 32));
            assertThat(sink.calls).isEmpty();
            assertThat(creadr() & Gicv3Its.CREADR_STALLED).isZero();
        }

        @ParameterizedTest(name = "INTID {0}")
        @ValueSource(ints = {0, 1023, 8191, 65536})
        void maptiRefusesAnythingButAnLpi(int intid) {
            run(mapd(1, 4, ITT, true), mapc(0, 0, true), mapti(1, 5, intid, 0), event(Gicv3Its.INT, 1, 5));
            assertThat(sink.calls).isEmpty();
            assertThat(creadr()).isEqualTo(cwriter());
        }

        @Test
        void aCollectionOnAnotherCpuIsRefused() {
            run(mapd(1, 4, ITT, true), mapc(0, 1, true), mapti(1, 5, LPI, 0), event(Gicv3Its.INT, 1, 5));
            assertThat(sink.calls).isEmpty();
            assertThat(bytes.get(LE64, COLLECTION_TABLE - RAM_BASE)).isZero();
        }

        @Test
        void anUnmappedCollectionDeliversNothing() {
            mapOneEvent();
            run(mapc(0, 0, false), event(Gicv3Its.INT, 1, 5));
            assertThat(sink.calls).isEmpty();
        }

        @Test
        void moviMovesTheEventToAnotherCollection() {
            mapOneEvent();
            run(mapc(3, 0, true), movi(1, 5, 3), mapc(0, 0, false), event(Gicv3Its.INT, 1, 5));
            assertThat(sink.calls).containsExactly("set 8197");
        }

        @Test
        void moviToAnUnmappedCollectionIsSkipped() {
            mapOneEvent();
            run(movi(1, 5, 3), event(Gicv3Its.INT, 1, 5));
            assertThat(sink.calls).containsExactly("set 8197");
        }

        @Test
        void movallOnOneCpuIsANoOp() {
            run(new long[] {Gicv3Its.MOVALL, 0, 0, 0}, new long[] {Gicv3Its.MOVALL, 0, 1L << 16, 0});
            assertThat(creadr()).isEqualTo(cwriter());
        }

        @ParameterizedTest(name = "command 0x{0}")
        @ValueSource(ints = {Gicv3Its.VSYNC, Gicv3Its.VMAPP, Gicv3Its.VMAPTI, Gicv3Its.VMOVP, 0x00, 0xFF})
        void gicv4AndUnknownCommandsAreSkipped(int command) {
            run(simple(command), simple(Gicv3Its.SYNC));
            assertThat(creadr()).isEqualTo(cwriter()).isEqualTo(2 << 5);
        }

        @Test
        void theQueueWrapsAround() {
            for (int i = 0; i < 126; i++) {
                put(Gicv3Its.SYNC, 0, 0, 0);
            }
            its.write(Gicv3Its.GITS_CWRITER, 4, 126 << 5);
            assertThat(creadr()).isEqualTo(126 << 5);
            run(mapd(1, 4, ITT, true), mapc(0, 0, true), mapti(1, 5, LPI + 5, 0), event(Gicv3Its.INT, 1, 5));
            assertThat(cwriter()).isEqualTo(2 << 5);
            assertThat(creadr()).isEqualTo(2 << 5);
            assertThat(sink.calls).containsExactly("set 8197");
        }

        @Test
        void aCwriterBeyondTheQueueRunsNothing() {
            put(Gicv3Its.INVALL, 0, 0, 0);
            its.write(Gicv3Its.GITS_CWRITER, 4, 128 << 5);
            assertThat(sink.calls).isEmpty();
            assertThat(creadr()).isZero();
        }

        @Test
        void commandsWaitUntilTheItsIsEnabled() {
            its.write(Gicv3Its.GITS_CTLR, 4, 0);
            run(simple(Gicv3Its.INVALL));
            assertThat(creadr()).isZero();
            its.write(Gicv3Its.GITS_CTLR, 4, Gicv3Its.CTLR_ENABLED);
            assertThat(creadr()).isEqualTo(1 << 5);
            assertThat(sink.calls).containsExactly("config -1");
        }

        @Test
        void aTableOutsideRamStallsTheQueue() {
            its.write(Gicv3Its.GITS_CTLR, 4, 0);
            write64(Gicv3Its.GITS_BASER, baser(0x1000_0000L)); // no RAM there
            its.write(Gicv3Its.GITS_CTLR, 4, Gicv3Its.CTLR_ENABLED);
            run(simple(Gicv3Its.SYNC), mapd(1, 4, ITT, true), simple(Gicv3Its.SYNC));
            assertThat(creadr()).isEqualTo(1 << 5 | Gicv3Its.CREADR_STALLED);
        }

        @Test
        void anIttOutsideRamStallsTheQueue() {
            run(mapd(1, 4, 0x2000_0000L, true), mapc(0, 0, true), mapti(1, 5, LPI, 0));
            assertThat(creadr()).isEqualTo(2 << 5 | Gicv3Its.CREADR_STALLED);
        }

        @Test
        void aCommandOutsideRamStallsUntilCreadrIsRewound() {
            its.write(Gicv3Its.GITS_CTLR, 4, 0);
            write64(Gicv3Its.GITS_CBASER, Gicv3Its.CBASER_VALID | RAM_BASE + RAM_SIZE - 0x1000 | 1); // second page not RAM
            its.write(Gicv3Its.GITS_CTLR, 4, Gicv3Its.CTLR_ENABLED);
            its.write(Gicv3Its.GITS_CWRITER, 4, 130 << 5);
            assertThat(creadr()).isEqualTo(128 << 5 | Gicv3Its.CREADR_STALLED);
            its.write(Gicv3Its.GITS_CWRITER, 4, 131 << 5); // tried again, stalls again
            assertThat(creadr()).isEqualTo(128 << 5 | Gicv3Its.CREADR_STALLED);
            // the guest may write CREADR on QEMU's virt (GICD_CTLR.DS = 1): back to the start, Stalled cleared
            its.write(Gicv3Its.GITS_CREADR, 4, 0);
            assertThat(creadr()).isZero();
        }

        @Test
        void aQueueThatIsNotValidRunsNothing() {
            its.write(Gicv3Its.GITS_CTLR, 4, 0);
            write64(Gicv3Its.GITS_CBASER, QUEUE);
            its.write(Gicv3Its.GITS_CTLR, 4, Gicv3Its.CTLR_ENABLED);
            run(simple(Gicv3Its.INVALL));
            assertThat(sink.calls).isEmpty();
            assertThat(creadr()).isZero();
        }

        @Test
        void aTwoLevelDeviceTableFollowsItsLevel1Entries() {
            its.write(Gicv3Its.GITS_CTLR, 4, 0);
            long level2 = RAM_BASE + 0x5_0000;
            write64(Gicv3Its.GITS_BASER, baser(DEVICE_TABLE) | Gicv3Its.BASER_INDIRECT);
            bytes.set(LE64, DEVICE_TABLE - RAM_BASE + 8, 1L << 63 | level2); // devices 8192-16383
            its.write(Gicv3Its.GITS_CTLR, 4, Gicv3Its.CTLR_ENABLED);
            run(mapd(8192 + 2, 4, ITT, true), mapc(0, 0, true), mapti(8192 + 2, 5, LPI, 0),
                    event(Gicv3Its.INT, 8192 + 2, 5),
                    mapd(2, 4, ITT, true), event(Gicv3Its.INT, 2, 5)); // no level-2 page for device 2
            assertThat(bytes.get(LE64, level2 - RAM_BASE + 2 * 8) & 1).isEqualTo(1);
            assertThat(sink.calls).containsExactly("set 8192");
            assertThat(creadr()).isEqualTo(cwriter());
        }
    }

    @Nested
    class Translater {
        @BeforeEach
        void mapDeviceZero() {
            enable();
            run(mapd(0, 4, ITT, true), mapc(0, 0, true), mapti(0, 5, LPI + 40, 0));
        }

        @Test
        void aCpuWriteIsAnMsiFromDeviceZero() {
            its.write(Gicv3Its.GITS_TRANSLATER, 4, 5);
            assertThat(sink.calls).containsExactly("set 8232");
        }

        @Test
        void aSixteenBitWriteWorksToo() {
            its.write(Gicv3Its.GITS_TRANSLATER, 2, 0xFFFF_0005L);
            assertThat(sink.calls).containsExactly("set 8232");
        }

        @ParameterizedTest(name = "{0}-byte write")
        @ValueSource(ints = {1, 8})
        void otherWidthsAreIgnored(int size) {
            its.write(Gicv3Its.GITS_TRANSLATER, size, 5);
            assertThat(sink.calls).isEmpty();
        }

        @Test
        void aDevicesMsiCarriesItsRequesterId() {
            run(mapd(8, 4, ITT + 0x100, true), mapti(8, 5, LPI + 80, 0));
            its.msi(8, 5);
            its.msi(9, 5);
            assertThat(sink.calls).containsExactly("set 8272");
        }

        @Test
        void anUnmappedEventDoesNothing() {
            its.write(Gicv3Its.GITS_TRANSLATER, 4, 6);
            assertThat(sink.calls).isEmpty();
        }

        @Test
        void nothingIsTranslatedWhileDisabled() {
            its.write(Gicv3Its.GITS_CTLR, 4, 0);
            its.write(Gicv3Its.GITS_TRANSLATER, 4, 5);
            assertThat(sink.calls).isEmpty();
        }

        @Test
        void readsAreZero() {
            assertThat(its.read(Gicv3Its.GITS_TRANSLATER, 4)).isZero();
        }
    }

    @Nested
    class GuestAccesses {
        @ParameterizedTest(name = "{0}-byte read")
        @ValueSource(ints = {1, 2})
        void narrowReadsAreZero(int size) {
            assertThat(its.read(Gicv3Its.GITS_CTLR, size)).isZero();
            assertThat(its.read(Gicv3Its.GITS_IIDR, size)).isZero();
        }

        @ParameterizedTest(name = "{0}-byte write")
        @ValueSource(ints = {1, 2})
        void narrowWritesAreIgnored(int size) {
            its.write(Gicv3Its.GITS_CTLR, size, 1);
            assertThat(read32(Gicv3Its.GITS_CTLR)).isEqualTo(0x8000_0000L);
        }

        @ParameterizedTest(name = "offset 0x{0}")
        @ValueSource(ints = {0x2, 0x6, 0x8A, 0x101})
        void unalignedAccessesAreHarmless(int offset) {
            its.write(offset, 4, -1L);
            assertThat(its.read(offset, 4)).isZero();
            assertThat(read64(Gicv3Its.GITS_BASER)).isEqualTo(0x0107_0000_0000_0200L);
        }

        @Test
        void anythingAnywhereThrowsNothing() {
            var random = new SplittableRandom(0x175);
            int[] sizes = {1, 2, 4, 8};
            assertThatCode(() -> {
                for (int i = 0; i < 200_000; i++) {
                    int size = sizes[random.nextInt(4)];
                    long offset = random.nextInt(8) == 0 ? random.nextLong(Gicv3Its.SIZE - 8)
                            : random.nextInt(0x120) & ~(size - 1);
                    if (random.nextBoolean()) {
                        its.read(offset, size);
                    } else {
                        long value = random.nextInt(4) == 0 ? random.nextLong()
                                : RAM_BASE + random.nextLong(RAM_SIZE) | (random.nextBoolean() ? 1L << 63 : 0);
                        its.write(offset, size, value);
                    }
                    if (random.nextInt(64) == 0) {
                        // commands of random content where the queue may be
                        long at = random.nextLong(RAM_SIZE / 32) * 32;
                        for (int w = 0; w < 4; w++) {
                            bytes.set(LE64, at + 8 * w, random.nextLong() & (random.nextBoolean() ? 0xFFL : -1L));
                        }
                    }
                }
            }).doesNotThrowAnyException();
        }
    }

    /**
     * A bare-metal guest run on qemu-system-aarch64 7.2.22 ({@code -M virt,gic-version=3 -cpu
     * cortex-a57 -m 128M}) drove the ITS through this sequence and printed what it read; the same
     * accesses here read the same values. Its queue and tables were at 0x4100_0000 and up.
     */
    @Nested
    class QemuTranscript {
        static final long Q = 0x4100_0000L;
        static final long DT = 0x4101_0000L;
        static final long CT = 0x4102_0000L;
        static final long IT = 0x4103_0000L;
        GuestRam qemuRam;
        Gicv3Its q;
        int index;

        @BeforeEach
        void build() {
            qemuRam = new GuestRam(RAM_BASE, 0x0200_0000L);
            q = new Gicv3Its(ITS_BASE, qemuRam, sink);
        }

        @AfterEach
        void unmap() {
            qemuRam.close();
        }

        long r64(int offset) {
            return q.read(offset, 4) | q.read(offset + 4, 4) << 32;
        }

        void w64(int offset, long value) {
            q.write(offset, 4, value & 0xFFFF_FFFFL);
            q.write(offset + 4, 4, value >>> 32);
        }

        long ram64(long gpa) {
            return qemuRam.segment().get(LE64, gpa - RAM_BASE);
        }

        void put(long dw0, long dw1, long dw2) {
            MemorySegment ram = qemuRam.segment();
            long at = Q - RAM_BASE + index * 32L;
            ram.set(LE64, at, dw0);
            ram.set(LE64, at + 8, dw1);
            ram.set(LE64, at + 16, dw2);
            ram.set(LE64, at + 24, 0);
            index++;
        }

        void go() {
            w64(Gicv3Its.GITS_CWRITER, (long) index << 5);
        }

        @Test
        void readsWhatQemuRead() {
            assertThat(q.read(Gicv3Its.GITS_CTLR, 8)).isZero();
            w64(Gicv3Its.GITS_BASER, -1L);
            assertThat(r64(Gicv3Its.GITS_BASER)).isEqualTo(0xF9E7_FFFF_FFFF_FFFFL);
            w64(Gicv3Its.GITS_BASER + 16, -1L);
            assertThat(r64(Gicv3Its.GITS_BASER + 16)).isZero();
            w64(Gicv3Its.GITS_CBASER, 1L << 63 | Q);
            w64(Gicv3Its.GITS_BASER, 1L << 63 | 2L << 8 | DT);
            w64(Gicv3Its.GITS_BASER + 8, 1L << 63 | 2L << 8 | CT);
            q.write(Gicv3Its.GITS_CWRITER, 4, 0x41);
            assertThat(r64(Gicv3Its.GITS_CWRITER)).isEqualTo(0x40);
            q.write(Gicv3Its.GITS_CWRITER, 4, 0);
            q.write(Gicv3Its.GITS_CTLR, 4, 1);
            assertThat(q.read(Gicv3Its.GITS_CTLR, 4)).isEqualTo(0x8000_0001L);
            w64(Gicv3Its.GITS_CBASER, 1L << 63 | 0x4200_0000L);
            assertThat(r64(Gicv3Its.GITS_CBASER)).isEqualTo(0x8000_0000_4100_0000L);

            put(Gicv3Its.INT | 7L << 32, 0, 0);
            put(Gicv3Its.SYNC, 0, 0);
            go();
            assertThat(r64(Gicv3Its.GITS_CREADR)).isEqualTo(0x40);

            put(Gicv3Its.MAPD | 1L << 32, 4, IT | 1L << 63);
            put(Gicv3Its.MAPC, 0, 1L << 63);
            put(Gicv3Its.MAPTI | 1L << 32, 5 | 8197L << 32, 0);
            go();
            assertThat(r64(Gicv3Its.GITS_CREADR)).isEqualTo(0xA0);
            assertThat(ram64(DT + 8)).isEqualTo(0x1040_C009L);
            assertThat(ram64(CT)).isEqualTo(1);
            assertThat(ram64(IT + 60)).isEqualTo(0x8017);
            assertThat(ram64(IT + 68) & 0xFFFF_FFFFL).isEqualTo(0x3FF);

            put(Gicv3Its.MAPC, 0, 1L << 63 | 1L << 16 | 3);
            go();
            assertThat(r64(Gicv3Its.GITS_CREADR)).isEqualTo(0xC0);
            assertThat(ram64(CT + 24)).isZero();
            put(Gicv3Its.MAPTI | 1L << 32, 6 | 100L << 32, 0);
            go();
            assertThat(ram64(IT + 72)).isZero();

            put(Gicv3Its.INVALL, 0, 0);
            put(Gicv3Its.VSYNC, 0, 0);
            put(Gicv3Its.MOVALL, 0, 0);
            go();
            assertThat(r64(Gicv3Its.GITS_CREADR)).isEqualTo(0x140);

            put(Gicv3Its.MAPD | 2L << 32, 4, 0x1_0000_0000L | 1L << 63);
            put(Gicv3Its.MAPTI | 2L << 32, 8200L << 32, 0);
            put(Gicv3Its.SYNC, 0, 0);
            go();
            assertThat(r64(Gicv3Its.GITS_CREADR)).isEqualTo(0x161);
            go();
            assertThat(r64(Gicv3Its.GITS_CREADR)).isEqualTo(0x161);
            w64(Gicv3Its.GITS_CREADR, 0x20);
            assertThat(r64(Gicv3Its.GITS_CREADR)).isEqualTo(0x20);
            q.write(Gicv3Its.GITS_TRANSLATER, 4, 5);
            assertThat(r64(Gicv3Its.GITS_CREADR)).isEqualTo(0x20);
            assertThat(q.read(Gicv3Its.GITS_TRANSLATER, 4)).isZero();
            q.write(Gicv3Its.GITS_CTLR, 4, 0);
            w64(Gicv3Its.GITS_CBASER, 1L << 63 | Q);
            assertThat(r64(Gicv3Its.GITS_CREADR)).isZero();
        }
    }

    @Nested
    class DeviceTree {
        @Test
        void itsNodeIsQemus() {
            Node gic = Node.root().addChild("intc@8000000");
            Node node = its.addItsNode(gic);
            assertThat(node.name()).isEqualTo("its@8080000");
            assertThat(node.properties()).extracting(Property::name)
                    .containsExactly("phandle", "reg", "#msi-cells", "msi-controller", "compatible");
            assertThat(node.property("phandle").orElseThrow().asU32()).isEqualTo(0x8003);
            assertThat(node.property("reg").orElseThrow().asU32Array()).containsExactly(0, 0x0808_0000, 0, 0x2_0000);
            assertThat(node.property("#msi-cells").orElseThrow().asU32()).isEqualTo(1);
            assertThat(node.property("msi-controller").orElseThrow().isEmpty()).isTrue();
            assertThat(node.property("compatible").orElseThrow().asString()).isEqualTo("arm,gic-v3-its");
        }
    }
}
