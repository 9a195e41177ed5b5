package dev.virtfw.machine.flash;

import static dev.virtfw.machine.flash.CfiSpec.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One bank of CFI parallel NOR flash with the Intel/Sharp command set, answering like QEMU's
 * {@code pflash_cfi01} as hw/arm/virt.c configures it ({@link FlashGeometry#VIRT}), and programming
 * like the Intel command set where QEMU 7.2 falls short.
 *
 * <h2>Bus interface</h2>
 * {@link #read(long, int)} and {@link #write(long, int, long)} take a byte offset into the bank and
 * an access of 1, 2, 4 or 8 bytes; values are little-endian as an AArch64 register holds them.
 * The bank's bus is {@code bankWidth} (4) bytes wide, so an 8-byte access is two 4-byte accesses,
 * lower address first, exactly as QEMU's memory core and Unicorn split it: both give one result.
 *
 * <h2>Fast reads</h2>
 * While {@link #inReadArrayMode()} reads return {@link #array()} unchanged, so a board maps that
 * segment read-only into the guest and sends only writes here; the {@link #onModeChange} listeners
 * run (inside {@code write}) whenever the answer of {@code inReadArrayMode()} changes, so the board
 * can route reads back to {@link #read} while status, identifier or query data is showing.
 *
 * <h2>Command set</h2>
 * Intel AP-646 / StrataFlash: 0xFF Read Array (also 0xF0 and 0x00 as QEMU), 0x90 Read Identifier
 * (manufacturer at word 0, device at word 1, block lock status at word 2 of each block), 0x98 CFI
 * Query, 0x70 Read Status, 0x50 Clear Status, 0x20/0xD0 Block Erase, 0x40 or 0x10 then data Word
 * Program, 0xE8/count/data/0xD0 Write to Buffer, 0x60/0x01 Lock Block, 0x60/0xD0 Unlock Block.
 * Program and erase complete at once; the status register then shows SR.7 ready and any error.
 * A device word address is the bus offset divided by the bank width (the devices are interleaved).
 *
 * <h2>Where this model follows the Intel specification rather than QEMU 7.2</h2>
 * <ul>
 * <li>Write to Buffer: QEMU 7.2 pins the buffer window to the address of the word-count write,
 *     so every buffer program after the first 4 KiB of a block fails (U-Boot's {@code saveenv}
 *     reports "Flash buffer write timeout"). Here the window is the aligned
 *     {@link FlashGeometry#writeBufferBytes()} bytes holding the first data write, as the
 *     specification says; the word count (N-1, taken from one device's lanes) counts bus writes.
 * <li>Programming only clears bits (new = old AND data); QEMU stores the data as is.
 * <li>Block Erase happens on the 0xD0 confirm; QEMU erases when 0x20 arrives. A second cycle that is
 *     neither 0xD0 nor 0xFF is an improper command sequence (SR.5 and SR.4).
 * <li>Clear Status clears the error bits only; QEMU also clears SR.7 (ready).
 * <li>A word count beyond the buffer ({@link FlashGeometry#writeBufferWords()}) is an improper
 *     command sequence; QEMU 7.2 accepts any 16-bit count.
 * <li>Lock bits exist (all clear at power-on, as QEMU reports them): program or erase of a locked
 *     block fails with SR.1; QEMU accepts and ignores lock commands.
 * <li>Any command may follow CFI Query; QEMU ignores every write but 0xFF while in query mode.
 * </ul>
 *
 * <p>Not thread-safe: the board serialises accesses.
 */
public final class PflashCfi01 implements AutoCloseable {

    private static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfShort LE_U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** What the next read returns and how the next write is taken. */
    public enum Mode {
        /** Reads return the flash contents; a write is a command. */
        READ_ARRAY,
        /** Reads return the status register; a write is a command. */
        READ_STATUS,
        /** Reads return identifier codes; a write is a command. */
        READ_IDENTIFIER,
        /** Reads return the CFI query structure; a write is a command. */
        CFI_QUERY,
        /** After 0x40/0x10: the next write is the data to program. */
        PROGRAM_SETUP,
        /** After 0x20: the next write must be 0xD0. */
        ERASE_SETUP,
        /** After 0x60: the next write is 0x01 (lock) or 0xD0 (unlock). */
        LOCK_SETUP,
        /** After 0xE8: the next write is the word count N-1. */
        BUFFER_COUNT,
        /** Collecting the N data writes of a buffer program. */
        BUFFER_DATA,
        /** After the data: the next write must be 0xD0. */
        BUFFER_CONFIRM
    }

    private final FlashGeometry geometry;
    private final FlashStore store;
    private final MemorySegment array;
    private final CfiQueryTable cfi;
    private final BitSet lockedBlocks = new BitSet();
    private final List<Runnable> modeListeners = new ArrayList<>();
    private final List<ContentListener> contentListeners = new ArrayList<>();
    private final MemorySegment writeBuffer;

    private Mode mode = Mode.READ_ARRAY;
    private int status = SR_READY;
    /** Offset of the block a multi-cycle command was given to. */
    private long commandBlock;
    /** Data writes still expected by a buffer program. */
    private int bufferRemaining;
    /** Bank offset of the buffer's window, or -1 before the first data write. */
    private long bufferWindow = -1;
    private boolean bufferFault;
    private IOException storeFailure;

    /**
     * A bank with the given shape over {@code store}, in read-array mode with SR.7 set and every
     * block unlocked, as after reset. The device owns the store from now on ({@link #close()}).
     */
    public PflashCfi01(FlashGeometry geometry, FlashStore store) {
        this.geometry = Objects.requireNonNull(geometry, "geometry");
        this.store = Objects.requireNonNull(store, "store");
        this.array = store.array();
        if (array.byteSize() != geometry.bankSize()) {
            throw new IllegalArgumentException("store holds " + array.byteSize() + " bytes, bank needs "
                    + geometry.bankSize());
        }
        this.cfi = new CfiQueryTable(geometry);
        this.writeBuffer = MemorySegment.ofArray(new byte[geometry.writeBufferBytes()]);
    }

    /**
     * A virt bank backed by a raw image ({@code -drive if=pflash,format=raw,file=IMAGE[,readonly=on]}).
     *
     * @throws FlashImageException the image is missing, not exactly 64 MiB, in use, or unreadable
     */
    public static PflashCfi01 virtBank(Path image, boolean readOnly) throws FlashImageException {
        return virtBank(image, readOnly, JournaledFlashImage.Durability.SYNC_EACH_CHANGE);
    }

    /**
     * As {@link #virtBank(Path, boolean)}, choosing how each change is made durable
     * ({@code cache=unsafe} maps to {@link JournaledFlashImage.Durability#PROCESS_CRASH_ONLY}).
     *
     * @throws FlashImageException the image is missing, not exactly 64 MiB, in use, or unreadable
     */
    public static PflashCfi01 virtBank(Path image, boolean readOnly, JournaledFlashImage.Durability durability)
            throws FlashImageException {
        return virtBank(image, readOnly, durability, FileChannelOpener.DEFAULT);
    }

    /**
     * As {@link #virtBank(Path, boolean, JournaledFlashImage.Durability)}, opening the image's files
     * through {@code files}.
     *
     * @throws FlashImageException the image is missing, not exactly 64 MiB, in use, or unreadable
     */
    public static PflashCfi01 virtBank(Path image, boolean readOnly, JournaledFlashImage.Durability durability,
                                       FileChannelOpener files) throws FlashImageException {
        return new PflashCfi01(FlashGeometry.VIRT,
                JournaledFlashImage.open(image, FlashGeometry.VIRT_BANK_SIZE, readOnly, durability, files));
    }

    /** A virt bank with no drive: volatile and all zero, as in QEMU. */
    public static PflashCfi01 virtBankWithoutDrive() {
        return new PflashCfi01(FlashGeometry.VIRT, new VolatileFlashStore(FlashGeometry.VIRT_BANK_SIZE));
    }

    /**
     * Bank 0 for {@code -bios FILE}: volatile, the firmware at offset 0 and zeros after it, as QEMU
     * loads it (the guest may still program and erase it; nothing reaches the file).
     *
     * @throws FlashImageException the file cannot be read or is larger than the bank
     */
    public static PflashCfi01 virtBankWithFirmware(Path firmware) throws FlashImageException {
        long size;
        try {
            size = Files.size(firmware);
        } catch (IOException e) {
            throw new FlashImageException(firmware, FlashImageException.Reason.IO, e instanceof NoSuchFileException
                    ? "no such file" : "cannot read: " + e.getMessage(), e);
        }
        if (size > FlashGeometry.VIRT_BANK_SIZE) {
            throw new FlashImageException(firmware, FlashImageException.Reason.WRONG_SIZE, "firmware of " + size
                    + " bytes does not fit the " + FlashGeometry.VIRT_BANK_SIZE + "-byte flash bank");
        }
        VolatileFlashStore store = new VolatileFlashStore(FlashGeometry.VIRT_BANK_SIZE);
        try (Arena arena = Arena.ofConfined();
             FileChannel channel = FileChannel.open(firmware, StandardOpenOption.READ)) {
            store.load(channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena));
        } catch (IOException e) {
            store.close();
            throw new FlashImageException(firmware, FlashImageException.Reason.IO, "cannot read: " + e.getMessage(), e);
        }
        return new PflashCfi01(FlashGeometry.VIRT, store);
    }

    /** The bank's shape. */
    public FlashGeometry geometry() {
        return geometry;
    }

    /** The bank's contents (read-only; page aligned when the store maps a file or allocates natively). */
    public MemorySegment array() {
        return array;
    }

    /** Whether reads currently return {@link #array()} unchanged. */
    public boolean inReadArrayMode() {
        return mode == Mode.READ_ARRAY;
    }

    /** The current read/write mode. */
    public Mode mode() {
        return mode;
    }

    /** The status register (one device's byte). */
    public int status() {
        return status;
    }

    /**
     * Registers a listener run whenever {@link #inReadArrayMode()} changes. It runs on the thread
     * that called {@link #write}, before {@code write} returns; it must not call back into this device.
     */
    public void onModeChange(Runnable listener) {
        modeListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Told which bytes of the array a completed program or erase changed. */
    @FunctionalInterface
    public interface ContentListener {
        /** {@code length} bytes at {@code offset} of {@link #array()} now hold new contents. */
        void changed(long offset, long length);
    }

    /**
     * Registers a listener run after every program or erase that changed the array, on the thread
     * that called {@link #write}: a board that executes guest code from the array drops its
     * translated code for that range here. The array never changes while in read-array mode.
     */
    public void onContentChange(ContentListener listener) {
        contentListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * The last failure to make a guest's program or erase durable, if any. The guest saw it as a
     * program or erase error in the status register.
     */
    public Optional<IOException> storeFailure() {
        return Optional.ofNullable(storeFailure);
    }

    /** Back to the reset state: read-array mode, status ready, all blocks unlocked (lock bits are volatile). */
    public void reset() {
        lockedBlocks.clear();
        status = SR_READY;
        abandonBuffer();
        enter(Mode.READ_ARRAY);
    }

    // ---------------------------------------------------------------- reads

    /**
     * Reads {@code size} bytes (1, 2, 4 or 8) at {@code offset}.
     *
     * @throws IllegalArgumentException bad size, or the access is not inside the bank
     */
    public long read(long offset, int size) {
        checkAccess(offset, size);
        if (size == 8) {
            long low = readBus(offset, 4);
            long high = readBus(offset + 4, 4);
            return low | high << 32;
        }
        return readBus(offset, size);
    }

    private long readBus(long offset, int size) {
        return switch (mode) {
            case READ_ARRAY -> readArray(offset, size);
            case READ_IDENTIFIER -> laneValue(identifier(offset), size);
            case CFI_QUERY -> laneValue(cfi.at(wordAddress(offset)), size);
            default -> laneValue(status, size);
        };
    }

    private long readArray(long offset, int size) {
        return switch (size) {
            case 1 -> Byte.toUnsignedLong(array.get(U8, offset));
            case 2 -> Short.toUnsignedLong(array.get(LE_U16, offset));
            default -> Integer.toUnsignedLong(array.get(LE_U32, offset));
        };
    }

    /**
     * One device's answer repeated in every device's lanes of the bus word, cut to the access size.
     * QEMU answers every access with the bus word of the addressed device word, whatever the byte
     * lane, and so does this model.
     */
    private long laneValue(int deviceValue, int size) {
        int width = geometry.deviceWidth() * 8;
        long lane = deviceValue & ((1L << width) - 1);
        long word = 0;
        for (int shift = 0; shift < geometry.bankWidth() * 8; shift += width) {
            word |= lane << shift;
        }
        return word & ((1L << (size * 8)) - 1);
    }

    private long wordAddress(long offset) {
        return offset >>> geometry.wordShift();
    }

    /** Read Identifier answer at a device word address: QEMU decodes only its low 8 bits. */
    private int identifier(long offset) {
        return switch ((int) (wordAddress(offset) & 0xFF)) {
            case ID_MANUFACTURER -> geometry.manufacturerId();
            case ID_DEVICE -> geometry.deviceId();
            case ID_BLOCK_LOCK -> lockedBlocks.get(blockIndex(offset)) ? 1 : 0;
            default -> 0;
        };
    }

    // ---------------------------------------------------------------- writes

    /**
     * Writes {@code size} bytes (1, 2, 4 or 8) of {@code value} at {@code offset}: a command, its
     * argument or data, depending on the mode.
     *
     * @throws IllegalArgumentException bad size, or the access is not inside the bank
     */
    public void write(long offset, int size, long value) {
        checkAccess(offset, size);
        if (size == 8) {
            writeBus(offset, 4, value & 0xFFFF_FFFFL);
            writeBus(offset + 4, 4, value >>> 32);
        } else {
            writeBus(offset, size, value & ((1L << (size * 8)) - 1));
        }
    }

    private void writeBus(long offset, int size, long value) {
        int command = (int) (value & 0xFF);
        switch (mode) {
            case PROGRAM_SETUP -> program(offset, size, value);
            case ERASE_SETUP -> eraseConfirm(command);
            case LOCK_SETUP -> lockConfirm(command);
            case BUFFER_COUNT -> bufferCount(value);
            case BUFFER_DATA -> bufferData(offset, size, value);
            case BUFFER_CONFIRM -> bufferConfirm(command);
            default -> command(offset, command);
        }
    }

    /** A write while the device accepts a command (any read mode). */
    private void command(long offset, int command) {
        switch (command) {
            case CMD_READ_ARRAY, CMD_AMD_RESET, CMD_QEMU_READ_ARRAY -> enter(Mode.READ_ARRAY);
            case CMD_READ_STATUS -> enter(Mode.READ_STATUS);
            case CMD_READ_ID -> enter(Mode.READ_IDENTIFIER);
            case CMD_CFI_QUERY -> enter(Mode.CFI_QUERY);
            case CMD_CLEAR_STATUS -> {
                // Clears the error bits; SR.7 keeps showing the (always idle) state machine.
                // QEMU returns to read-array mode afterwards; so does this model.
                status &= ~SR_ERROR_BITS;
                enter(Mode.READ_ARRAY);
            }
            case CMD_PROGRAM, CMD_PROGRAM_ALT -> enter(Mode.PROGRAM_SETUP);
            case CMD_BLOCK_ERASE -> {
                commandBlock = blockBase(offset);
                enter(Mode.ERASE_SETUP);
            }
            case CMD_LOCK_SETUP -> {
                commandBlock = blockBase(offset);
                enter(Mode.LOCK_SETUP);
            }
            case CMD_WRITE_TO_BUFFER -> {
                commandBlock = blockBase(offset);
                abandonBuffer();
                enter(Mode.BUFFER_COUNT);
            }
            // An unknown command: QEMU logs it and returns to read-array mode.
            default -> enter(Mode.READ_ARRAY);
        }
    }

    private void program(long offset, int size, long value) {
        if (!mayChange(offset, SR_PROGRAM_ERROR)) {
            enter(Mode.READ_STATUS);
            return;
        }
        MemorySegment data = MemorySegment.ofArray(new byte[size]);
        for (int i = 0; i < size; i++) {
            byte old = array.get(U8, offset + i);
            data.set(U8, i, (byte) (old & (value >>> (8 * i))));
        }
        persist(offset, data, SR_PROGRAM_ERROR);
        enter(Mode.READ_STATUS);
    }

    private void eraseConfirm(int command) {
        if (command == CMD_CONFIRM) {
            if (mayChange(commandBlock, SR_ERASE_ERROR)) {
                try {
                    store.fill(commandBlock, geometry.blockSize(), (byte) 0xFF);
                    contentChanged(commandBlock, geometry.blockSize());
                } catch (IOException e) {
                    storeFailure = e;
                    status |= SR_ERASE_ERROR;
                }
            }
            enter(Mode.READ_STATUS);
        } else if (command == CMD_READ_ARRAY) {
            enter(Mode.READ_ARRAY);
        } else {
            status |= SR_COMMAND_SEQUENCE_ERROR;
            enter(Mode.READ_STATUS);
        }
    }

    private void lockConfirm(int command) {
        int block = blockIndex(commandBlock);
        switch (command) {
            case CMD_LOCK_BLOCK, CMD_LOCK_DOWN -> {
                lockedBlocks.set(block);
                enter(Mode.READ_STATUS);
            }
            case CMD_CONFIRM -> {
                lockedBlocks.clear(block);
                enter(Mode.READ_STATUS);
            }
            case CMD_READ_ARRAY -> enter(Mode.READ_ARRAY);
            default -> {
                status |= SR_COMMAND_SEQUENCE_ERROR;
                enter(Mode.READ_STATUS);
            }
        }
    }

    /** The word count: N-1 in one device's lanes (each device receives the same count). */
    private void bufferCount(long value) {
        long count = value & ((1L << (geometry.deviceWidth() * 8)) - 1);
        if (count >= geometry.writeBufferWords()) {
            status |= SR_COMMAND_SEQUENCE_ERROR;
            enter(Mode.READ_STATUS);
            return;
        }
        bufferRemaining = (int) count + 1;
        bufferWindow = -1;
        bufferFault = false;
        writeBuffer.fill((byte) 0xFF);
        enter(Mode.BUFFER_DATA);
    }

    private void bufferData(long offset, int size, long value) {
        if (bufferWindow < 0) {
            bufferWindow = offset & -(long) geometry.writeBufferBytes();
        }
        long at = offset - bufferWindow;
        if (at < 0 || at + size > geometry.writeBufferBytes() || blockBase(offset) != commandBlock) {
            bufferFault = true;                 // outside the buffer's window or the command's block
        } else {
            for (int i = 0; i < size; i++) {
                writeBuffer.set(U8, at + i, (byte) (value >>> (8 * i)));
            }
        }
        if (--bufferRemaining == 0) {
            enter(Mode.BUFFER_CONFIRM);
        }
    }

    private void bufferConfirm(int command) {
        if (command != CMD_CONFIRM) {
            status |= SR_COMMAND_SEQUENCE_ERROR;
        } else if (bufferFault) {
            status |= SR_PROGRAM_ERROR;
        } else if (mayChange(bufferWindow, SR_PROGRAM_ERROR)) {
            int length = geometry.writeBufferBytes();
            MemorySegment result = MemorySegment.ofArray(new byte[length]);
            for (int i = 0; i < length; i++) {
                result.set(U8, i, (byte) (array.get(U8, bufferWindow + i) & writeBuffer.get(U8, i)));
            }
            persist(bufferWindow, result, SR_PROGRAM_ERROR);
        }
        abandonBuffer();
        enter(Mode.READ_STATUS);
    }

    private void abandonBuffer() {
        bufferWindow = -1;
        bufferRemaining = 0;
        bufferFault = false;
    }

    /** Checks write protection of the block holding {@code offset}; on refusal sets the error bits. */
    private boolean mayChange(long offset, int errorBit) {
        if (!store.writable()) {
            status |= errorBit;                 // QEMU: read-only drive
            return false;
        }
        if (lockedBlocks.get(blockIndex(offset))) {
            status |= errorBit | SR_BLOCK_LOCKED;
            return false;
        }
        return true;
    }

    private void persist(long offset, MemorySegment data, int errorBit) {
        try {
            store.write(offset, data);
            contentChanged(offset, data.byteSize());
        } catch (IOException e) {
            storeFailure = e;
            status |= errorBit;
        }
    }

    private void contentChanged(long offset, long length) {
        for (ContentListener listener : contentListeners) {
            listener.changed(offset, length);
        }
    }

    private void enter(Mode next) {
        boolean wasArray = mode == Mode.READ_ARRAY;
        mode = next;
        if (wasArray != (next == Mode.READ_ARRAY)) {
            for (Runnable listener : modeListeners) {
                listener.run();
            }
        }
    }

    private long blockBase(long offset) {
        return offset & -(long) geometry.blockSize();
    }

    private int blockIndex(long offset) {
        return (int) (offset / geometry.blockSize());
    }

    private void checkAccess(long offset, int size) {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException("flash access size must be 1, 2, 4 or 8 bytes: " + size);
        }
        if (offset < 0 || offset > geometry.bankSize() - size) {
            throw new IllegalArgumentException("flash access of " + size + " bytes at 0x" + Long.toHexString(offset)
                    + " is outside the " + geometry.bankSize() + "-byte bank");
        }
    }

    /** Closes the store: makes the contents durable and releases the file. */
    @Override
    public void close() throws IOException {
        store.close();
    }
}
