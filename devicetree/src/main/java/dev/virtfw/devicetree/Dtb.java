package dev.virtfw.devicetree;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reading and writing flattened devicetree blobs (Devicetree Specification v0.4, chapter 5).
 *
 * <p>{@link #write} produces version 17 (last compatible version 16). The parse methods accept
 * versions 16 and 17 (and later versions whose last_comp_version is at most 17), as written by
 * dtc, QEMU and this library, and the old versions 1 to 3 where dtc reads them (node names stored
 * as full paths, wide values 8-byte aligned, no boot_cpuid_phys in version 1), and throw
 * {@link DtbFormatException} for anything else.
 */
public final class Dtb {
    private Dtb() {}

    /**
     * Writes the tree as a DTB. References are resolved first: a referenced node without a
     * {@code phandle} gets the lowest unused value from 1 and a {@code phandle} property (the tree
     * is modified). @throws IllegalStateException if a reference points outside the tree
     */
    public static byte[] write(DeviceTree tree) {
        return DtbWriter.write(tree);
    }

    /**
     * Writes the tree as {@link #write(DeviceTree)} does, then pads the blob with zeros to at least
     * {@code minTotalSize} bytes, recorded in {@code totalsize} (dtc's {@code -S}): free space a
     * consumer can grow the tree into in place, as QEMU leaves 1 MiB for the boot loader.
     */
    public static byte[] write(DeviceTree tree, int minTotalSize) {
        return DtbWriter.write(tree, minTotalSize);
    }

    /**
     * Writes the tree as {@link #write(DeviceTree, int)} does, with the header laid out as libfdt's
     * {@code fdt_create} lays it out, which is how QEMU builds the trees it generates: the memory
     * reservation map aligned to its 16-byte entries after the 40-byte header (at 0x30, where dtc
     * puts it at 0x28), the structure block after it.
     */
    public static byte[] writeAsLibfdt(DeviceTree tree, int minTotalSize) {
        return DtbWriter.write(tree, minTotalSize, LIBFDT_OFF_MEM_RSVMAP);
    }

    /** libfdt's FDT_ALIGN(sizeof(struct fdt_header), sizeof(struct fdt_reserve_entry)). */
    static final long LIBFDT_OFF_MEM_RSVMAP = 0x30;

    /** Parses a blob (bytes past its totalsize are ignored). @throws DtbFormatException if it is not a valid DTB */
    public static DeviceTree parse(byte[] blob) {
        return DtbReader.read(MemorySegment.ofArray(blob));
    }

    /** Parses a blob held in any segment; values are copied out, the segment is not kept. */
    public static DeviceTree parse(MemorySegment blob) {
        return DtbReader.read(blob);
    }

    /** Parses a DTB file (mapped, not read into the heap). */
    public static DeviceTree parse(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return DtbReader.read(seg);
        }
    }
}
