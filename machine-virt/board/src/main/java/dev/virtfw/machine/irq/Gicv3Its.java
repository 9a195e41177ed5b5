package dev.virtfw.machine.irq;

import dev.virtfw.devicetree.Node;
import dev.virtfw.fwcfg.GuestAddress;
import dev.virtfw.fwcfg.GuestMemory;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.bus.MmioWindow;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A GICv3 Interrupt Translation Service (Arm IHI 0069: the ITS, its commands and the GITS_*
 * registers), as QEMU 7.2's TCG {@code arm-gicv3-its} ({@code hw/intc/arm_gicv3_its.c}) models it
 * for a GIC without GICv4, here with one CPU: physical LPIs only, 16-bit DeviceIDs, EventIDs and
 * collection IDs, target addresses as processor numbers (GITS_TYPER.PTA = 0).
 *
 * <p>The window has two 64 KiB frames: the control registers at 0 and the translation register
 * GITS_TRANSLATER at 0x10040. The guest gives the ITS a command queue (GITS_CBASER), a device
 * table (GITS_BASER0) and a collection table (GITS_BASER1) in its memory; MAPD, MAPC and MAPTI
 * fill them and each device's interrupt translation table (ITT), in QEMU's own entry formats (which
 * the architecture leaves to the implementation), so the state lives where QEMU keeps it. Commands
 * run when the guest moves GITS_CWRITER while the ITS is enabled, all of them at once: CREADR has
 * caught up with CWRITER when the write returns, unless a command stalled the queue.
 *
 * <p>As QEMU: a command whose fields are out of range or name unmapped entries is skipped; a
 * command the ITS cannot read, or a table entry it cannot read or write (here: anything not wholly
 * in guest RAM), stalls the queue (GITS_CREADR.Stalled) at that command, which the next CWRITER
 * write retries. GICv4 commands are skipped. Control registers take 32- and 64-bit accesses, the
 * translation register 16- and 32-bit writes; any other access reads 0 and writes nothing.
 *
 * <p>An MSI write from a device carries the device's requester ID as DeviceID ({@link #msi}, for a
 * board that knows it); a CPU's write to GITS_TRANSLATER carries none, and QEMU then uses DeviceID
 * 0, as this model does.
 *
 * <p>The board describes the ITS itself, as an {@code its@...} child of the GIC's node ({@link
 * #addItsNode}); {@link #addDeviceTreeNode} adds nothing.
 */
public final class Gicv3Its extends MmioWindow {
    /** QEMU's virt: the control frame and the translation frame, 64 KiB each. */
    public static final long SIZE = 0x2_0000;
    /** QEMU's virt: the phandle of the its node, which PCIe's msi-map refers to. */
    public static final int PHANDLE = 0x8003;

    // Control frame (IHI 0069, the ITS register map).
    static final int GITS_CTLR = 0x000;
    static final int GITS_IIDR = 0x004;
    static final int GITS_TYPER = 0x008;
    static final int GITS_CBASER = 0x080;
    static final int GITS_CWRITER = 0x088;
    static final int GITS_CREADR = 0x090;
    static final int GITS_BASER = 0x100;
    static final int GITS_BASER_COUNT = 8;
    /** PIDR4-7, PIDR0-3, CIDR0-3. */
    static final int GITS_IDREGS = 0xFFD0;
    // Translation frame.
    static final int TRANSLATION_FRAME = 0x1_0000;
    static final int GITS_TRANSLATER = TRANSLATION_FRAME + 0x040;

    static final int CTLR_ENABLED = 1;
    static final int CTLR_QUIESCENT = 1 << 31;
    /** GICv3's r0p0 Arm implementation, as QEMU claims for every GICv3 part (a GIC-500's value). */
    static final int IIDR = 0x43B;

    /** EventID, DeviceID and collection ID widths minus one, as GITS_TYPER encodes them. */
    static final int ID_BITS_FIELD = 15;
    static final int DEVICE_BITS_FIELD = 15;
    static final int COLLECTION_BITS_FIELD = 15;
    /** Bytes in one ITT entry: QEMU's 8-byte low word and 4-byte high word. */
    static final int ITT_ENTRY_SIZE = 12;
    /**
     * Physical (bit 0), ITT_entry_size (7:4), ID_bits (12:8), Devbits (17:13), PTA (19) clear, CIDbits
     * (35:32) and CIL (36): QEMU's GITS_TYPER for a GICv3.
     */
    static final long TYPER = 1L
            | (long) (ITT_ENTRY_SIZE - 1) << 4
            | (long) ID_BITS_FIELD << 8
            | (long) DEVICE_BITS_FIELD << 13
            | (long) COLLECTION_BITS_FIELD << 32
            | 1L << 36;

