package dev.virtfw.devicetree;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Constants of the flattened devicetree format, named as in the Devicetree Specification v0.4,
 * chapter 5 ("Flattened Devicetree (DTB) Format"), and the big-endian layouts used to read and
 * write every multi-byte field.
 */
final class FdtSpec {
    private FdtSpec() {}

    /** 5.2 fdt_header.magic. */
    static final int FDT_MAGIC = 0xd00dfeed;
    /** The version this library writes, and the last version it is compatible with (5.2). */
    static final int FDT_VERSION = 17;
    static final int FDT_LAST_COMP_VERSION = 16;
    /**
     * Versions read: 1 to 3 (the old format dtc still reads: full paths as node names, values of 8
     * bytes or more aligned to 8, no boot_cpuid_phys before 2, no size_dt_strings before 3) and
     * 16 onwards. Versions 4 to 15 were never defined.
     */
    static final int FDT_LAST_OLD_VERSION = 3;
    static final int FDT_MIN_READ_VERSION = 16;
    /** The oldest version libfdt reads (FDT_FIRSTSUPPORTEDVERSION). */
    static final int FDT_MIN_LIBFDT_VERSION = 2;
    /** The oldest version libfdt edits in place (fdt_open_into refuses older blobs). */
    static final int FDT_MIN_EDIT_VERSION = 16;
    /**
     * The largest version field taken as a real (future) version; with last_comp_version at most
     * 17 such a blob is read like libfdt reads it. A larger field (0xffffffff...) is refused as
     * damaged, although dtc would print it.
     */
    static final long FDT_MAX_PLAUSIBLE_VERSION = 0xffff;

    /** 5.4.1 structure block tokens. */
    static final int FDT_BEGIN_NODE = 0x1;
    static final int FDT_END_NODE = 0x2;
    static final int FDT_PROP = 0x3;
    static final int FDT_NOP = 0x4;
    static final int FDT_END = 0x9;

    /** Offsets of the header fields (5.2), each a big-endian u32. */
    static final int HDR_MAGIC = 0;
    static final int HDR_TOTALSIZE = 4;
    static final int HDR_OFF_DT_STRUCT = 8;
    static final int HDR_OFF_DT_STRINGS = 12;
    static final int HDR_OFF_MEM_RSVMAP = 16;
    static final int HDR_VERSION = 20;
    static final int HDR_LAST_COMP_VERSION = 24;
    static final int HDR_BOOT_CPUID_PHYS = 28;
    static final int HDR_SIZE_DT_STRINGS = 32;
    static final int HDR_SIZE_DT_STRUCT = 36;
    /** Header length of versions 1 (up to last_comp_version), 2 (boot_cpuid_phys), 3 and 16 (size_dt_strings), 17. */
    static final int HEADER_SIZE_V1 = 28;
    static final int HEADER_SIZE_V2 = 32;
    static final int HEADER_SIZE_V16 = 36;
    static final int HEADER_SIZE_V17 = 40;

    /** 5.3.2 a reservation entry is two u64; the block is 8-byte aligned. */
    static final int RESERVE_ENTRY_SIZE = 16;
    static final int RESERVE_ALIGN = 8;
    /** Before version 16, a value of this many bytes or more starts on an 8-byte boundary. */
    static final int OLD_FORMAT_WIDE_VALUE = 8;
    /** 5.4.2 tokens and values are aligned on 4-byte boundaries. */
    static final int STRUCT_ALIGN = 4;

    /** Refuse trees nested deeper than this (hostile blobs); the spec sets no limit. */
    static final int MAX_DEPTH = 10_000;

    static final ValueLayout.OfInt BE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong BE_U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    static int align4(int n) {
        return (n + 3) & ~3;
    }

    static long align(long n, int a) {
        return (n + a - 1) & -(long) a;
    }
}
