package dev.virtfw.testdata;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * A Linux initramfs: a gzip-compressed cpio archive in the "newc" format, the one the kernel
 * unpacks into its root file system ({@code Documentation/driver-api/early-userspace/buffer-format.rst}).
 *
 * <p>Entries are written in the order they were added, each missing parent folder first (the
 * kernel creates nothing on its own). Everything is owned by root, dated 0 and numbered from 1,
 * so the same entries always give the same bytes.
 *
 * <pre>
 * new Initramfs().file("init", script, 0755).file("bin/busybox", busyboxPath, 0755)
 *         .symlink("bin/sh", "busybox").directory("proc").write(Path.of("initrd.cpio.gz"));
 * </pre>
 */
public final class Initramfs {
    /** What an entry is; the file type bits of its cpio mode. */
    public enum Kind {
        DIRECTORY(CpioConstants.C_ISDIR),
        FILE(CpioConstants.C_ISREG),
        SYMLINK(CpioConstants.C_ISLNK),
        CHARACTER_DEVICE(CpioConstants.C_ISCHR);

        final int typeBits;

        Kind(int typeBits) {
            this.typeBits = typeBits;
        }
    }

    /**
     * One archive member.
     *
     * @param path        relative path inside the archive, {@code /}-separated, no leading {@code /}
     * @param kind        what it is
     * @param permissions the permission bits (e.g. 0755)
     * @param content     a file's bytes, or a symlink's target; empty for folders and devices
     * @param major       a device's major number (0 otherwise)
     * @param minor       a device's minor number (0 otherwise)
     */
    public record Entry(String path, Kind kind, int permissions, byte[] content, int major, int minor) {
        public Entry {
            Objects.requireNonNull(path);
            Objects.requireNonNull(kind);
            Objects.requireNonNull(content);
            if (path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.contains("//")) {
                throw new IllegalArgumentException("initramfs path must be relative, without empty parts: \"" + path + "\"");
            }
            if ((permissions & ~07777) != 0) {
                throw new IllegalArgumentException("permissions 0" + Integer.toOctalString(permissions) + " of " + path
                        + " are more than the 12 permission bits");
            }
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** Adds a folder (mode 0755 unless given otherwise). */
    public Initramfs directory(String path) {
        return directory(path, 0755);
    }

    public Initramfs directory(String path, int permissions) {
        return add(new Entry(path, Kind.DIRECTORY, permissions, new byte[0], 0, 0));
    }

    /** Adds a regular file with these bytes. */
    public Initramfs file(String path, byte[] content, int permissions) {
        return add(new Entry(path, Kind.FILE, permissions, content.clone(), 0, 0));
    }

    /** Adds a regular file with the text in UTF-8. */
    public Initramfs file(String path, String text, int permissions) {
        return file(path, text.getBytes(StandardCharsets.UTF_8), permissions);
    }

    /** Adds a regular file with the bytes of a host file (read now). */
    public Initramfs file(String path, Path source, int permissions) throws IOException {
        return add(new Entry(path, Kind.FILE, permissions, Files.readAllBytes(source), 0, 0));
    }

    /** Adds a symbolic link to {@code target} (relative or absolute, as the guest will resolve it). */
    public Initramfs symlink(String path, String target) {
        if (target.isEmpty()) {
            throw new IllegalArgumentException("symlink " + path + " has an empty target");
        }
        return add(new Entry(path, Kind.SYMLINK, 0777, target.getBytes(StandardCharsets.UTF_8), 0, 0));
    }

    /** Adds a character device node (e.g. {@code dev/console}, 5:1). */
    public Initramfs characterDevice(String path, int major, int minor, int permissions) {
        return add(new Entry(path, Kind.CHARACTER_DEVICE, permissions, new byte[0], major, minor));
    }

    /** The entries as they will be written, missing parent folders included. */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** Writes the gzip-compressed archive to {@code out} (replaced if it exists). */
    public void write(Path out) throws IOException {
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out))) {
            write(file);
        }
    }

    /** Writes the gzip-compressed archive to {@code out}, which stays open. */
    public void write(OutputStream out) throws IOException {
        GZIPOutputStream gzip = new GZIPOutputStream(nonClosing(out), 1 << 16);
        try (CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(gzip, CpioConstants.FORMAT_NEW,
                CpioConstants.BLOCK_SIZE, StandardCharsets.UTF_8.name())) {
            long inode = 1;
            for (Entry e : entries.values()) {
                CpioArchiveEntry header = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, e.path(), e.content().length);
                header.setMode(e.kind().typeBits | e.permissions());
                header.setInode(inode++);
                header.setNumberOfLinks(e.kind() == Kind.DIRECTORY ? 2 : 1);
                header.setUID(0);
                header.setGID(0);
                header.setTime(0);
                header.setRemoteDeviceMaj(e.major());
                header.setRemoteDeviceMin(e.minor());
                cpio.putArchiveEntry(header);
                cpio.write(e.content());
                cpio.closeArchiveEntry();
            }
            cpio.finish();
        }
    }

    private Initramfs add(Entry e) {
        if (entries.containsKey(e.path())) {
            throw new IllegalArgumentException("initramfs entry " + e.path() + " added twice");
        }
        List<String> parents = new ArrayList<>();
        for (int slash = e.path().indexOf('/'); slash >= 0; slash = e.path().indexOf('/', slash + 1)) {
            parents.add(e.path().substring(0, slash));
        }
        for (String parent : parents) {
            Entry existing = entries.get(parent);
            if (existing == null) {
                entries.put(parent, new Entry(parent, Kind.DIRECTORY, 0755, new byte[0], 0, 0));
            } else if (existing.kind() != Kind.DIRECTORY) {
                throw new IllegalArgumentException("initramfs entry " + e.path() + " lies under " + parent
                        + ", which is not a folder");
            }
        }
        entries.put(e.path(), e);
        return this;
    }

    /** The cpio writer closes what it wraps; a caller's stream stays open. */
    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