    // GITS_BASER<n> fields.
    static final long BASER_VALID = 1L << 63;
    static final long BASER_INDIRECT = 1L << 62;
    static final int BASER_TYPE_SHIFT = 56;
    static final int BASER_ENTRY_SIZE_SHIFT = 48;
    static final int BASER_PAGE_SIZE_SHIFT = 8;
    /** Type and Entry_Size: the fields a write cannot change. */
    static final long BASER_READ_ONLY = 0x7L << BASER_TYPE_SHIFT | 0x1FL << BASER_ENTRY_SIZE_SHIFT;
    static final long BASER_TYPE_DEVICE = 1;
    static final long BASER_TYPE_COLLECTION = 4;
    static final long BASER_PAGE_SIZE_64K = 2;
    /** Bytes in QEMU's device and collection table entries. */
    static final int TABLE_ENTRY_SIZE = 8;
    /** Bytes in a level-1 entry of a two-level table (the one format the architecture fixes). */
    static final int L1_ENTRY_SIZE = 8;
    static final long L1_ENTRY_VALID = 1L << 63;
    /** Bits 50:0 of a level-1 entry: the level-2 page's address. */
    static final long L1_ENTRY_ADDRESS = (1L << 51) - 1;

    // GITS_CBASER, GITS_CWRITER and GITS_CREADR fields.
    static final long CBASER_VALID = 1L << 63;
    static final long CBASER_ADDRESS = 0x000F_FFFF_FFFF_F000L;
    static final long CWRITER_RETRY = 1;
    static final long CREADR_STALLED = 1;
    /** The command index in CWRITER and CREADR: bits 19:5. */
    static final int QUEUE_OFFSET_SHIFT = 5;
    static final long QUEUE_OFFSET_MASK = 0x7FFFL << QUEUE_OFFSET_SHIFT;
    static final int COMMAND_SIZE = 32;
    static final int QUEUE_PAGE = 0x1000;

    // Command numbers (IHI 0069, the ITS command summary).
    static final int MOVI = 0x01;
    static final int INT = 0x03;
    static final int CLEAR = 0x04;
    static final int SYNC = 0x05;
    static final int MAPD = 0x08;
    static final int MAPC = 0x09;
    static final int MAPTI = 0x0A;
    static final int MAPI = 0x0B;
    static final int INV = 0x0C;
    static final int INVALL = 0x0D;
    static final int MOVALL = 0x0E;
    static final int DISCARD = 0x0F;
    static final int VMOVI = 0x21;
    static final int VMOVP = 0x22;
    static final int VSYNC = 0x25;
    static final int VMAPP = 0x29;
    static final int VMAPTI = 0x2A;
    static final int VMAPI = 0x2B;
    static final int VINVALL = 0x2D;

    static final int FIRST_LPI = 8192;
    static final int NO_DOORBELL = 1023;
    /** One CPU: the only processor number a collection may target. */
    static final int CPUS = 1;

