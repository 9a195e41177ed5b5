package dev.virtfw.machine.flash;

import static dev.virtfw.machine.flash.CfiSpec.*;

/**
 * The CFI query structure one device of a bank answers, with the values QEMU's pflash_cfi01 gives
 * (pflash_cfi01_fill_cfi_table, without old-multiple-chip-handling): each of the interleaved
 * devices reports its own share of the bank (size, block size), the Intel extended command set,
 * a primary extended table "PRI" version 1.0 at 0x31 with no optional features.
 */
final class CfiQueryTable {
    private final byte[] table = new byte[CFI_TABLE_LENGTH];

    CfiQueryTable(FlashGeometry geometry) {
        int devices = geometry.devices();
        long blocksPerDevice = geometry.blocks();
        long blockBytesPerDevice = geometry.blockSize() / devices;
        long deviceBytes = blocksPerDevice * blockBytesPerDevice;

        put(CFI_QRY, 'Q');
        put(CFI_QRY + 1, 'R');
        put(CFI_QRY + 2, 'Y');
        put16(CFI_PRIMARY_COMMAND_SET, CFI_COMMAND_SET_INTEL_EXTENDED);
        put16(CFI_PRIMARY_EXTENDED_TABLE, PRI_TABLE);
        put16(CFI_ALTERNATE_COMMAND_SET, 0);
        put16(CFI_ALTERNATE_EXTENDED_TABLE, 0);
        put(CFI_VCC_MIN, 0x45);                 // 4.5 V, BCD volts.tenths as QEMU gives it
        put(CFI_VCC_MAX, 0x55);                 // 5.5 V
        put(CFI_VPP_MIN, 0x00);                 // no Vpp pin
        put(CFI_VPP_MAX, 0x00);
        put(CFI_TYP_WORD_PROGRAM_TIMEOUT, 0x07);   // 128 us
        put(CFI_TYP_BUFFER_WRITE_TIMEOUT, 0x07);   // 128 us
        put(CFI_TYP_BLOCK_ERASE_TIMEOUT, 0x0A);    // 1024 ms
        put(CFI_TYP_CHIP_ERASE_TIMEOUT, 0x00);     // not supported
        put(CFI_MAX_WORD_PROGRAM_TIMEOUT, 0x04);   // x16
        put(CFI_MAX_BUFFER_WRITE_TIMEOUT, 0x04);
        put(CFI_MAX_BLOCK_ERASE_TIMEOUT, 0x04);
        put(CFI_MAX_CHIP_ERASE_TIMEOUT, 0x00);
        put(CFI_DEVICE_SIZE, Long.numberOfTrailingZeros(deviceBytes));
        put16(CFI_INTERFACE, CFI_INTERFACE_X8_X16);
        put16(CFI_MAX_BUFFER_WRITE_SIZE, geometry.bufferShift());
        put(CFI_ERASE_REGION_COUNT, 1);
        put16(CFI_ERASE_REGION_1, (int) (blocksPerDevice - 1));
        put16(CFI_ERASE_REGION_1 + 2, (int) (blockBytesPerDevice >> 8));

        put(PRI_TABLE, 'P');
        put(PRI_TABLE + 1, 'R');
        put(PRI_TABLE + 2, 'I');
        put(PRI_TABLE + 3, '1');                // major version
        put(PRI_TABLE + 4, '0');                // minor version
        // 0x36..0x3C: optional features, suspend functions, block status register mask: none.
        put(PRI_PROTECTION_FIELDS, 1);
    }

    /** Where the primary (Intel) extended query table starts. */
    static final int PRI_TABLE = 0x31;
    /** PRI: number of protection register fields. */
    static final int PRI_PROTECTION_FIELDS = 0x3F;

    /** The byte at a device word address; addresses beyond the table read as 0. */
    int at(long wordAddress) {
        return wordAddress >= 0 && wordAddress < table.length ? table[(int) wordAddress] & 0xFF : 0;
    }

    private void put(int offset, int value) {
        table[offset] = (byte) value;
    }

    private void put16(int offset, int value) {
        table[offset] = (byte) value;
        table[offset + 1] = (byte) (value >>> 8);
    }
}
