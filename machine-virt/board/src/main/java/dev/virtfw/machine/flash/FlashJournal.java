package dev.virtfw.machine.flash;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The write-ahead journal kept beside a flash image. Every change the guest completes is appended
 * here and forced to disk before it is written into the image, so a run that dies at any moment
 * leaves, for each change, either the old bytes or the new bytes: a change whose record is whole
 * is (re)applied at the next open, a change whose record is torn was never written to the image.
 *
 * <pre>
 * file header, 24 bytes:  magic "VFWPFJ01" | u64 image size | u64 epoch
 * record, 36 + n + 4:     u32 RECORD_MAGIC | u16 kind | u16 fill byte | u64 epoch | u64 sequence
 *                         | u64 offset | u32 n | n data bytes (DATA only) | u32 CRC-32C of all before it
 * </pre>
 * All numbers are little-endian. A record counts only if its epoch equals the header's and its
 * sequence number is the previous record's plus one (the first is 0): bytes left over from an
 * earlier epoch can never be replayed. A checkpoint (image forced to disk, then a new header with
 * the next epoch) empties the journal.
 */
final class FlashJournal {
    static final byte[] FILE_MAGIC = "VFWPFJ01".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final int HEADER_SIZE = 24;
    static final int RECORD_MAGIC = 0x5246_4A52;        // "RJFR" in file order
    static final int RECORD_HEADER_SIZE = 36;
    static final int CRC_SIZE = 4;
    static final int KIND_DATA = 1;
    static final int KIND_FILL = 2;

    static final ValueLayout.OfInt LE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort LE_U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LE_U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final int OFF_MAGIC = 0, OFF_KIND = 4, OFF_FILL = 6, OFF_EPOCH = 8, OFF_SEQUENCE = 16,
            OFF_OFFSET = 24, OFF_LENGTH = 32;
    private static final int HDR_MAGIC = 0, HDR_IMAGE_SIZE = 8, HDR_EPOCH = 16;

    /** One change: {@code data} for DATA records, {@code null} with {@code fill} for FILL records. */
    record Change(int kind, long offset, long length, byte fill, byte[] data) {}

    /** What a journal file holds: its header fields (absent if empty or torn) and its valid changes. */
    record Contents(boolean hasHeader, long imageSize, long epoch, List<Change> changes) {}

    private final FileChannel channel;
    private final long imageSize;
    private long epoch;
    private long sequence;
    private long end;

    private FlashJournal(FileChannel channel, long imageSize, long epoch) {
        this.channel = channel;
        this.imageSize = imageSize;
        this.epoch = epoch;
    }

    /** Starts an empty journal at {@code epoch} in {@code channel}, replacing whatever it held. */
    static FlashJournal start(FileChannel channel, long imageSize, long epoch) throws IOException {
        FlashJournal journal = new FlashJournal(channel, imageSize, epoch);
        journal.writeHeader();
        return journal;
    }

    long epoch() {
        return epoch;
    }

    /** Bytes in the journal file that are in use. */
    long size() {
        return end;
    }

    /** Appends a record that sets {@code data.byteSize()} bytes at {@code offset}; forces it if {@code sync}. */
    void appendData(long offset, MemorySegment data, boolean sync) throws IOException {
        append(KIND_DATA, offset, data.byteSize(), (byte) 0, data, sync);
    }

    /** Appends a record that sets {@code length} bytes at {@code offset} to {@code fill}; forces it if {@code sync}. */
    void appendFill(long offset, long length, byte fill, boolean sync) throws IOException {
        append(KIND_FILL, offset, length, fill, null, sync);
    }

    private void append(int kind, long offset, long length, byte fill, MemorySegment data, boolean sync)
            throws IOException {
        int dataBytes = data == null ? 0 : Math.toIntExact(length);
        byte[] record = new byte[RECORD_HEADER_SIZE + dataBytes + CRC_SIZE];
        MemorySegment r = MemorySegment.ofArray(record);
        r.set(LE_U32, OFF_MAGIC, RECORD_MAGIC);
        r.set(LE_U16, OFF_KIND, (short) kind);
        r.set(LE_U16, OFF_FILL, (short) (fill & 0xFF));
        r.set(LE_U64, OFF_EPOCH, epoch);
        r.set(LE_U64, OFF_SEQUENCE, sequence);
        r.set(LE_U64, OFF_OFFSET, offset);
        r.set(LE_U32, OFF_LENGTH, Math.toIntExact(length));
        if (data != null) {
            MemorySegment.copy(data, 0, r, RECORD_HEADER_SIZE, dataBytes);
        }
        r.set(LE_U32, RECORD_HEADER_SIZE + dataBytes, crc(record, 0, RECORD_HEADER_SIZE + dataBytes));
        writeFully(channel, ByteBuffer.wrap(record), end);
        if (sync) {
            channel.force(false);
        }
        end += record.length;
        sequence++;
    }