    /** PIDR4-7, PIDR0-3, CIDR0-3 from GITS_IDREGS: an Arm GICv3 ITS, ArchRev 3 (QEMU's values). */
    private static final int[] ID = {0x44, 0x00, 0x00, 0x00, 0x94, 0xB4, 0x3B, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

    private static final ValueLayout.OfLong LE_U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** What a command did to the queue: QEMU's CMD_STALL, CMD_CONTINUE (skipped) and CMD_CONTINUE_OK. */
    private enum Outcome { STALL, SKIPPED, DONE }

    /** What an INT, CLEAR or DISCARD command or a GITS_TRANSLATER write does to the LPI found. */
    private enum Action { SET, CLEAR, DISCARD }

    /**
     * A device or collection table as GITS_BASER<n> described it when the ITS was enabled; no
     * table has no entries, so every ID is out of range.
     */
    private record Table(boolean indirect, int pageSize, long entries, long base) {
        static final Table NONE = new Table(false, QUEUE_PAGE, 0, 0);

        long entriesPerPage() {
            return pageSize / TABLE_ENTRY_SIZE;
        }
    }

    /** The command queue as GITS_CBASER described it when the ITS was enabled. */
    private record Queue(long entries, long base) {
        static final Queue NONE = new Queue(0, 0);
    }

    /** A device table entry: the device's ITT and its EventID width minus one. */
    private record DeviceEntry(boolean valid, int size, long ittAddress) {
        long events() {
            return 1L << (size + 1);
        }
    }

    /** A collection table entry: the target redistributor as a processor number. */
    private record CollectionEntry(boolean valid, int rdbase) {}

    /** An ITT entry: an event's LPI and collection (physical), or a vPE's LPI (virtual, never made here). */
    private record TranslationEntry(boolean valid, boolean physical, int intid, int icid, int vpeid, int doorbell) {
        static final TranslationEntry INVALID = new TranslationEntry(false, false, 0, 0, 0, 0);

        TranslationEntry withIcid(int newIcid) {
            return new TranslationEntry(valid, physical, intid, newIcid, vpeid, doorbell);
        }
    }

    /** A device's valid entry and one of its events' valid ITT entries. */
    private record Translation(DeviceEntry device, TranslationEntry entry) {}

    /**
     * A guest-memory access of the ITS that did not reach RAM: QEMU's failed memory transaction,
     * which stalls the command queue. Thrown and caught inside this class only.
     */
    private static final class MemoryFault extends Exception {
        MemoryFault(long gpa, int size) {
            super(size + "-byte ITS table access at 0x" + Long.toHexString(gpa) + " is not in RAM", null, false, false);
        }
    }

    private final GuestMemory memory;
    private final LpiSink lpis;
    private int ctlr;
    private long cbaser;
    private long cwriter;
    private long creadr;
    private final long[] baser = new long[GITS_BASER_COUNT];
    private Table deviceTable;
    private Table collectionTable;
    private Queue queue;

    /** An ITS at {@code base} whose tables live in {@code memory} and whose LPIs go to {@code lpis}. */
    public Gicv3Its(long base, GuestMemory memory, LpiSink lpis) {
        super("gicv3-its", base, SIZE);
        this.memory = Objects.requireNonNull(memory, "memory");
        this.lpis = Objects.requireNonNull(lpis, "lpis");
        reset();
    }

    /**
     * Power-on state: disabled and quiescent, no command queue, GITS_BASER0 a device table and
     * GITS_BASER1 a collection table (64 KiB pages, 8-byte entries, not valid), the rest absent.
     */
    @Override
    public void reset() {
        ctlr = CTLR_QUIESCENT;
        cbaser = 0;
        cwriter = 0;
        creadr = 0;
        Arrays.fill(baser, 0);
        baser[0] = tableBaser(BASER_TYPE_DEVICE);
        baser[1] = tableBaser(BASER_TYPE_COLLECTION);
        deviceTable = Table.NONE;
        collectionTable = Table.NONE;
        queue = Queue.NONE;
    }

    private static long tableBaser(long type) {
        return type << BASER_TYPE_SHIFT
                | (long) (TABLE_ENTRY_SIZE - 1) << BASER_ENTRY_SIZE_SHIFT
                | BASER_PAGE_SIZE_64K << BASER_PAGE_SIZE_SHIFT;
    }

    // ---- Registers ----

    @Override
    public long read(long offset, int size) {
        if (offset >= TRANSLATION_FRAME || !controlAccess(offset, size)) {
            return 0; // GITS_TRANSLATER is write-only and the rest of its frame RES0
        }
        return size == 4 ? readWord((int) offset) : readDoubleword((int) offset);
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset >= TRANSLATION_FRAME) {
            if (offset == GITS_TRANSLATER && (size == 2 || size == 4)) {
                msi(0, size == 2 ? (int) value & 0xFFFF : (int) value);
            }
            return;
        }
        if (!controlAccess(offset, size)) {
            return;
        }
        if (size == 4) {
            writeWord((int) offset, value & 0xFFFF_FFFFL);
        } else {
            writeDoubleword((int) offset, value);
        }
    }

    /** QEMU takes aligned 32- and 64-bit accesses to the control frame; it ignores the rest. */
    private static boolean controlAccess(long offset, int size) {
        return (size == 4 || size == 8) && (offset & (size - 1)) == 0;
    }

    private long readWord(int offset) {
        if (offset >= GITS_BASER && offset < GITS_BASER + 8 * GITS_BASER_COUNT) {
            return half(baser[(offset - GITS_BASER) / 8], offset);
        }
        if (offset >= GITS_IDREGS) {
            return ID[(offset - GITS_IDREGS) / 4];
        }
        return switch (offset) {
            case GITS_CTLR -> Integer.toUnsignedLong(ctlr);
            case GITS_IIDR -> IIDR;
            case GITS_TYPER, GITS_TYPER + 4 -> half(TYPER, offset);
            case GITS_CBASER, GITS_CBASER + 4 -> half(cbaser, offset);
            case GITS_CWRITER, GITS_CWRITER + 4 -> half(cwriter, offset);
            case GITS_CREADR, GITS_CREADR + 4 -> half(creadr, offset);
            default -> 0; // GITS_MPIDR, GITS_STATUSR, GITS_UMSIR and the rest read as zero, as on QEMU 7.2
        };
    }

