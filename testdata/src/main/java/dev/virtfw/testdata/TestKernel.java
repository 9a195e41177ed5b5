package dev.virtfw.testdata;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * Writes the test kernel padded to a chosen size, so that loading it is real
 * work: the built image, then deterministic pseudo-random bytes (see
 * {@link DeterministicBytes}, SplitMix64 from the seed), with {@code image_size}
 * in the arm64 Image header set to the padded size (and optionally another
 * {@code text_offset}). The kernel prints the
 * CRC-32 of its padding ({@code KERNEL padding bytes=<n> crc32=<hex>}), which
 * {@link Image#paddingCrc32()} predicts.
 */
public final class TestKernel {
    /** Size of the arm64 Image header (Documentation/arch/arm64/booting.rst). */
    public static final int IMAGE_HEADER_SIZE = 64;
    /** Offset of {@code text_offset} (u64, little-endian). */
    public static final long IMAGE_TEXT_OFFSET = 8;
    /** Offset of {@code image_size} (u64, little-endian). */
    public static final long IMAGE_IMAGE_SIZE = 16;
    /** Offset of {@code flags} (u64, little-endian). */
    public static final long IMAGE_FLAGS = 24;
    /** Offset of the magic (u32, little-endian). */
    public static final long IMAGE_MAGIC = 56;
    /** "ARM\x64" read as a little-endian u32. */
    public static final int ARM64_IMAGE_MAGIC = 0x644d5241;
    /** Largest padded size accepted (the virt board's default RAM is 128 MiB). */
    public static final long MAX_SIZE = 1L << 30;
    /** The built kernel's {@code text_offset}. */
    public static final long DEFAULT_TEXT_OFFSET = 0x80000;
    /** Boot loaders place the Image at a 2 MiB-aligned base plus {@code text_offset}. */
    public static final long IMAGE_BASE_ALIGN = 2L << 20;
    /** {@code text_offset} must keep the kernel's 2 KiB-aligned vector table aligned: use whole pages. */
    public static final long TEXT_OFFSET_ALIGN = 4096;

    private static final ValueLayout.OfLong LE_U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TestKernel() {
    }

    /**
     * What was written.
     *
     * @param path          the padded kernel
     * @param size          its length, also its header's {@code image_size}
     * @param textOffset    the header's {@code text_offset}
     * @param builtSize     length of the built kernel; the padding starts here
     * @param paddingCrc32  CRC-32 of the {@code size - builtSize} padding bytes
     * @param crc32         CRC-32 of the whole file
     */
    public record Image(Path path, long size, long textOffset, long builtSize, long paddingCrc32, long crc32) {
    }

    /** Length of the built kernel, the smallest size {@link #write} accepts. */
    public static long builtSize() {
        return TestData.bytes(Firmware.TEST_KERNEL).length;
    }

    /**
     * Writes the kernel padded to {@code size} bytes into {@code out}.
     *
     * @throws IllegalArgumentException when size is below {@link #builtSize()} or above {@link #MAX_SIZE}
     */
    public static Image write(Path out, long size, long seed) throws IOException {
        return write(out, size, seed, DEFAULT_TEXT_OFFSET);
    }

    /**
     * As {@link #write(Path, long, long)} with another {@code text_offset}
     * (the kernel is position-independent; this moves where loaders put it).
     *
     * @throws IllegalArgumentException also when textOffset is not a multiple of
     *         {@link #TEXT_OFFSET_ALIGN} below {@link #IMAGE_BASE_ALIGN}
     */
    public static Image write(Path out, long size, long seed, long textOffset) throws IOException {
        if (textOffset < 0 || textOffset >= IMAGE_BASE_ALIGN || textOffset % TEXT_OFFSET_ALIGN != 0) {
            throw new IllegalArgumentException("text_offset 0x" + Long.toHexString(textOffset)
                    + " is not a multiple of 0x1000 below 2 MiB");
        }
        byte[] kernel = TestData.bytes(Firmware.TEST_KERNEL);
        if (size < kernel.length || size > MAX_SIZE) {
            throw new IllegalArgumentException(
                    "kernel size " + size + " outside [" + kernel.length + ", " + MAX_SIZE + "]");
        }
        MemorySegment header = MemorySegment.ofArray(kernel);
        if (header.get(LE_U32, IMAGE_MAGIC) != ARM64_IMAGE_MAGIC) {
            throw new IllegalStateException("the built test kernel has no arm64 Image magic");
        }
        long builtImageSize = header.get(LE_U64, IMAGE_IMAGE_SIZE);
        header.set(LE_U64, IMAGE_IMAGE_SIZE, Math.max(size, builtImageSize));
        header.set(LE_U64, IMAGE_TEXT_OFFSET, textOffset);
        CRC32 whole = new CRC32();
        CRC32 padding = new CRC32();
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.wrap(kernel);
            while (head.hasRemaining()) {
                ch.write(head);
            }
            whole.update(kernel);
            new DeterministicBytes(seed).write(ch, size - kernel.length, whole, padding);
        }
        return new Image(out, size, header.get(LE_U64, IMAGE_TEXT_OFFSET), kernel.length, padding.getValue(),
                whole.getValue());
    }
}
