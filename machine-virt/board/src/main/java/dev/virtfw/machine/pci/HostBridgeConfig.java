package dev.virtfw.machine.pci;

import java.util.Arrays;

/**
 * The configuration space of QEMU's generic PCIe host bridge function ({@code gpex-root}, 00:00.0):
 * a conventional PCI type 0 header of 256 bytes (PCI Local Bus Specification 3.0, section 6.1)
 * with QEMU 7.2's values and write masks ({@code hw/pci/pci.c} pci_init_wmask, pci_init_w1cmask):
 * vendor Red Hat (0x1b36), device 0x0008, class 06 00 00 (host bridge), subsystem 1af4:1100, no
 * BARs, no capabilities. Writable: Command bits I/O, Memory, Bus Master, SERR# and Interrupt
 * Disable; Cache Line Size; Interrupt Line; and the device-specific bytes 0x40-0xFF. Status error
 * bits are write-one-to-clear (and never set). Offsets from 256 up are outside this function's
 * space: they read all ones.
 */
final class HostBridgeConfig {
    /** A conventional function's configuration space. */
    static final int SIZE = 0x100;

    // Type 0 header offsets (PCI 3.0, figure 6-1).
    static final int VENDOR_ID = 0x00;
    static final int DEVICE_ID = 0x02;
    static final int COMMAND = 0x04;
    static final int STATUS = 0x06;
    static final int CLASS_REVISION = 0x08;
    static final int CACHE_LINE_SIZE = 0x0C;
    static final int SUBSYSTEM_VENDOR_ID = 0x2C;
    static final int SUBSYSTEM_ID = 0x2E;
    static final int INTERRUPT_LINE = 0x3C;
    /** The first byte after the standard header. */
    static final int DEVICE_SPECIFIC = 0x40;

    static final int PCI_VENDOR_ID_REDHAT = 0x1B36;
    static final int PCI_DEVICE_ID_REDHAT_PCIE_HOST = 0x0008;
    /** Base class 06 (bridge), sub-class 00 (host), interface 00, revision 0. */
    static final int CLASS_BRIDGE_HOST = 0x0600_0000;
    /** QEMU's default subsystem: PCI_SUBVENDOR_ID_REDHAT_QUMRANET, PCI_SUBDEVICE_ID_QEMU. */
    static final int SUBVENDOR_QUMRANET = 0x1AF4;
    static final int SUBDEVICE_QEMU = 0x1100;

    /** Command: I/O Space, Memory Space, Bus Master, SERR# Enable, Interrupt Disable. */
    static final int COMMAND_WRITABLE = 0x0001 | 0x0002 | 0x0004 | 0x0100 | 0x0400;
    /** Status: Master Data Parity Error, Signaled/Received Target Abort, Received Master Abort, Signaled System Error, Detected Parity Error. */
    static final int STATUS_W1C = 0x0100 | 0x0800 | 0x1000 | 0x2000 | 0x4000 | 0x8000;

    private final byte[] config = new byte[SIZE];
    private final byte[] wmask = new byte[SIZE];
    private final byte[] w1cmask = new byte[SIZE];

    HostBridgeConfig() {
        putLe(wmask, COMMAND, 2, COMMAND_WRITABLE);
        putLe(w1cmask, STATUS, 2, STATUS_W1C);
        wmask[CACHE_LINE_SIZE] = (byte) 0xFF;
        wmask[INTERRUPT_LINE] = (byte) 0xFF;
        Arrays.fill(wmask, DEVICE_SPECIFIC, SIZE, (byte) 0xFF);
        putLe(config, VENDOR_ID, 2, PCI_VENDOR_ID_REDHAT);
        putLe(config, DEVICE_ID, 2, PCI_DEVICE_ID_REDHAT_PCIE_HOST);
        putLe(config, CLASS_REVISION, 4, CLASS_BRIDGE_HOST);
        putLe(config, SUBSYSTEM_VENDOR_ID, 2, SUBVENDOR_QUMRANET);
        putLe(config, SUBSYSTEM_ID, 2, SUBDEVICE_QEMU);
    }

    /**
     * A device reset as QEMU's pci_do_device_reset does it: the writable Command bits, the Status
     * error bits, Cache Line Size and Interrupt Line go back to 0; the device-specific bytes keep
     * what was written.
     */
    void reset() {
        putLe(config, COMMAND, 2, 0);
        putLe(config, STATUS, 2, 0);
        config[CACHE_LINE_SIZE] = 0;
        config[INTERRUPT_LINE] = 0;
    }

    /** A little-endian read of {@code size} bytes; bytes past the function's space read all ones. */
    long read(int offset, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            int at = offset + i;
            v = (v << 8) | (at < SIZE ? config[at] & 0xFF : 0xFF);
        }
        return v;
    }

    /** A write through the masks: writable bits take the value, write-one-to-clear bits clear; the rest stay. */
    void write(int offset, int size, long value) {
        for (int i = 0; i < size && offset + i < SIZE; i++) {
            int at = offset + i;
            byte b = (byte) (value >>> (8 * i));
            config[at] = (byte) ((config[at] & ~wmask[at]) | (b & wmask[at]));
            config[at] &= (byte) ~(b & w1cmask[at]);
        }
    }

    private static void putLe(byte[] to, int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            to[offset + i] = (byte) (value >>> (8 * i));
        }
    }
}