    /** The 64-bit registers read whole; QEMU reads everything else this wide as 0. */
    private long readDoubleword(int offset) {
        if (offset >= GITS_BASER && offset < GITS_BASER + 8 * GITS_BASER_COUNT) {
            return baser[(offset - GITS_BASER) / 8];
        }
        return switch (offset) {
            case GITS_TYPER -> TYPER;
            case GITS_CBASER -> cbaser;
            case GITS_CWRITER -> cwriter;
            case GITS_CREADR -> creadr;
            default -> 0;
        };
    }

    /** The word of {@code register} at {@code offset}: the high half when the offset is 4 past 8-byte alignment. */
    private static long half(long register, int offset) {
        return (offset & 4) == 0 ? register & 0xFFFF_FFFFL : register >>> 32;
    }

    /** {@code register} with the word at {@code offset} replaced by {@code word}. */
    private static long withHalf(long register, int offset, long word) {
        return (offset & 4) == 0
                ? (register & 0xFFFF_FFFF_0000_0000L) | (word & 0xFFFF_FFFFL)
                : (register & 0xFFFF_FFFFL) | word << 32;
    }

    private void writeWord(int offset, long value) {
        if (offset >= GITS_BASER && offset < GITS_BASER + 8 * GITS_BASER_COUNT) {
            int n = (offset - GITS_BASER) / 8;
            writeBaser(n, withHalf(baser[n], offset, value));
            return;
        }
        switch (offset) {
            case GITS_CTLR -> writeCtlr((int) value);
            case GITS_CBASER, GITS_CBASER + 4 -> writeCbaser(withHalf(cbaser, offset, value));
            case GITS_CWRITER -> writeCwriter(withHalf(cwriter, offset, value));
            case GITS_CWRITER + 4 -> cwriter = withHalf(cwriter, offset, value); // the index is in the low word
            case GITS_CREADR, GITS_CREADR + 4 -> writeCreadr(withHalf(creadr, offset, value), offset == GITS_CREADR);
            default -> { } // read-only (GITS_IIDR, GITS_TYPER, ID registers) or reserved: ignored, as on QEMU 7.2
        }
    }

    private void writeDoubleword(int offset, long value) {
        if (offset >= GITS_BASER && offset < GITS_BASER + 8 * GITS_BASER_COUNT) {
            writeBaser((offset - GITS_BASER) / 8, value);
            return;
        }
        switch (offset) {
            case GITS_CBASER -> writeCbaser(value);
            case GITS_CWRITER -> writeCwriter(value);
            case GITS_CREADR -> writeCreadr(value, true);
            default -> { }
        }
    }

    /**
     * Enabled is the only writable bit. Setting it (again) takes the table and queue layouts from
     * GITS_BASER<n> and GITS_CBASER and runs any commands already queued; Quiescent stays 1, as QEMU
     * leaves it (nothing is ever in flight).
     */
    private void writeCtlr(int value) {
        if ((value & CTLR_ENABLED) != 0) {
            ctlr |= CTLR_ENABLED;
            deviceTable = describeTable(baser[0], DEVICE_BITS_FIELD + 1);
            collectionTable = describeTable(baser[1], COLLECTION_BITS_FIELD + 1);
            queue = describeQueue(cbaser);
            processQueue();
        } else {
            ctlr &= ~CTLR_ENABLED;
        }
    }

    private boolean enabled() {
        return (ctlr & CTLR_ENABLED) != 0;
    }

    /** Read-only while the ITS is enabled (QEMU's implementation-defined choice); a write resets CREADR. */
    private void writeCbaser(long value) {
        if (!enabled()) {
            cbaser = value;
            creadr = 0;
        }
    }

    /** Retry reads as 0 (QEMU drops it); a new index runs the queue. */
    private void writeCwriter(long value) {
        cwriter = value & ~CWRITER_RETRY;
        if (cwriter != creadr) {
            processQueue();
        }
    }

    /**
     * Writable, as QEMU's virt has it: its GIC lacks the Security Extensions (GICD_CTLR.DS = 1),
     * which makes CREADR writable; a write to the low word clears Stalled.
     */
    private void writeCreadr(long value, boolean lowWord) {
        creadr = lowWord ? value & ~CREADR_STALLED : value;
    }

    /**
     * Read-only while the ITS is enabled (QEMU's implementation-defined choice); Type and
     * Entry_Size never change, and an absent table (a register reading 0) takes nothing.
     */
    private void writeBaser(int n, long value) {
        if (!enabled() && baser[n] != 0) {
            baser[n] = (baser[n] & BASER_READ_ONLY) | (value & ~BASER_READ_ONLY);
        }
    }

