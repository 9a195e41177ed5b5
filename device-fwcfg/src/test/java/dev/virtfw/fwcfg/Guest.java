package dev.virtfw.fwcfg;

import static dev.virtfw.fwcfg.FwCfgSpec.*;

/**
 * What a little-endian AArch64 guest does to the device, spelled as its instructions would:
 * {@code strh} of a byte-swapped key to the selector, {@code ldr} from the data register, and the
 * DMA address stored as one 64-bit write or as the Linux-style high-then-low pair.
 */
final class Guest {
    final FwCfgDevice device;
    final GuardedRam ram;

    Guest(FwCfgDevice device, GuardedRam ram) {
        this.device = device;
        this.ram = ram;
    }

    /** {@code strh w0, [ctl]} with w0 = cpu_to_be16(key). */
    void select(int key) {
        device.write(FW_CFG_CTL_OFFSET, 2, Layouts.cpuToBe16(key));
    }

    long data(int size) {
        return device.read(FW_CFG_DATA_OFFSET, size);
    }

    /** Reads {@code n} bytes through 1-byte data reads. */
    byte[] dataBytes(int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) data(1);
        }
        return out;
    }

    /** One 64-bit store of cpu_to_be64(address) to +0x10 (U-Boot, EDK2). */
    void trigger64(long descriptor) {
        device.write(FW_CFG_DMA_OFFSET, 8, Layouts.cpuToBe64(descriptor));
    }

    /** Two 32-bit stores: the high half to +0x10, then the low half to +0x14 (Linux). */
    void triggerSplit(long descriptor) {
        long[] halves = Layouts.cpuToBe64Halves(descriptor);
        device.write(FW_CFG_DMA_ADDR_HIGH_OFFSET, 4, halves[0]);
        device.write(FW_CFG_DMA_ADDR_LOW_OFFSET, 4, halves[1]);
    }

    void writeDmaHigh(int high) {
        device.write(FW_CFG_DMA_ADDR_HIGH_OFFSET, 4, Layouts.cpuToBe32(high));
    }

    void writeDmaLow(int low) {
        device.write(FW_CFG_DMA_ADDR_LOW_OFFSET, 4, Layouts.cpuToBe32(low));
    }

    /** Writes a descriptor at {@code at}, triggers it with one 64-bit store, returns the control read back. */
    int dma(long at, int control, int length, long address) {
        ram.descriptor(at, control, length, address);
        trigger64(at);
        return ram.be32(at);
    }
}