    /** Starts the next epoch: the records written so far will never be replayed again. */
    void reset() throws IOException {
        epoch++;
        sequence = 0;
        writeHeader();
    }

    private void writeHeader() throws IOException {
        byte[] header = new byte[HEADER_SIZE];
        MemorySegment h = MemorySegment.ofArray(header);
        MemorySegment.copy(MemorySegment.ofArray(FILE_MAGIC), 0, h, HDR_MAGIC, FILE_MAGIC.length);
        h.set(LE_U64, HDR_IMAGE_SIZE, imageSize);
        h.set(LE_U64, HDR_EPOCH, epoch);
        writeFully(channel, ByteBuffer.wrap(header), 0);
        channel.force(false);
        end = HEADER_SIZE;
        channel.truncate(HEADER_SIZE);
    }

    /**
     * Reads a journal: its header and every record up to the first one that is torn, corrupt, out
     * of sequence, from another epoch, or outside an image of {@code imageSize} bytes.
     */
    static Contents read(FileChannel channel, long imageSize) throws IOException {
        long size = channel.size();
        if (size < HEADER_SIZE) {
            return new Contents(false, 0, 0, List.of());
        }
        byte[] header = new byte[HEADER_SIZE];
        readFully(channel, ByteBuffer.wrap(header), 0);
        MemorySegment h = MemorySegment.ofArray(header);
        if (!Arrays.equals(header, 0, FILE_MAGIC.length, FILE_MAGIC, 0, FILE_MAGIC.length)) {
            return new Contents(false, 0, 0, List.of());
        }
        long recordedSize = h.get(LE_U64, HDR_IMAGE_SIZE);
        long epoch = h.get(LE_U64, HDR_EPOCH);
        List<Change> changes = new ArrayList<>();
        if (recordedSize != imageSize) {
            return new Contents(true, recordedSize, epoch, changes);
        }
        long position = HEADER_SIZE;
        byte[] head = new byte[RECORD_HEADER_SIZE];
        while (position + RECORD_HEADER_SIZE + CRC_SIZE <= size) {
            readFully(channel, ByteBuffer.wrap(head), position);
            MemorySegment r = MemorySegment.ofArray(head);
            int kind = r.get(LE_U16, OFF_KIND);
            long offset = r.get(LE_U64, OFF_OFFSET);
            long length = Integer.toUnsignedLong(r.get(LE_U32, OFF_LENGTH));
            boolean plausible = r.get(LE_U32, OFF_MAGIC) == RECORD_MAGIC
                    && (kind == KIND_DATA || kind == KIND_FILL)
                    && r.get(LE_U64, OFF_EPOCH) == epoch
                    && r.get(LE_U64, OFF_SEQUENCE) == changes.size()
                    && offset >= 0 && length > 0 && length <= imageSize - offset;
            if (!plausible) {
                break;
            }
            long dataBytes = kind == KIND_DATA ? length : 0;
            long recordBytes = RECORD_HEADER_SIZE + dataBytes + CRC_SIZE;
            if (recordBytes > size - position) {
                break;                                  // torn tail
            }
            byte[] record = new byte[Math.toIntExact(recordBytes)];
            readFully(channel, ByteBuffer.wrap(record), position);
            int stored = MemorySegment.ofArray(record).get(LE_U32, RECORD_HEADER_SIZE + dataBytes);
            if (stored != crc(record, 0, Math.toIntExact(RECORD_HEADER_SIZE + dataBytes))) {
                break;
            }
            byte fill = (byte) r.get(LE_U16, OFF_FILL);
            byte[] data = kind == KIND_DATA
                    ? Arrays.copyOfRange(record, RECORD_HEADER_SIZE, Math.toIntExact(RECORD_HEADER_SIZE + dataBytes))
                    : null;
            changes.add(new Change(kind, offset, length, fill, data));
            position += recordBytes;
        }
        return new Contents(true, recordedSize, epoch, changes);
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new java.io.EOFException("journal ends at " + at);
            }
            at += n;
        }
    }
}
