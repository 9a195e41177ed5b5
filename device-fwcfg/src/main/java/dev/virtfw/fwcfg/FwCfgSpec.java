package dev.virtfw.fwcfg;

/**
 * Names and numbers of the QEMU firmware configuration interface, spelled as in QEMU's
 * {@code docs/specs/fw_cfg.rst} and {@code include/standard-headers/linux/qemu_fw_cfg.h}.
 * No other class of this module writes one of these numbers literally.
 */
public final class FwCfgSpec {
    private FwCfgSpec() {
    }

    // ---- Selector keys (fw_cfg.rst, "Firmware Configuration Items") ----
    public static final int FW_CFG_SIGNATURE = 0x00;
    public static final int FW_CFG_ID = 0x01;
    public static final int FW_CFG_UUID = 0x02;
    public static final int FW_CFG_RAM_SIZE = 0x03;
    public static final int FW_CFG_NOGRAPHIC = 0x04;
    public static final int FW_CFG_NB_CPUS = 0x05;
    public static final int FW_CFG_MACHINE_ID = 0x06;
    public static final int FW_CFG_KERNEL_ADDR = 0x07;
    public static final int FW_CFG_KERNEL_SIZE = 0x08;
    public static final int FW_CFG_KERNEL_CMDLINE = 0x09;
    public static final int FW_CFG_INITRD_ADDR = 0x0a;
    public static final int FW_CFG_INITRD_SIZE = 0x0b;
    public static final int FW_CFG_BOOT_DEVICE = 0x0c;
    public static final int FW_CFG_NUMA = 0x0d;
    public static final int FW_CFG_BOOT_MENU = 0x0e;
    public static final int FW_CFG_MAX_CPUS = 0x0f;
    public static final int FW_CFG_KERNEL_ENTRY = 0x10;
    public static final int FW_CFG_KERNEL_DATA = 0x11;
    public static final int FW_CFG_INITRD_DATA = 0x12;
    public static final int FW_CFG_CMDLINE_ADDR = 0x13;
    public static final int FW_CFG_CMDLINE_SIZE = 0x14;
    public static final int FW_CFG_CMDLINE_DATA = 0x15;
    public static final int FW_CFG_SETUP_ADDR = 0x16;
    public static final int FW_CFG_SETUP_SIZE = 0x17;
    public static final int FW_CFG_SETUP_DATA = 0x18;
    public static final int FW_CFG_FILE_DIR = 0x19;
    /** First selector of the named files; files occupy FILE_FIRST .. FILE_FIRST + slots - 1. */
    public static final int FW_CFG_FILE_FIRST = 0x20;
    /** Selector bit that QEMU ignores when it looks an item up (the old write channel). */
    public static final int FW_CFG_WRITE_CHANNEL = 0x4000;
    /** Selector bit that picks the architecture-specific item table. */
    public static final int FW_CFG_ARCH_LOCAL = 0x8000;
    /** Bits of a selector that index an item table. */
    public static final int FW_CFG_ENTRY_MASK = ~(FW_CFG_WRITE_CHANNEL | FW_CFG_ARCH_LOCAL) & 0xFFFF;
    /** The "nothing selected" selector value. */
    public static final int FW_CFG_INVALID = 0xFFFF;

    /** QEMU's default number of file directory slots ("x-file-slots", FW_CFG_FILE_SLOTS_DFLT), used by virt. */
    public static final int FW_CFG_FILE_SLOTS_DFLT = 0x20;
    /** The smallest number of file slots QEMU accepts (FW_CFG_FILE_SLOTS_MIN). */
    public static final int FW_CFG_FILE_SLOTS_MIN = 0x10;
    /** The largest number of file slots QEMU accepts: every selector up to the entry mask. */
    public static final int FW_CFG_FILE_SLOTS_MAX = FW_CFG_ENTRY_MASK - FW_CFG_FILE_FIRST + 1;
    /** Size of the name field of a directory entry, its terminating NUL included. */
    public static final int FW_CFG_MAX_FILE_PATH = 56;
    /** Size of one {@code FWCfgFile} directory entry: be32 size, be16 select, be16 reserved, name. */
    public static final int FW_CFG_FILE_ENTRY_SIZE = 64;
    /** FW_CFG_FILE_DIR starts with the be32 number of files; the entries follow it. */
    public static final int FW_CFG_FILE_DIR_COUNT_OFFSET = 0;
    public static final int FW_CFG_FILE_DIR_ENTRIES_OFFSET = 4;
    /** Fields of an {@code FWCfgFile} entry. */
    public static final int FW_CFG_FILE_SIZE_OFFSET = 0;
    public static final int FW_CFG_FILE_SELECT_OFFSET = 4;
    public static final int FW_CFG_FILE_NAME_OFFSET = 8;

    // ---- FW_CFG_ID feature bits ----
    /** Feature bit: the traditional (legacy selector/data) interface. */
    public static final int FW_CFG_VERSION = 0x01;
    /** Feature bit: the DMA interface. */
    public static final int FW_CFG_VERSION_DMA = 0x02;