    /**
     * A table's layout from its GITS_BASER<n>, as QEMU reads it: the page size decides where the
     * address bits are; the entry count covers the pages given, flat or through level-1 entries,
     * and is capped at {@code idBits} bits. QEMU counts in 32 bits, so a two-level
     * table of 256 64 KiB level-1 pages comes out at no entries at all; so does it here.
     */
    private static Table describeTable(long value, int idBits) {
        if ((value & BASER_VALID) == 0) {
            return Table.NONE;
        }
        int pageSize = switch ((int) (value >>> BASER_PAGE_SIZE_SHIFT) & 3) {
            case 0 -> 0x1000;
            case 1 -> 0x4000;
            default -> 0x1_0000;
        };
        long base = pageSize == 0x1_0000
                ? (value & 0x0000_FFFF_FFFF_0000L) | (value & 0xF000L) << 36 // bits 15:12 are address bits 51:48
                : value & 0x0000_FFFF_FFFF_F000L;
        boolean indirect = (value & BASER_INDIRECT) != 0;
        long bytes = ((value & 0xFF) + 1) * pageSize;
        long entries = indirect
                ? (bytes / L1_ENTRY_SIZE) * (pageSize / TABLE_ENTRY_SIZE) & 0xFFFF_FFFFL
                : bytes / TABLE_ENTRY_SIZE;
        return new Table(indirect, pageSize, Math.min(entries, 1L << idBits), base);
    }

    /** The command queue from GITS_CBASER: Size + 1 4 KiB pages of 32-byte commands, when Valid. */
    private static Queue describeQueue(long value) {
        if ((value & CBASER_VALID) == 0) {
            return Queue.NONE;
        }
        long pages = (value & 0xFF) + 1;
        return new Queue(pages * QUEUE_PAGE / COMMAND_SIZE, value & CBASER_ADDRESS);
    }

    // ---- Command queue ----

    /**
     * Runs commands from CREADR up to CWRITER, wrapping at the end of the queue, while the ITS is
     * enabled. An index outside the queue (or no queue at all) runs nothing. A command that stalls
     * sets CREADR.Stalled and stays at CREADR; Stalled is left set, and the next CWRITER write tries
     * the command again (QEMU does not check Stalled before processing).
     */
    private void processQueue() {
        if (!enabled()) {
            return;
        }
        long writeIndex = (cwriter & QUEUE_OFFSET_MASK) >>> QUEUE_OFFSET_SHIFT;
        long readIndex = (creadr & QUEUE_OFFSET_MASK) >>> QUEUE_OFFSET_SHIFT;
        if (writeIndex >= queue.entries() || readIndex >= queue.entries()) {
            return;
        }
        while (readIndex != writeIndex) {
            Outcome outcome;
            try {
                outcome = execute(readCommand(queue.base() + readIndex * COMMAND_SIZE));
            } catch (MemoryFault fault) {
                outcome = Outcome.STALL;
            }
            if (outcome == Outcome.STALL) {
                creadr |= CREADR_STALLED;
                return;
            }
            readIndex = (readIndex + 1) % queue.entries();
            creadr = (creadr & ~QUEUE_OFFSET_MASK) | readIndex << QUEUE_OFFSET_SHIFT;
        }
    }

    /** The four doublewords of the command at {@code gpa}, which must lie wholly in RAM. */
    private long[] readCommand(long gpa) throws MemoryFault {
        GuestAddress at = new GuestAddress(gpa);
        if (memory.ramBytesAt(at, COMMAND_SIZE) != COMMAND_SIZE) {
            throw new MemoryFault(gpa, COMMAND_SIZE);
        }
        MemorySegment command = memory.slice(at, COMMAND_SIZE);
        long[] dw = new long[COMMAND_SIZE / 8];
        for (int i = 0; i < dw.length; i++) {
            dw[i] = command.get(LE_U64, 8L * i);
        }
        return dw;
    }

