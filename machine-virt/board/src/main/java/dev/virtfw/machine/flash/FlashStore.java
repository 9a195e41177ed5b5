package dev.virtfw.machine.flash;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Where a bank's contents live. The array is what the guest reads; changes go through
 * {@link #write} and {@link #fill} so a store that keeps a file can make each change durable
 * before the guest sees it complete.
 */
public sealed interface FlashStore extends AutoCloseable permits VolatileFlashStore, JournaledFlashImage {

    /** The bank's contents, {@code bankSize} bytes, page aligned; the caller must not write to it. */
    MemorySegment array();

    /** Whether the guest may change the contents (false for a read-only image). */
    boolean writable();

    /**
     * Replaces {@code data.byteSize()} bytes at {@code offset} with {@code data}.
     *
     * @throws IOException the change could not be made durable; the array is then unchanged
     */
    void write(long offset, MemorySegment data) throws IOException;

    /**
     * Sets {@code length} bytes at {@code offset} to {@code value}.
     *
     * @throws IOException the change could not be made durable; the array is then unchanged
     */
    void fill(long offset, long length, byte value) throws IOException;

    /** Makes everything durable and releases the file and memory; the array is invalid afterwards. */
    @Override
    void close() throws IOException;
}
