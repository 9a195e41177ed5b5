package dev.virtfw.machine.flash;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A bank backed by a raw image file ({@code -drive if=pflash,format=raw,file=PATH}).
 *
 * <p>The file must be exactly as large as the bank, as QEMU requires. The contents are mapped
 * copy-on-write ({@link FileChannel.MapMode#PRIVATE}): the guest reads the page cache directly and
 * nothing the guest does reaches the file except through {@link #write} and {@link #fill}, which
 * the device calls once per completed program, buffer program or block erase. Each such change is
 * first appended to a write-ahead journal ({@code <image>.journal}, see {@link FlashJournal}) and
 * forced to disk, then written to the image; a change interrupted by a crash is completed from the
 * journal when the image is next opened, a change whose journal record is incomplete never reached
 * the image. So a run killed at any moment leaves each change wholly done or wholly undone. The
 * journal is folded into the image (image forced, journal emptied) when it passes
 * {@link #CHECKPOINT_BYTES} and on {@link #close()}, which also deletes it.
 *
 * <p>The journal file is locked while the image is open: a second process (or a second bank in
 * this one) opening the same image for writing is refused. Not thread-safe: one caller at a time.
 */
public final class JournaledFlashImage implements FlashStore {
    /** How far a completed change is made durable before the guest sees it complete. */
    public enum Durability {
        /**
         * The journal record is forced to disk (fdatasync) before the image is written: each change
         * survives a killed process, an operating-system crash and a power cut. About 2-10 ms per
         * change on this project's test machine (ext4 on a virtual disk).
         */
        SYNC_EACH_CHANGE,
        /**
         * The journal record and the image are written but not forced (QEMU's cache=unsafe): each
         * change still survives a killed process whole or not at all; an operating-system crash
         * may lose or tear recent changes. The image is forced at checkpoints and on close.
         */
        PROCESS_CRASH_ONLY
    }

    /** Journal size past which the journal is folded into the image. */
    static final long CHECKPOINT_BYTES = 1L << 20;
    /** Suffix of the journal file's name, appended to the image's file name. */
    public static final String JOURNAL_SUFFIX = ".journal";

    private final Path image;
    private final boolean writable;
    private final FileChannel imageChannel;
    private final FileChannel journalChannel;
    private final FileLock lock;
    private final FlashJournal journal;
    private final Arena arena;
    private final MemorySegment array;
    private final Path journalPath;
    private final Durability durability;
    private ByteBuffer fillBuffer;
    private boolean closed;

    private JournaledFlashImage(Path image, boolean writable, FileChannel imageChannel, FileChannel journalChannel,
                                FileLock lock, FlashJournal journal, Arena arena, MemorySegment array,
                                Path journalPath, Durability durability) {
        this.image = image;
        this.writable = writable;
        this.imageChannel = imageChannel;
        this.journalChannel = journalChannel;
        this.lock = lock;
        this.journal = journal;
        this.arena = arena;
        this.array = array;
        this.journalPath = journalPath;
        this.durability = durability;
    }

    /** The journal file that belongs to {@code image}. */
    public static Path journalOf(Path image) {
        return image.resolveSibling(image.getFileName() + JOURNAL_SUFFIX);
    }

    /**
     * Opens an image of exactly {@code bankSize} bytes, completing any change a crashed run left in
     * its journal.
     *
     * @param readOnly map the image read-only; the guest's program and erase commands then fail
     *                 with the status register's error bits, as QEMU does for {@code readonly=on}
     * @throws FlashImageException the file is missing, unreadable, of another size, in use, or has
     *                             a pending journal while opened read-only
     */
    public static JournaledFlashImage open(Path image, long bankSize, boolean readOnly) throws FlashImageException {
        return open(image, bankSize, readOnly, Durability.SYNC_EACH_CHANGE);
    }

    /**
     * As {@link #open(Path, long, boolean)}, choosing how each change is made durable.
     *
     * @throws FlashImageException the file is missing, unreadable, of another size, in use, or has
     *                             a pending journal while opened read-only
     */
    public static JournaledFlashImage open(Path image, long bankSize, boolean readOnly, Durability durability)
            throws FlashImageException {
        return open(image, bankSize, readOnly, durability, FileChannelOpener.DEFAULT);
    }

    /**
     * As {@link #open(Path, long, boolean, Durability)}, opening the image and its journal through
     * {@code files}.
     *
     * @throws FlashImageException the file is missing, unreadable, of another size, in use, or has
     *                             a pending journal while opened read-only
     */
    public static JournaledFlashImage open(Path image, long bankSize, boolean readOnly, Durability durability,
                                           FileChannelOpener files) throws FlashImageException {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(files, "files");
        long actual;
        try {
            if (!Files.isRegularFile(image)) {
                throw new FlashImageException(image, FlashImageException.Reason.IO,
                        Files.exists(image) ? "not a regular file" : "no such file");
            }
            actual = Files.size(image);
        } catch (IOException e) {
            throw new FlashImageException(image, FlashImageException.Reason.IO, "cannot read: " + describe(e), e);
        }
        if (actual != bankSize) {
            throw new FlashImageException(image, FlashImageException.Reason.WRONG_SIZE,
                    "flash image is " + actual + " bytes; a flash bank needs exactly " + bankSize + " bytes ("
                            + (bankSize >> 20) + " MiB), e.g. truncate -s " + (bankSize >> 20) + "M " + image);
        }
        Path journalPath = journalOf(image);
        return readOnly ? openReadOnly(image, bankSize, journalPath, files)
                : openWritable(image, bankSize, journalPath, durability, files);
    }

    private static JournaledFlashImage openReadOnly(Path image, long bankSize, Path journalPath,
                                                    FileChannelOpener files) throws FlashImageException {
        if (Files.exists(journalPath)) {
            try (FileChannel j = files.open(journalPath, StandardOpenOption.READ)) {
                if (!FlashJournal.read(j, bankSize).changes().isEmpty()) {
                    throw new FlashImageException(image, FlashImageException.Reason.IO, "has unfinished writes in "
                            + journalPath + "; open it once writable to complete them");
                }
            } catch (IOException e) {
                throw new FlashImageException(image, FlashImageException.Reason.IO,
                        "cannot read its journal " + journalPath + ": " + describe(e), e);
            }
        }
        FileChannel channel = null;
        Arena arena = Arena.ofShared();
        try {
            channel = files.open(image, StandardOpenOption.READ);
            MemorySegment array = channel.map(FileChannel.MapMode.READ_ONLY, 0, bankSize, arena);
            return new JournaledFlashImage(image, false, channel, null, null, null, arena, array, journalPath,
                    Durability.PROCESS_CRASH_ONLY);
        } catch (IOException e) {
            arena.close();
            closeQuietly(channel);
            throw new FlashImageException(image, FlashImageException.Reason.IO, "cannot open: " + describe(e), e);
        }
    }

    private static JournaledFlashImage openWritable(Path image, long bankSize, Path journalPath,
                                                    Durability durability, FileChannelOpener files)
            throws FlashImageException {
        FileChannel imageChannel = null;
        FileChannel journalChannel = null;
        Arena arena = Arena.ofShared();
        try {
            imageChannel = files.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE);
            journalChannel = files.open(journalPath, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE);
            FileLock lock;
            try {
                lock = journalChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new FlashImageException(image, FlashImageException.Reason.IN_USE,
                        "in use by another flash bank or process (" + journalPath + " is locked)");
            }
            FlashJournal.Contents pending = FlashJournal.read(journalChannel, bankSize);
            if (pending.hasHeader() && pending.imageSize() != bankSize) {
                throw new FlashImageException(image, FlashImageException.Reason.FOREIGN_JOURNAL,
                        "its journal " + journalPath + " was written for an image of " + pending.imageSize()
                                + " bytes; remove the journal if the image was replaced on purpose");
            }
            replay(imageChannel, pending);
            FlashJournal journal = FlashJournal.start(journalChannel, bankSize, pending.epoch() + 1);
            MemorySegment array = imageChannel.map(FileChannel.MapMode.PRIVATE, 0, bankSize, arena);
            return new JournaledFlashImage(image, true, imageChannel, journalChannel, lock, journal, arena, array,
                    journalPath, durability);
        } catch (FlashImageException e) {
            arena.close();
            closeQuietly(journalChannel);
            closeQuietly(imageChannel);
            throw e;
        } catch (IOException e) {
            arena.close();
            closeQuietly(journalChannel);
            closeQuietly(imageChannel);
            throw new FlashImageException(image, FlashImageException.Reason.IO, "cannot open for writing: "
                    + describe(e), e);
        }
    }

    /** Applies a crashed run's complete journal records to the image and forces it to disk. */
    private static void replay(FileChannel imageChannel, FlashJournal.Contents pending) throws IOException {
        if (pending.changes().isEmpty()) {
            return;
        }
        for (FlashJournal.Change change : pending.changes()) {
            if (change.kind() == FlashJournal.KIND_DATA) {
                FlashJournal.writeFully(imageChannel, ByteBuffer.wrap(change.data()), change.offset());
            } else {
                writeFill(imageChannel, change.offset(), change.length(), change.fill(), null);
            }
        }
        imageChannel.force(false);
    }

    @Override
    public MemorySegment array() {
        return array.asReadOnly();
    }

    @Override
    public boolean writable() {
        return writable;
    }

    /** The image file. */
    public Path image() {
        return image;
    }

    @Override
    public void write(long offset, MemorySegment data) throws IOException {
        checkWritable(offset, data.byteSize());
        if (data.byteSize() == 0) {
            return;
        }
        journal.appendData(offset, data, durability == Durability.SYNC_EACH_CHANGE);
        MemorySegment.copy(data, 0, array, offset, data.byteSize());
        FlashJournal.writeFully(imageChannel, data.asByteBuffer(), offset);
        checkpointIfLarge();
    }

    @Override
    public void fill(long offset, long length, byte value) throws IOException {
        checkWritable(offset, length);
        if (length == 0) {
            return;
        }
        journal.appendFill(offset, length, value, durability == Durability.SYNC_EACH_CHANGE);
        array.asSlice(offset, length).fill(value);
        fillBuffer = writeFill(imageChannel, offset, length, value, fillBuffer);
        checkpointIfLarge();
    }

    private void checkWritable(long offset, long length) {
        if (closed || !writable) {
            throw new IllegalStateException(closed ? "flash image closed: " + image : "flash image is read-only: "
                    + image);
        }
        Objects.checkFromIndexSize(offset, length, array.byteSize());
    }

    private static ByteBuffer writeFill(FileChannel channel, long offset, long length, byte value, ByteBuffer reuse)
            throws IOException {
        int chunk = (int) Math.min(length, 256 << 10);
        ByteBuffer buffer = reuse;
        if (buffer == null || buffer.capacity() < chunk || buffer.get(0) != value) {
            buffer = ByteBuffer.allocate(Math.max(chunk, reuse == null ? 0 : reuse.capacity()));
            java.util.Arrays.fill(buffer.array(), value);
        }
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(length - done, buffer.capacity());
            FlashJournal.writeFully(channel, buffer.clear().limit(n), offset + done);
            done += n;
        }
        return buffer;
    }

    private void checkpointIfLarge() throws IOException {
        if (journal.size() >= CHECKPOINT_BYTES) {
            checkpoint();
        }
    }

    private void checkpoint() throws IOException {
        imageChannel.force(false);
        journal.reset();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        try {
            if (writable) {
                String step = "the final sync of the image";
                try {
                    imageChannel.force(false);
                    step = "removing the journal";
                    Files.deleteIfExists(journalPath);
                } catch (IOException e) {
                    failure = new IOException(step + " failed: " + describe(e), e);
                }
            }
        } finally {
            arena.close();
            try {
                if (lock != null) {
                    lock.release();
                }
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
            closeQuietly(journalChannel);
            closeQuietly(imageChannel);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
        }
    }

    /** One line for the user: what failed, naming the file when it is not the image (the journal). */
    private static String describe(IOException e) {
        String what;
        if (e instanceof NoSuchFileException) {
            what = "no such file";
        } else if (e instanceof AccessDeniedException) {
            what = "permission denied";
        } else if (e instanceof FileSystemException f && f.getReason() != null) {
            what = f.getReason();
        } else if (e instanceof DirectoryNotEmptyException) {
            what = "a non-empty directory is in the way";
        } else {
            what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (e instanceof FileSystemException f && f.getFile() != null && f.getFile().endsWith(JOURNAL_SUFFIX)) {
            return what + " (" + f.getFile() + ")";
        }
        return what;
    }
}
