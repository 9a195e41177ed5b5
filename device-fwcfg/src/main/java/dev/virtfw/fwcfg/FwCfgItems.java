package dev.virtfw.fwcfg;

import static dev.virtfw.fwcfg.FwCfgSpec.*;

import dev.virtfw.fwcfg.FwCfgConfigException.Reason;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The item store of one fw_cfg device: numbered items, named files and the file directory derived
 * from them. Every rule QEMU enforces when items are added is checked here, at configuration time,
 * with a {@link FwCfgConfigException}; the guest can never run into one.
 *
 * <p>The store owns one {@link Arena}: item bytes live off the JVM heap there, and files given by
 * path are mapped read-only into it, so a kernel or initrd is never copied onto the heap.
 * {@link #close()} (or closing the device that uses the store) releases all of it.
 *
 * <p>Like QEMU's {@code fw_cfg_common_realize}, a new store already holds FW_CFG_SIGNATURE ("QEMU")
 * and FW_CFG_ID (traditional interface and DMA). The file directory (FW_CFG_FILE_DIR) is built when a
 * device takes the store: big-endian count, then one 64-byte entry per slot, files sorted by name
 * with QEMU's {@code strcmp} order (unsigned bytes) and numbered from FW_CFG_FILE_FIRST.
 *
 * <p>Integer items are little-endian, as the typed adders of QEMU store them. The store is not
 * thread-safe while it is being filled.
 */
public final class FwCfgItems implements AutoCloseable {
    /** QEMU compares file names with strcmp: unsigned bytes of the UTF-8 form. */
    private static final Comparator<String> STRCMP_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private final Arena arena = Arena.ofShared();
    private final int fileSlots;
    private final FwCfgItem[] entries;
    private final FwCfgItem[] archEntries;
    private final TreeMap<String, FwCfgItem> files = new TreeMap<>(STRCMP_ORDER);
    private final List<MemorySegment> mapped = new ArrayList<>();
    private boolean sealed;
    private boolean closed;

    private FwCfgItems(int fileSlots) {
        if (fileSlots < FW_CFG_FILE_SLOTS_MIN || fileSlots > FW_CFG_FILE_SLOTS_MAX) {
            throw new FwCfgConfigException(Reason.INVALID_FILE_SLOTS, -1, null, String.format(
                    "fw_cfg file slots 0x%x: must be between 0x%x and 0x%x",
                    fileSlots, FW_CFG_FILE_SLOTS_MIN, FW_CFG_FILE_SLOTS_MAX), null);
        }
        this.fileSlots = fileSlots;
        this.entries = new FwCfgItem[FW_CFG_FILE_FIRST + fileSlots];
        this.archEntries = new FwCfgItem[FW_CFG_FILE_FIRST + fileSlots];
        addBytes(FW_CFG_SIGNATURE, FW_CFG_SIGNATURE_TEXT.getBytes(StandardCharsets.US_ASCII));
        addU32(FW_CFG_ID, FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    }

    /** A store with QEMU's default of 0x20 file slots, the number the virt board uses. */
    public static FwCfgItems create() {
        return new FwCfgItems(FW_CFG_FILE_SLOTS_DFLT);
    }

    /** A store with {@code fileSlots} directory slots (QEMU's "x-file-slots", 0x10 to 0x3fe0). */
    public static FwCfgItems withFileSlots(int fileSlots) {
        return new FwCfgItems(fileSlots);
    }

    // ------------------------------------------------------------------ numbered items

    /** Adds a copy of {@code data} under {@code key}. */
    public FwCfgItems addBytes(int key, byte[] data) {
        Objects.requireNonNull(data, "data");
        checkOpen(key, null);
        MemorySegment copy = allocate(data.length);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, copy, 0, data.length);
        putNumbered(key, new FwCfgItem(null, copy, false, null));
        return this;
    }

    /** Adds a copy of {@code data} under {@code key}. */
    public FwCfgItems addBytes(int key, MemorySegment data) {
        Objects.requireNonNull(data, "data");
        checkOpen(key, null);
        checkSize(data.byteSize(), key, null);
        MemorySegment copy = allocate(data.byteSize());
        MemorySegment.copy(data, 0, copy, 0, data.byteSize());
        putNumbered(key, new FwCfgItem(null, copy, false, null));
        return this;
    }

    /** Adds {@code value} as UTF-8 with a terminating NUL, as QEMU's {@code fw_cfg_add_string}. */
    public FwCfgItems addString(int key, String value) {
        return addBytes(key, withNul(value));
    }

    /** Adds a 16-bit little-endian integer (the low 16 bits of {@code value}). */
    public FwCfgItems addU16(int key, int value) {
        checkOpen(key, null);
        MemorySegment bytes = allocate(Short.BYTES);
        bytes.set(Layouts.LE_U16, 0, (short) value);
        putNumbered(key, new FwCfgItem(null, bytes, false, null));
        return this;
    }

    /** Adds a 32-bit little-endian integer. */
    public FwCfgItems addU32(int key, int value) {
        checkOpen(key, null);
        MemorySegment bytes = allocate(Integer.BYTES);
        bytes.set(Layouts.LE_U32, 0, value);
        putNumbered(key, new FwCfgItem(null, bytes, false, null));
        return this;
    }

    /** Adds a 64-bit little-endian integer. */
    public FwCfgItems addU64(int key, long value) {
        checkOpen(key, null);
        MemorySegment bytes = allocate(Long.BYTES);
        bytes.set(Layouts.LE_U64, 0, value);
        putNumbered(key, new FwCfgItem(null, bytes, false, null));
        return this;
    }

    /**
     * Adds the contents of {@code file} under {@code key}, mapped read-only (not copied).
     *
     * @return the file's size in bytes
     */
    public long addMapped(int key, Path file) {
        checkOpen(key, null);
        checkNumberedKey(key);
        if (lookup(key) != FwCfgItem.NONE) {
            throw FwCfgConfigException.forKey(Reason.KEY_IN_USE, key, "an item is already there");
        }
        MemorySegment mapped = map(file, key, null);
        putNumbered(key, new FwCfgItem(null, mapped, false, null));
        return mapped.byteSize();
    }

    // ------------------------------------------------------------------ named files

    /** Adds a named file holding a copy of {@code data}. */
    public FwCfgItems addFile(String name, byte[] data) {
        Objects.requireNonNull(data, "data");
        checkFileName(name);
        MemorySegment copy = allocate(data.length);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, copy, 0, data.length);
        putFile(name, new FwCfgItem(name, copy, false, null));
        return this;
    }

    /** Adds a named file with the contents of {@code file}, mapped read-only (not copied). */
    public FwCfgItems addFile(String name, Path file) {
        checkFileName(name);
        MemorySegment mapped = map(file, -1, name);
        putFile(name, new FwCfgItem(name, mapped, false, null));
        return this;
    }

    /** Adds a named file holding {@code value} as UTF-8 without a NUL, as {@code -fw_cfg name=N,string=S}. */
    public FwCfgItems addFileString(String name, String value) {
        return addFile(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds a named file the guest may DMA-WRITE: it starts as a copy of {@code initial}, keeps its size,
     * and {@code callback} is told of every successful write after the bytes are stored.
     *
     * @return the item, whose {@link FwCfgItem#contents()} show what the guest wrote
     */
    public FwCfgItem addWritableFile(String name, byte[] initial, FwCfgWriteCallback callback) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(callback, "callback");
        checkFileName(name);
        MemorySegment copy = allocate(initial.length);
        MemorySegment.copy(MemorySegment.ofArray(initial), 0, copy, 0, initial.length);
        FwCfgItem item = new FwCfgItem(name, copy, true, callback);
        putFile(name, item);
        return item;
    }

    // ------------------------------------------------------------------ what a board adds

    /**
     * Offers a kernel, an initrd and a command line to firmware the way QEMU's ARM boot code does
     * when a firmware image is booted with {@code -kernel}: KERNEL_SIZE (LE32) and KERNEL_DATA,
     * INITRD_SIZE and INITRD_DATA when an initrd is given, and CMDLINE_SIZE (LE32, the NUL counted)
     * with CMDLINE_DATA (the command line and its NUL), always present. Files are mapped, not read,
     * and offered as they are: a board that decompresses a gzip kernel as QEMU does gives the
     * result to {@link #addKernelBoot(MemorySegment, Path, String)}.
     *
     * @param kernel  the kernel image
     * @param initrd  the initial RAM disk, or null for none
     * @param cmdline the command line, or null for an empty one
     */
    public FwCfgItems addKernelBoot(Path kernel, Path initrd, String cmdline) {
        Objects.requireNonNull(kernel, "kernel");
        checkKernelBootKeysFree();
        return putKernelBoot(map(kernel, FW_CFG_KERNEL_DATA, null), initrd, cmdline);
    }

    /**
     * As {@link #addKernelBoot(Path, Path, String)}, with the kernel given as bytes (copied), such
     * as a gzip-compressed {@code Image.gz} the board has decompressed, as QEMU's hw/arm/boot.c
     * decompresses an AArch64 kernel before offering it to firmware.
     */
    public FwCfgItems addKernelBoot(MemorySegment kernel, Path initrd, String cmdline) {
        Objects.requireNonNull(kernel, "kernel");
        checkKernelBootKeysFree();
        checkSize(kernel.byteSize(), FW_CFG_KERNEL_DATA, null);
        MemorySegment copy = allocate(kernel.byteSize());
        MemorySegment.copy(kernel, 0, copy, 0, kernel.byteSize());
        return putKernelBoot(copy, initrd, cmdline);
    }

    private void checkKernelBootKeysFree() {
        checkOpen(FW_CFG_KERNEL_DATA, null);
        for (int key : new int[] {FW_CFG_KERNEL_SIZE, FW_CFG_KERNEL_DATA, FW_CFG_INITRD_SIZE, FW_CFG_INITRD_DATA,
                FW_CFG_CMDLINE_SIZE, FW_CFG_CMDLINE_DATA}) {
            if (entries[key] != null) {
                throw FwCfgConfigException.forKey(Reason.KEY_IN_USE, key, "an item is already there");
            }
        }
    }

    private FwCfgItems putKernelBoot(MemorySegment kernelBytes, Path initrd, String cmdline) {
        MemorySegment initrdBytes = initrd == null ? null : map(initrd, FW_CFG_INITRD_DATA, null);
        addU32(FW_CFG_KERNEL_SIZE, (int) kernelBytes.byteSize());
        putNumbered(FW_CFG_KERNEL_DATA, new FwCfgItem(null, kernelBytes, false, null));
        if (initrdBytes != null) {
            addU32(FW_CFG_INITRD_SIZE, (int) initrdBytes.byteSize());
            putNumbered(FW_CFG_INITRD_DATA, new FwCfgItem(null, initrdBytes, false, null));
        }
        byte[] line = withNul(cmdline == null ? "" : cmdline);
        addU32(FW_CFG_CMDLINE_SIZE, line.length);
        addBytes(FW_CFG_CMDLINE_DATA, line);
        return this;
    }

    /**
     * Adds the numbered items QEMU's virt board always has besides SIGNATURE and ID: UUID (16 bytes,
     * RFC 4122 byte order), NOGRAPHIC and BOOT_MENU (LE16 0/1) and NB_CPUS (LE16).
     */
    public FwCfgItems addQemuDefaults(UUID uuid, boolean nographic, boolean bootMenu, int nbCpus) {
        Objects.requireNonNull(uuid, "uuid");
        byte[] raw = new byte[2 * Long.BYTES];
        MemorySegment.ofArray(raw).set(Layouts.BE_U64, 0, uuid.getMostSignificantBits());
        MemorySegment.ofArray(raw).set(Layouts.BE_U64, Long.BYTES, uuid.getLeastSignificantBits());
        addBytes(FW_CFG_UUID, raw);
        addU16(FW_CFG_NOGRAPHIC, nographic ? 1 : 0);
        addU16(FW_CFG_BOOT_MENU, bootMenu ? 1 : 0);
        addU16(FW_CFG_NB_CPUS, nbCpus);
        return this;
    }

    /**
     * Adds the files QEMU 7.2 publishes on every machine when nothing else is configured:
     * {@code bootorder} and {@code bios-geometry} (empty) and {@code etc/boot-fail-wait} (LE32 -1).
     */
    public FwCfgItems addQemuDefaultFiles() {
        addFile("bootorder", new byte[0]);
        addFile("bios-geometry", new byte[0]);
        byte[] noTimeout = new byte[Integer.BYTES];
        MemorySegment.ofArray(noTimeout).set(Layouts.LE_U32, 0, -1); // QEMU's reboot timeout default
        addFile("etc/boot-fail-wait", noTimeout);
        return this;
    }

    // ------------------------------------------------------------------ queries

    /** The number of file directory slots. */
    public int fileSlots() {
        return fileSlots;
    }

    /** Whether a device has taken the store (no more items can be added). */
    public boolean sealed() {
        return sealed;
    }

    /** The item under {@code key} as the guest would select it, if one is there. */
    public Optional<FwCfgItem> item(int key) {
        FwCfgItem item = lookup(key);
        return item == null || item == FwCfgItem.NONE ? Optional.empty() : Optional.of(item);
    }

    /** The named file {@code name}, if there is one. */
    public Optional<FwCfgItem> file(String name) {
        return Optional.ofNullable(files.get(name));
    }

    /** The file directory as the guest will see it: name order, selectors from FW_CFG_FILE_FIRST. */
    public List<FwCfgFile> files() {
        List<FwCfgFile> list = new ArrayList<>(files.size());
        int select = FW_CFG_FILE_FIRST;
        for (Map.Entry<String, FwCfgItem> e : files.entrySet()) {
            list.add(new FwCfgFile(e.getKey(), select++, e.getValue().size()));
        }
        return List.copyOf(list);
    }

    /**
     * The contents of the items that are file mappings (kernel, initrd, {@code -fw_cfg file=}), in
     * the order they were added: what a host may fault in ahead of the guest's first read, as QEMU
     * has by reading the files at start-up. Read-only views, valid until {@link #close()}.
     */
    public List<MemorySegment> mappedContents() {
        return List.copyOf(mapped);
    }

    /** Releases every item's memory and mapping. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            sealed = true;
            arena.close();
        }
    }

    // ------------------------------------------------------------------ used by the device

    /**
     * Stops taking items and builds the file directory (FW_CFG_FILE_DIR). Called when a device takes
     * the store; calling it again does nothing.
     */
    void seal() {
        if (closed) {
            throw new FwCfgConfigException(Reason.SEALED, -1, null, "fw_cfg item store is closed", null);
        }
        if (sealed) {
            return;
        }
        // The directory is sized for every slot, as QEMU allocates it; unused entries read as zeros.
        MemorySegment dir = allocate(FW_CFG_FILE_DIR_ENTRIES_OFFSET + (long) FW_CFG_FILE_ENTRY_SIZE * fileSlots);
        dir.set(Layouts.BE_U32, FW_CFG_FILE_DIR_COUNT_OFFSET, files.size());
        long at = FW_CFG_FILE_DIR_ENTRIES_OFFSET;
        int select = FW_CFG_FILE_FIRST;
        for (Map.Entry<String, FwCfgItem> e : files.entrySet()) {
            dir.set(Layouts.BE_U32, at + FW_CFG_FILE_SIZE_OFFSET, (int) e.getValue().size());
            dir.set(Layouts.BE_U16, at + FW_CFG_FILE_SELECT_OFFSET, (short) select);
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(MemorySegment.ofArray(name), 0, dir, at + FW_CFG_FILE_NAME_OFFSET, name.length);
            entries[select] = e.getValue();
            select++;
            at += FW_CFG_FILE_ENTRY_SIZE;
        }
        entries[FW_CFG_FILE_DIR] = new FwCfgItem(null, dir, false, null);
        sealed = true;
    }

    /**
     * The item a selector picks, following QEMU's {@code fw_cfg_select}: null when the selector is
     * invalid (its entry index is past the last file slot), {@link FwCfgItem#NONE} when it is valid
     * but nothing is there. The write-channel bit is ignored; the arch-local bit picks the second table.
     */
    FwCfgItem lookup(int key) {
        int index = key & FW_CFG_ENTRY_MASK;
        if (index >= entries.length) {
            return null;
        }
        FwCfgItem item = ((key & FW_CFG_ARCH_LOCAL) != 0 ? archEntries : entries)[index];
        return item == null ? FwCfgItem.NONE : item;
    }

    boolean closed() {
        return closed;
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] withNul(String value) {
        Objects.requireNonNull(value, "value");
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(text, text.length + 1);
    }

    private MemorySegment allocate(long size) {
        return size == 0 ? MemorySegment.ofArray(new byte[0]) : arena.allocate(size);
    }

    private void checkOpen(int key, String name) {
        if (sealed) {
            String what = name != null ? "file \"" + name + "\"" : String.format("key 0x%04x", key);
            throw new FwCfgConfigException(Reason.SEALED, key, name,
                    "fw_cfg " + what + ": the item store is in use by a device (or closed) and takes no more items",
                    null);
        }
    }

    /** Numbered items go below FW_CFG_FILE_FIRST (the directory's own key excepted), in either table. */
    private void checkNumberedKey(int key) {
        int index = key & ~FW_CFG_ARCH_LOCAL;
        if (key < 0 || key > 0xFFFF || index >= FW_CFG_FILE_FIRST || index == FW_CFG_FILE_DIR) {
            throw FwCfgConfigException.forKey(Reason.KEY_OUT_OF_RANGE, key, String.format(
                    "numbered items use keys 0x00-0x%02x except 0x%02x (FILE_DIR), optionally with 0x%04x (ARCH_LOCAL);"
                            + " named files get their keys from the directory",
                    FW_CFG_FILE_FIRST - 1, FW_CFG_FILE_DIR, FW_CFG_ARCH_LOCAL));
        }
    }

    private void putNumbered(int key, FwCfgItem item) {
        checkOpen(key, null);
        checkNumberedKey(key);
        checkSize(item.size(), key, null);
        FwCfgItem[] table = (key & FW_CFG_ARCH_LOCAL) != 0 ? archEntries : entries;
        int index = key & FW_CFG_ENTRY_MASK;
        if (table[index] != null) {
            throw FwCfgConfigException.forKey(Reason.KEY_IN_USE, key, "an item is already there");
        }
        table[index] = item;
    }

    private void checkFileName(String name) {
        Objects.requireNonNull(name, "name");
        checkOpen(-1, name);
        int length = name.getBytes(StandardCharsets.UTF_8).length;
        if (length == 0 || name.indexOf('\0') >= 0) {
            throw FwCfgConfigException.forName(Reason.INVALID_NAME, name, "a file name is not empty and holds no NUL");
        }
        if (length >= FW_CFG_MAX_FILE_PATH) {
            throw FwCfgConfigException.forName(Reason.INVALID_NAME, name, String.format(
                    "name is %d bytes; the directory holds at most %d plus the NUL",
                    length, FW_CFG_MAX_FILE_PATH - 1));
        }
        if (files.containsKey(name)) {
            throw FwCfgConfigException.forName(Reason.DUPLICATE_NAME, name, "a file of this name is already there");
        }
        if (files.size() >= fileSlots) {
            throw FwCfgConfigException.forName(Reason.DIRECTORY_FULL, name, String.format(
                    "all 0x%x directory slots are taken", fileSlots));
        }
    }

    private void putFile(String name, FwCfgItem item) {
        checkSize(item.size(), -1, name);
        files.put(name, item);
    }

    private static void checkSize(long size, int key, String name) {
        if (size > FW_CFG_MAX_ITEM_SIZE) {
            String text = String.format("%d bytes is more than the largest item (0x%x bytes)", size, FW_CFG_MAX_ITEM_SIZE);
            throw name != null ? FwCfgConfigException.forName(Reason.ITEM_TOO_LARGE, name, text)
                    : FwCfgConfigException.forKey(Reason.ITEM_TOO_LARGE, key, text);
        }
    }

    private MemorySegment map(Path file, int key, String name) {
        Objects.requireNonNull(file, "file");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            checkSize(size, key, name);
            if (size == 0) {
                return MemorySegment.ofArray(new byte[0]);
            }
            MemorySegment contents = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena).asReadOnly();
            mapped.add(contents);
            return contents;
        } catch (IOException | UnsupportedOperationException e) {
            throw FwCfgConfigException.unreadable(key, name, file, e);
        }
    }
}
