package dev.virtfw.machine.flash;

/**
 * The shape of one flash bank as QEMU's {@code pflash_cfi01} properties describe it.
 *
 * @param bankSize    bytes in the bank (QEMU: num-blocks x sector-length)
 * @param blockSize   bytes erased by one Block Erase at the bank level (QEMU "sector-length"); when several
 *                    devices are interleaved each device erases {@code blockSize / devices()} bytes
 * @param bankWidth   bus width of the bank in bytes (QEMU "width")
 * @param deviceWidth width of one flash device in bytes (QEMU "device-width"); the bank interleaves
 *                    {@code bankWidth / deviceWidth} devices
 * @param manufacturerId the manufacturer code (QEMU "id0")
 * @param deviceId       the device code (QEMU "id1")
 */
public record FlashGeometry(long bankSize, int blockSize, int bankWidth, int deviceWidth,
                            int manufacturerId, int deviceId) {

    /** Bytes in one bank of the virt board's flash (hw/arm/virt.c: two banks fill the 128 MiB window). */
    public static final long VIRT_BANK_SIZE = 64L << 20;
    /** hw/arm/virt.c VIRT_FLASH_SECTOR_SIZE. */
    public static final int VIRT_SECTOR_SIZE = 256 << 10;

    /**
     * The virt board's bank: hw/arm/virt.c virt_flash_create1 sets width 4, device-width 2,
     * little-endian, id0 0x89 (Intel), id1 0x18, id2 = id3 = 0.
     */
    public static final FlashGeometry VIRT = new FlashGeometry(VIRT_BANK_SIZE, VIRT_SECTOR_SIZE, 4, 2, 0x89, 0x18);

    /** log2 of the per-device write buffer as QEMU advertises it (CFI 0x2A): 2^11 bytes, 2^8 for x8 banks. */
    private static final int BUFFER_SHIFT_WIDE = 11;
    private static final int BUFFER_SHIFT_BYTE_BANK = 8;

    public FlashGeometry {
        if (bankWidth != 1 && bankWidth != 2 && bankWidth != 4) {
            throw new IllegalArgumentException("bank width must be 1, 2 or 4 bytes: " + bankWidth);
        }
        if (deviceWidth <= 0 || deviceWidth > bankWidth || bankWidth % deviceWidth != 0) {
            throw new IllegalArgumentException("device width " + deviceWidth + " does not divide bank width " + bankWidth);
        }
        if (blockSize <= 0 || Integer.bitCount(blockSize) != 1 || blockSize < 512 * (bankWidth / deviceWidth)) {
            throw new IllegalArgumentException("block size must be a power of two of at least 512 bytes per device: "
                    + blockSize);
        }
        if (bankSize <= 0 || bankSize % blockSize != 0 || bankSize / blockSize > 0x10000) {
            throw new IllegalArgumentException("bank size must be 1 to 65536 blocks of " + blockSize + " bytes: "
                    + bankSize);
        }
        if ((manufacturerId & ~0xFFFF) != 0 || (deviceId & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("identifier codes are 16-bit");
        }
    }

    /** Devices interleaved side by side on the bank's bus. */
    public int devices() {
        return bankWidth / deviceWidth;
    }

    /** Erase blocks in the bank. */
    public int blocks() {
        return Math.toIntExact(bankSize / blockSize);
    }

    /** log2 of one device's write buffer in bytes (the CFI table's 0x2A). */
    public int bufferShift() {
        return bankWidth == 1 ? BUFFER_SHIFT_BYTE_BANK : BUFFER_SHIFT_WIDE;
    }

    /**
     * Bytes one Write to Buffer can cover at the bank level: every device's buffer, side by side.
     * Buffer writes must stay inside one naturally aligned window of this size.
     */
    public int writeBufferBytes() {
        return (1 << bufferShift()) * devices();
    }

    /** Most data writes one Write to Buffer accepts: the word count N-1 must be below this. */
    public int writeBufferWords() {
        return (1 << bufferShift()) / deviceWidth;
    }

    /** log2 of the bank width: a bus byte offset shifted right by this is a device word address. */
    int wordShift() {
        return Integer.numberOfTrailingZeros(bankWidth);
    }
}
