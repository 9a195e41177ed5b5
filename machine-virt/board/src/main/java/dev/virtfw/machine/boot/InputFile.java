package dev.virtfw.machine.boot;

import dev.virtfw.machine.ConfigException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A file given on the command line, mapped read-only (never copied into the heap). */
public final class InputFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment contents;
    private final boolean decompressed;

    private InputFile(Path path, Arena arena, MemorySegment contents, boolean decompressed) {
        this.decompressed = decompressed;
        this.path = path;
        this.arena = arena;
        this.contents = contents;
    }

    /** Maps {@code path}; {@code option} ("-kernel") names it in the error line. */
    public static InputFile map(Path path, String option) {
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(option + ": " + path + (Files.exists(path) ? " is not a regular file" : ": no such file"));
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.size() == 0 ? MemorySegment.NULL.reinterpret(0)
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new InputFile(path, arena, seg, false);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new ConfigException(option + ": " + path + ": no such file");
        } catch (IOException e) {
            arena.close();
            throw new ConfigException(option + ": cannot read " + path + ": " + e.getMessage());
        }
    }

    /** QEMU's bound on a decompressed kernel (hw/core/loader.h LOAD_IMAGE_MAX_GUNZIP_BYTES). */
    public static final long MAX_GUNZIP_BYTES = 256L << 20;

    /** Whether the contents start with the gzip magic (RFC 1952: 1f 8b). */
    public boolean isGzip() {
        return contents.byteSize() >= 18 && contents.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) == (byte) 0x1f
                && contents.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1) == (byte) 0x8b;
    }

    /**
     * This file decompressed, as QEMU decompresses a gzip-compressed arm64 {@code -kernel}: the
     * result lives off the heap in memory this object owns; at most {@link #MAX_GUNZIP_BYTES}.
     */
    public InputFile gunzipped(String option) {
        Arena out = Arena.ofShared();
        // The size is known only at the end: the pieces go to a scratch arena released once copied.
        try (Arena pieces = Arena.ofConfined();
             java.io.InputStream in = new java.util.zip.GZIPInputStream(
                     java.nio.channels.Channels.newInputStream(java.nio.channels.FileChannel.open(path)), 1 << 16)) {
            byte[] chunk = new byte[1 << 20];
            java.util.List<MemorySegment> parts = new java.util.ArrayList<>();
            long total = 0;
            int n;
            while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
                total += n;
                if (total > MAX_GUNZIP_BYTES) {
                    throw new ConfigException(option + ": " + path + " decompresses to more than "
                            + (MAX_GUNZIP_BYTES >> 20) + " MiB");
                }
                parts.add(pieces.allocate(n).copyFrom(MemorySegment.ofArray(chunk).asSlice(0, n)));
            }
            MemorySegment whole = out.allocate(Math.max(total, 1), 4096).asSlice(0, total);
            long at = 0;
            for (MemorySegment p : parts) {
                MemorySegment.copy(p, 0, whole, at, p.byteSize());
                at += p.byteSize();
            }
            return new InputFile(path, out, whole, true);
        } catch (IOException e) {
            out.close();
            throw new ConfigException(option + ": " + path + " is not a valid gzip file: " + e.getMessage());
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Whether the contents are the file's own bytes, mapped (not decompressed from it). */
    public boolean isMapping() {
        return !decompressed;
    }

    public Path path() {
        return path;
    }

    public MemorySegment contents() {
        return contents;
    }

    public long size() {
        return contents.byteSize();
    }

    @Override
    public void close() {
        arena.close();
    }
}
