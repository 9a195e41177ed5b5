package dev.virtfw.machine.boot;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The arm64 Linux Image header (Documentation/arch/arm64/booting.rst): text_offset at 8 and
 * image_size at 16 (little-endian 64-bit), the magic "ARM\x64" at 56.
 */
public record ArmImageHeader(long textOffset, long imageSize) {
    static final ValueLayout.OfLong LE_U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final long TEXT_OFFSET_AT = 8;
    static final long IMAGE_SIZE_AT = 16;
    static final long MAGIC_AT = 56;
    /** "ARM\x64" read as a little-endian 32-bit value. */
    static final int ARM64_MAGIC = 0x644D5241;
    static final long HEADER_SIZE = 64;

    /** The header, if {@code image} starts with one. */
    public static Optional<ArmImageHeader> parse(MemorySegment image) {
        if (image.byteSize() < HEADER_SIZE || image.get(LE_U32, MAGIC_AT) != ARM64_MAGIC) {
            return Optional.empty();
        }
        return Optional.of(new ArmImageHeader(image.get(LE_U64, TEXT_OFFSET_AT), image.get(LE_U64, IMAGE_SIZE_AT)));
    }
}