    // ---- FWCfgDmaAccess control bits ----
    public static final int FW_CFG_DMA_CTL_ERROR = 0x01;
    public static final int FW_CFG_DMA_CTL_READ = 0x02;
    public static final int FW_CFG_DMA_CTL_SKIP = 0x04;
    public static final int FW_CFG_DMA_CTL_SELECT = 0x08;
    public static final int FW_CFG_DMA_CTL_WRITE = 0x10;
    /** With FW_CFG_DMA_CTL_SELECT, the selector is the control word's upper 16 bits ("control >> 16"). */
    public static final int FW_CFG_DMA_CTL_SELECTOR_SHIFT = 16;
    /** Size of the {@code FWCfgDmaAccess} descriptor: be32 control, be32 length, be64 address. */
    public static final int FW_CFG_DMA_ACCESS_SIZE = 16;
    public static final int FW_CFG_DMA_ACCESS_CONTROL = 0;
    public static final int FW_CFG_DMA_ACCESS_LENGTH = 4;
    public static final int FW_CFG_DMA_ACCESS_ADDRESS = 8;

    /** What the DMA address register reads back: "QEMU CFG" as a big-endian 64-bit value. */
    public static final long FW_CFG_DMA_SIGNATURE = 0x51454d5520434647L;
    /** Contents of the FW_CFG_SIGNATURE item. */
    public static final String FW_CFG_SIGNATURE_TEXT = "QEMU";

    // ---- MMIO layout on ARM virt (fw_cfg.rst, "Memory-Mapped I/O") ----
    /** Data register: a byte stream of the selected item, 1 to 8 bytes wide. */
    public static final int FW_CFG_DATA_OFFSET = 0x00;
    /** Width of the data register's region (QEMU's data_width on virt). */
    public static final int FW_CFG_DATA_WIDTH = 8;
    /** Selector register: 16 bits, big-endian, write-only. */
    public static final int FW_CFG_CTL_OFFSET = 0x08;
    public static final int FW_CFG_CTL_SIZE = 2;
    /** DMA address register: 64 bits, big-endian. */
    public static final int FW_CFG_DMA_OFFSET = 0x10;
    public static final int FW_CFG_DMA_SIZE = 8;
    /** Its high half as a 4-byte register: latches bits 63..32 and clears the low half (QEMU's fw_cfg_dma_mem_write). */
    public static final int FW_CFG_DMA_ADDR_HIGH_OFFSET = FW_CFG_DMA_OFFSET;
    /** Its low half as a 4-byte register: completes the address and starts the transfer. */
    public static final int FW_CFG_DMA_ADDR_LOW_OFFSET = FW_CFG_DMA_OFFSET + 4;
    /** Size of the whole window; EDK2 uses DMA only when the window is at least this big. */
    public static final int FW_CFG_MMIO_SIZE = 0x18;

    /** Device tree compatible string of the MMIO transport. */
    public static final String FW_CFG_COMPATIBLE = "qemu,fw-cfg-mmio";

    /**
     * The name QEMU's trace events give a selector key ({@code key_name} in its
     * {@code hw/nvram/fw_cfg.c}, with its spelling "initdr_size"): the well-known keys below
     * FW_CFG_FILE_FIRST by their item, everything else (files, the write channel, the arch-local
     * keys, which the ARM virt board does not name) "unknown".
     */
    public static String keyName(int key) {
        int k = key & 0xFFFF;
        return k < KEY_NAMES.length && KEY_NAMES[k] != null ? KEY_NAMES[k] : "unknown";
    }

    private static final String[] KEY_NAMES = keyNames();

    private static String[] keyNames() {
        String[] names = new String[FW_CFG_FILE_FIRST];
        names[FW_CFG_SIGNATURE] = "signature";
        names[FW_CFG_ID] = "id";
        names[FW_CFG_UUID] = "uuid";
        names[FW_CFG_RAM_SIZE] = "ram_size";
        names[FW_CFG_NOGRAPHIC] = "nographic";
        names[FW_CFG_NB_CPUS] = "nb_cpus";
        names[FW_CFG_MACHINE_ID] = "machine_id";
        names[FW_CFG_KERNEL_ADDR] = "kernel_addr";
        names[FW_CFG_KERNEL_SIZE] = "kernel_size";
        names[FW_CFG_KERNEL_CMDLINE] = "kernel_cmdline";
        names[FW_CFG_INITRD_ADDR] = "initrd_addr";
        names[FW_CFG_INITRD_SIZE] = "initdr_size";
        names[FW_CFG_BOOT_DEVICE] = "boot_device";
        names[FW_CFG_NUMA] = "numa";
        names[FW_CFG_BOOT_MENU] = "boot_menu";
        names[FW_CFG_MAX_CPUS] = "max_cpus";
        names[FW_CFG_KERNEL_ENTRY] = "kernel_entry";
        names[FW_CFG_KERNEL_DATA] = "kernel_data";
        names[FW_CFG_INITRD_DATA] = "initrd_data";
        names[FW_CFG_CMDLINE_ADDR] = "cmdline_addr";
        names[FW_CFG_CMDLINE_SIZE] = "cmdline_size";
        names[FW_CFG_CMDLINE_DATA] = "cmdline_data";
        names[FW_CFG_SETUP_ADDR] = "setup_addr";
        names[FW_CFG_SETUP_SIZE] = "setup_size";
        names[FW_CFG_SETUP_DATA] = "setup_data";
        names[FW_CFG_FILE_DIR] = "file_dir";
        return names;
    }

    /** QEMU's largest item: an entry length is a uint32 below UINT32_MAX. */
    public static final long FW_CFG_MAX_ITEM_SIZE = 0xFFFF_FFFEL;
}
