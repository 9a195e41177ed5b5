package dev.virtfw.fwcfg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Byte orders of the fw_cfg structures and registers, stated once: every multi-byte access goes
 * through one of these, never through a byte swap or shifts.
 */
final class Layouts {
    private Layouts() {
    }

    static final ValueLayout.OfShort BE_U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong BE_U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfShort LE_U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LE_U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;

    /**
     * What a little-endian guest holds in a register to store {@code value} into a big-endian 16-bit
     * register (Linux's {@code cpu_to_be16}): the value an MMIO write of 2 bytes carries.
     */
    static long cpuToBe16(int value) {
        MemorySegment bytes = MemorySegment.ofArray(new byte[Short.BYTES]);
        bytes.set(BE_U16, 0, (short) value);
        return Short.toUnsignedLong(bytes.get(LE_U16, 0));
    }

    /** As {@link #cpuToBe16} for a 32-bit register. */
    static long cpuToBe32(int value) {
        MemorySegment bytes = MemorySegment.ofArray(new byte[Integer.BYTES]);
        bytes.set(BE_U32, 0, value);
        return Integer.toUnsignedLong(bytes.get(LE_U32, 0));
    }

    /**
     * The two values a little-endian guest stores to write {@code value} into a big-endian 64-bit
     * register as two 32-bit halves, the high half (lower address) first, as Linux's fw_cfg driver does.
     */
    static long[] cpuToBe64Halves(long value) {
        MemorySegment bytes = MemorySegment.ofArray(new byte[Long.BYTES]);
        bytes.set(BE_U64, 0, value);
        return new long[] {Integer.toUnsignedLong(bytes.get(LE_U32, 0)),
                Integer.toUnsignedLong(bytes.get(LE_U32, Integer.BYTES))};
    }

    /** As {@link #cpuToBe16} for a 64-bit register. */
    static long cpuToBe64(long value) {
        MemorySegment bytes = MemorySegment.ofArray(new byte[Long.BYTES]);
        bytes.set(BE_U64, 0, value);
        return bytes.get(LE_U64, 0);
    }
}