    /**
     * One command, its fields where IHI 0069 puts them: the command number in DW0[7:0], DeviceID
     * in DW0[63:32], EventID in DW1[31:0], the physical INTID in DW1[63:32], the ICID in DW2[15:0],
     * Valid in DW2[63]. An unknown command is passed over, as QEMU does.
     */
    private Outcome execute(long[] dw) throws MemoryFault {
        long deviceId = dw[0] >>> 32;
        long eventId = dw[1] & 0xFFFF_FFFFL;
        int icid = (int) (dw[2] & 0xFFFF);
        return switch ((int) (dw[0] & 0xFF)) {
            case INT -> translate(deviceId, eventId, Action.SET);
            case CLEAR -> translate(deviceId, eventId, Action.CLEAR);
            case DISCARD -> translate(deviceId, eventId, Action.DISCARD);
            case MAPD -> mapDevice(deviceId, (int) (dw[1] & 0x1F), dw[2] & 0x000F_FFFF_FFFF_FF00L, dw[2] < 0);
            case MAPC -> mapCollection(icid, dw[2] < 0, dw[2] >>> 16 & 0xFFFF);
            case MAPTI -> mapEvent(deviceId, eventId, dw[1] >>> 32, icid);
            case MAPI -> mapEvent(deviceId, eventId, eventId, icid);
            case MOVI -> moveEvent(deviceId, eventId, icid);
            case MOVALL -> moveAll(dw[2] >>> 16 & 0xF_FFFF_FFFFL, dw[3] >>> 16 & 0xF_FFFF_FFFFL);
            case INV -> invalidate(deviceId, eventId);
            case INVALL -> {
                // QEMU caches nothing but what the redistributor derives from the property table
                lpis.lpiConfigurationChanged(-1);
                yield Outcome.DONE;
            }
            case SYNC -> Outcome.DONE; // every earlier command has taken effect already
            case VSYNC, VMAPTI, VMAPI, VMAPP, VMOVP, VMOVI, VINVALL -> Outcome.SKIPPED; // no GICv4 here
            default -> Outcome.DONE;
        };
    }

    /**
     * A 32-bit write of {@code eventId} to GITS_TRANSLATER by the device whose requester ID is
     * {@code deviceId} (QEMU takes it from the write's memory transaction attributes): the event's
     * LPI becomes pending, if the ITS is enabled and the event is mapped. Nothing happens otherwise.
     */
    public void msi(int deviceId, int eventId) {
        if (!enabled()) {
            return;
        }
        try {
            translate(Integer.toUnsignedLong(deviceId), Integer.toUnsignedLong(eventId), Action.SET);
        } catch (MemoryFault fault) {
            // QEMU answers the write with a bus error, which a device here cannot give
        }
    }

    /**
     * INT, CLEAR, DISCARD and a translated MSI: find the event's LPI and its collection's target
     * and set or clear the LPI's pending state there; DISCARD then removes the event's mapping.
     * As in QEMU, a collection that cannot be read or is unmapped means nothing happens to the LPI,
     * yet the command counts as done.
     */
    private Outcome translate(long deviceId, long eventId, Action action) throws MemoryFault {
        Optional<Translation> found = lookupTranslation(deviceId, eventId);
        if (found.isEmpty()) {
            return Outcome.SKIPPED;
        }
        TranslationEntry entry = found.get().entry();
        if (!entry.physical()) {
            return Outcome.SKIPPED; // a virtual LPI without GICv4: the table was corrupted
        }
        boolean delivered;
        try {
            delivered = lookupCollection(entry.icid()).isPresent();
        } catch (MemoryFault fault) {
            delivered = false;
        }
        if (!delivered) {
            return Outcome.DONE;
        }
        if (action == Action.SET) {
            lpis.setLpiPending(entry.intid());
        } else {
            lpis.clearLpiPending(entry.intid());
        }
        if (action == Action.DISCARD) {
            writeTranslationEntry(found.get().device(), eventId, TranslationEntry.INVALID);
        }
        return Outcome.DONE;
    }

    /** MAPD: maps (Valid) or unmaps the device's ITT; Size is the EventID width minus one. */
    private Outcome mapDevice(long deviceId, int size, long ittAddress, boolean valid) throws MemoryFault {
        if (deviceId >= deviceTable.entries() || size > ID_BITS_FIELD) {
            return Outcome.SKIPPED;
        }
        writeDeviceEntry(deviceId, valid ? new DeviceEntry(true, size, ittAddress) : new DeviceEntry(false, 0, 0));
        return Outcome.DONE;
    }

    /**
     * MAPC: maps (Valid) or unmaps a collection; RDbase is a processor number (GITS_TYPER.PTA = 0)
     * of which QEMU keeps 16 bits, and the only processor here is 0.
     */
    private Outcome mapCollection(int icid, boolean valid, long rdbase) throws MemoryFault {
        if (icid >= collectionTable.entries() || (valid && rdbase >= CPUS)) {
            return Outcome.SKIPPED;
        }
        writeCollectionEntry(icid, new CollectionEntry(valid, valid ? (int) rdbase : 0));
        return Outcome.DONE;
    }

