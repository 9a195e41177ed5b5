package dev.virtfw.machine.flash;

/**
 * Names from the Intel/Sharp command set (CFI primary vendor command set 0x0001, as described by
 * Intel's "Common Flash Interface" application note AP-646 and the StrataFlash datasheets) and
 * from the CFI query structure (JEDEC JESD68). Nothing else in this package writes these numbers.
 */
public final class CfiSpec {
    private CfiSpec() {}

    // ---- Commands: the low byte of a bus write while the device accepts a command. ----

    /** Read Array: return to normal reads of the flash contents. */
    public static final int CMD_READ_ARRAY = 0xFF;
    /** AMD/JEDEC reset. Not an Intel command; U-Boot sends it before 0xFF and QEMU treats it as Read Array. */
    public static final int CMD_AMD_RESET = 0xF0;
    /** Not assigned by CFI; QEMU's model treats it as Read Array (its internal reset value). */
    public static final int CMD_QEMU_READ_ARRAY = 0x00;
    /** Read Identifier Codes (manufacturer, device, block lock status). */
    public static final int CMD_READ_ID = 0x90;
    /** CFI Query. */
    public static final int CMD_CFI_QUERY = 0x98;
    /** Read Status Register. */
    public static final int CMD_READ_STATUS = 0x70;
    /** Clear Status Register (error bits). */
    public static final int CMD_CLEAR_STATUS = 0x50;
    /** Block Erase setup; confirmed by {@link #CMD_CONFIRM}. */
    public static final int CMD_BLOCK_ERASE = 0x20;
    /** Word/byte Program setup; the next write is the data. */
    public static final int CMD_PROGRAM = 0x40;
    /** Alternate Word/byte Program setup. */
    public static final int CMD_PROGRAM_ALT = 0x10;
    /** Write to Buffer: then word count (N-1), N data writes, then {@link #CMD_CONFIRM}. */
    public static final int CMD_WRITE_TO_BUFFER = 0xE8;
    /** Confirm for erase and buffer program; with {@link #CMD_LOCK_SETUP}: clear the block's lock bit. */
    public static final int CMD_CONFIRM = 0xD0;
    /** Block lock/unlock setup. */
    public static final int CMD_LOCK_SETUP = 0x60;
    /** Second cycle after {@link #CMD_LOCK_SETUP}: set the block's lock bit. */
    public static final int CMD_LOCK_BLOCK = 0x01;
    /** Second cycle after {@link #CMD_LOCK_SETUP}: lock-down (treated as lock; lock-down needs WP#). */
    public static final int CMD_LOCK_DOWN = 0x2F;

    // ---- Status register bits (SR.7 .. SR.1). ----

    /** SR.7 write state machine ready. */
    public static final int SR_READY = 0x80;
    /** SR.6 erase suspended. */
    public static final int SR_ERASE_SUSPENDED = 0x40;
    /** SR.5 erase (or clear-lock) error. */
    public static final int SR_ERASE_ERROR = 0x20;
    /** SR.4 program (or set-lock) error. */
    public static final int SR_PROGRAM_ERROR = 0x10;
    /** SR.5 and SR.4 together: improper command sequence. */
    public static final int SR_COMMAND_SEQUENCE_ERROR = SR_ERASE_ERROR | SR_PROGRAM_ERROR;
    /** SR.3 Vpp low. */
    public static final int SR_VPP_LOW = 0x08;
    /** SR.1 the operation hit a locked block. */
    public static final int SR_BLOCK_LOCKED = 0x02;
    /** The bits {@link #CMD_CLEAR_STATUS} clears. */
    public static final int SR_ERROR_BITS = SR_ERASE_ERROR | SR_PROGRAM_ERROR | SR_VPP_LOW | SR_BLOCK_LOCKED;

    // ---- Read Identifier address map (in device words from the block base). ----

    /** Manufacturer code. */
    public static final int ID_MANUFACTURER = 0x00;
    /** Device code. */
    public static final int ID_DEVICE = 0x01;
    /** Block lock configuration: bit 0 = locked. */
    public static final int ID_BLOCK_LOCK = 0x02;

    // ---- CFI query structure offsets (in device words). ----

    /** "QRY" unique string. */
    public static final int CFI_QRY = 0x10;
    /** Primary vendor command set id (2 bytes). */
    public static final int CFI_PRIMARY_COMMAND_SET = 0x13;
    /** Address of the primary extended query table (2 bytes). */
    public static final int CFI_PRIMARY_EXTENDED_TABLE = 0x15;
    /** Alternate vendor command set id (2 bytes). */
    public static final int CFI_ALTERNATE_COMMAND_SET = 0x17;
    /** Address of the alternate extended table (2 bytes). */
    public static final int CFI_ALTERNATE_EXTENDED_TABLE = 0x19;
    /** Vcc logic supply minimum. */
    public static final int CFI_VCC_MIN = 0x1B;
    /** Vcc logic supply maximum. */
    public static final int CFI_VCC_MAX = 0x1C;
    /** Vpp supply minimum. */
    public static final int CFI_VPP_MIN = 0x1D;
    /** Vpp supply maximum. */
    public static final int CFI_VPP_MAX = 0x1E;
    /** Typical single word program time, 2^n us. */
    public static final int CFI_TYP_WORD_PROGRAM_TIMEOUT = 0x1F;
    /** Typical buffer write time, 2^n us. */
    public static final int CFI_TYP_BUFFER_WRITE_TIMEOUT = 0x20;
    /** Typical block erase time, 2^n ms. */
    public static final int CFI_TYP_BLOCK_ERASE_TIMEOUT = 0x21;
    /** Typical chip erase time, 2^n ms. */
    public static final int CFI_TYP_CHIP_ERASE_TIMEOUT = 0x22;
    /** Maximum word program time, 2^n times typical. */
    public static final int CFI_MAX_WORD_PROGRAM_TIMEOUT = 0x23;
    /** Maximum buffer write time, 2^n times typical. */
    public static final int CFI_MAX_BUFFER_WRITE_TIMEOUT = 0x24;
    /** Maximum block erase time, 2^n times typical. */
    public static final int CFI_MAX_BLOCK_ERASE_TIMEOUT = 0x25;
    /** Maximum chip erase time, 2^n times typical. */
    public static final int CFI_MAX_CHIP_ERASE_TIMEOUT = 0x26;
    /** Device size, 2^n bytes. */
    public static final int CFI_DEVICE_SIZE = 0x27;
    /** Flash device interface code (2 bytes): 2 = x8/x16. */
    public static final int CFI_INTERFACE = 0x28;
    /** Maximum bytes in a multi-byte (buffer) write, 2^n (2 bytes). */
    public static final int CFI_MAX_BUFFER_WRITE_SIZE = 0x2A;
    /** Number of erase block regions. */
    public static final int CFI_ERASE_REGION_COUNT = 0x2C;
    /** First erase block region: blocks-1 (2 bytes), block size / 256 (2 bytes). */
    public static final int CFI_ERASE_REGION_1 = 0x2D;
    /** Size of the query table QEMU's pflash_cfi01 answers (offsets at or beyond read as 0). */
    public static final int CFI_TABLE_LENGTH = 0x52;

    /** CFI interface code: x8/x16 asynchronous. */
    public static final int CFI_INTERFACE_X8_X16 = 0x0002;
    /** Primary command set: Intel/Sharp extended. */
    public static final int CFI_COMMAND_SET_INTEL_EXTENDED = 0x0001;
}