    /** MAPTI and MAPI (whose INTID is the EventID): maps a mapped device's event to an LPI and a collection. */
    private Outcome mapEvent(long deviceId, long eventId, long intid, int icid) throws MemoryFault {
        if (deviceId >= deviceTable.entries()) {
            return Outcome.SKIPPED;
        }
        DeviceEntry device = readDeviceEntry(deviceId);
        if (icid >= collectionTable.entries() || !device.valid() || eventId >= device.events() || !isLpi(intid)) {
            return Outcome.SKIPPED;
        }
        writeTranslationEntry(device, eventId, new TranslationEntry(true, true, (int) intid, icid, 0, NO_DOORBELL));
        return Outcome.DONE;
    }

    private boolean isLpi(long intid) {
        return intid >= FIRST_LPI && intid < 1L << Math.min(lpis.idBits(), 32);
    }

    /**
     * MOVI: gives an event a new collection. Both collections must be mapped; with one CPU they
     * target the same redistributor, so the LPI's pending state stays where it is.
     */
    private Outcome moveEvent(long deviceId, long eventId, int newIcid) throws MemoryFault {
        Optional<Translation> found = lookupTranslation(deviceId, eventId);
        if (found.isEmpty() || !found.get().entry().physical()) {
            return Outcome.SKIPPED;
        }
        TranslationEntry entry = found.get().entry();
        if (lookupCollection(entry.icid()).isEmpty() || lookupCollection(newIcid).isEmpty()) {
            return Outcome.SKIPPED;
        }
        writeTranslationEntry(found.get().device(), eventId, entry.withIcid(newIcid));
        return Outcome.DONE;
    }

    /** MOVALL: moves every pending LPI between two redistributors; with one CPU only 0 to 0, a no-op. */
    private Outcome moveAll(long from, long to) {
        return from >= CPUS || to >= CPUS ? Outcome.SKIPPED : Outcome.DONE;
    }

    /** INV: the redistributor re-reads the configuration of the event's LPI. */
    private Outcome invalidate(long deviceId, long eventId) throws MemoryFault {
        Optional<Translation> found = lookupTranslation(deviceId, eventId);
        if (found.isEmpty() || !found.get().entry().physical()) {
            return Outcome.SKIPPED;
        }
        TranslationEntry entry = found.get().entry();
        if (lookupCollection(entry.icid()).isEmpty()) {
            return Outcome.SKIPPED;
        }
        lpis.lpiConfigurationChanged(entry.intid());
        return Outcome.DONE;
    }

    /**
     * The device's entry and the event's ITT entry, both valid and in range; empty when the command
     * is to be skipped (QEMU's {@code lookup_ite}).
     */
    private Optional<Translation> lookupTranslation(long deviceId, long eventId) throws MemoryFault {
        if (deviceId >= deviceTable.entries()) {
            return Optional.empty();
        }
        DeviceEntry device = readDeviceEntry(deviceId);
        if (!device.valid() || eventId >= device.events()) {
            return Optional.empty();
        }
        TranslationEntry entry = readTranslationEntry(device, eventId);
        return entry.valid() ? Optional.of(new Translation(device, entry)) : Optional.empty();
    }

    /** The collection's valid entry with a target that exists; empty when the command is to be skipped. */
    private Optional<CollectionEntry> lookupCollection(int icid) throws MemoryFault {
        if (icid >= collectionTable.entries()) {
            return Optional.empty();
        }
        CollectionEntry entry = readCollectionEntry(icid);
        return entry.valid() && entry.rdbase() < CPUS ? Optional.of(entry) : Optional.empty();
    }

    // ---- Tables in guest memory, in QEMU's entry formats ----

    /**
     * Where entry {@code index} of {@code table} is: in a flat table, at its index; in a two-level
     * table, in the level-2 page a level-1 entry points to (the one entry format IHI 0069 fixes),
     * or nowhere when that level-1 entry is not valid.
     */
    private OptionalLong entryAddress(Table table, long index) throws MemoryFault {
        if (!table.indirect()) {
            return OptionalLong.of(table.base() + index * TABLE_ENTRY_SIZE);
        }
        long perPage = table.entriesPerPage();
        long level1 = load(table.base() + index / perPage * L1_ENTRY_SIZE, 8);
        if ((level1 & L1_ENTRY_VALID) == 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((level1 & L1_ENTRY_ADDRESS) + index % perPage * TABLE_ENTRY_SIZE);
    }

    /** QEMU's device table entry: Valid in bit 0, Size in bits 5:1, ITT address bits 51:8 in bits 49:6. */
    private DeviceEntry readDeviceEntry(long deviceId) throws MemoryFault {
        OptionalLong at = entryAddress(deviceTable, deviceId);
        if (at.isEmpty()) {
            return new DeviceEntry(false, 0, 0);
        }
        long value = load(at.getAsLong(), 8);
        return new DeviceEntry((value & 1) != 0, (int) (value >>> 1) & 0x1F, (value >>> 6 & (1L << 44) - 1) << 8);
    }

    /** Writes the entry; with no level-2 page for it the write is dropped and the command still counts as done. */
    private void writeDeviceEntry(long deviceId, DeviceEntry entry) throws MemoryFault {
        long value = entry.valid() ? 1 | (long) entry.size() << 1 | (entry.ittAddress() >>> 8) << 6 : 0;
        OptionalLong at = entryAddress(deviceTable, deviceId);
        if (at.isPresent()) {
            store(at.getAsLong(), 8, value);
        }
    }

    /** QEMU's collection table entry: Valid in bit 0, the processor number in bits 16:1. */
    private CollectionEntry readCollectionEntry(int icid) throws MemoryFault {
        OptionalLong at = entryAddress(collectionTable, icid);
        if (at.isEmpty()) {
            return new CollectionEntry(false, 0);
        }
        long value = load(at.getAsLong(), 8);
        return new CollectionEntry((value & 1) != 0, (int) (value >>> 1) & 0xFFFF);
    }

    private void writeCollectionEntry(int icid, CollectionEntry entry) throws MemoryFault {
        long value = entry.valid() ? 1 | (long) entry.rdbase() << 1 : 0;
        OptionalLong at = entryAddress(collectionTable, icid);
        if (at.isPresent()) {
            store(at.getAsLong(), 8, value);
        }
    }

    /**
     * QEMU's 12-byte ITT entry: a doubleword with Valid (bit 0), physical (bit 1), INTID (25:2),
     * ICID (47:32) and vPEID (63:48), then a word with the doorbell INTID (23:0).
     */
    private TranslationEntry readTranslationEntry(DeviceEntry device, long eventId) throws MemoryFault {
        long at = device.ittAddress() + eventId * ITT_ENTRY_SIZE;
        long low = load(at, 8);
        long high = load(at + 8, 4);
        return new TranslationEntry((low & 1) != 0, (low & 2) != 0, (int) (low >>> 2) & 0xFF_FFFF,
                (int) (low >>> 32) & 0xFFFF, (int) (low >>> 48) & 0xFFFF, (int) high & 0xFF_FFFF);
    }

    private void writeTranslationEntry(DeviceEntry device, long eventId, TranslationEntry entry) throws MemoryFault {
        long low = 0;
        long high = 0;
        if (entry.valid()) {
            low = 1 | (entry.physical() ? 2 : 0) | (long) (entry.intid() & 0xFF_FFFF) << 2
                    | (long) (entry.icid() & 0xFFFF) << 32 | (long) (entry.vpeid() & 0xFFFF) << 48;
            high = entry.doorbell() & 0xFF_FFFF;
        }
        long at = device.ittAddress() + eventId * ITT_ENTRY_SIZE;
        store(at, 8, low);
        store(at + 8, 4, high);
    }

    /** A little-endian load of {@code size} (4 or 8) bytes from guest RAM; anything else is a fault. */
    private long load(long gpa, int size) throws MemoryFault {
        MemorySegment bytes = ram(gpa, size);
        return size == 8 ? bytes.get(LE_U64, 0) : Integer.toUnsignedLong(bytes.get(LE_U32, 0));
    }

    /** A little-endian store of {@code size} (4 or 8) bytes to guest RAM, reported as written. */
    private void store(long gpa, int size, long value) throws MemoryFault {
        MemorySegment bytes = ram(gpa, size);
        if (size == 8) {
            bytes.set(LE_U64, 0, value);
        } else {
            bytes.set(LE_U32, 0, (int) value);
        }
        memory.written(new GuestAddress(gpa), size);
    }

    private MemorySegment ram(long gpa, int size) throws MemoryFault {
        GuestAddress at = new GuestAddress(gpa);
        if (memory.ramBytesAt(at, size) != size) {
            throw new MemoryFault(gpa, size);
        }
        return memory.slice(at, size);
    }

    // ---- Device tree ----

    @Override
    public void addDeviceTreeNode(DeviceTreeContext context) {
        // described by the board under the GIC's node (addItsNode)
    }

    /** Adds the ITS's {@code its@...} node under the GIC's node {@code gic}, as QEMU's virt does. */
    public Node addItsNode(Node gic) {
        Node node = gic.addChild("its@" + Long.toHexString(base()));
        node.putU32("phandle", PHANDLE);
        node.putU64("reg", base(), SIZE);
        node.putU32("#msi-cells", 1);
        node.putEmpty("msi-controller");
        node.putString("compatible", "arm,gic-v3-its");
        return node;
    }
}
