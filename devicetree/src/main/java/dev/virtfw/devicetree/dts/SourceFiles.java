package dev.virtfw.devicetree.dts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds and reads the files a source names, as dtc does: a relative name is tried first beside the
 * file that names it, then in each include directory in turn; the name shown in messages is the
 * joined path dtc would show. Relative paths are taken from {@code workingDir}.
 */
final class SourceFiles {
    /** The largest source file read; sources that exist are well under a megabyte. */
    static final long MAX_SOURCE_SIZE = 64L << 20;
    /** The largest /incbin/ read; a request beyond this is refused before anything is allocated. */
    static final long MAX_INCBIN_SIZE = 64L << 20;

    record Opened(String text, String displayName, String dir) {}

    private final Path workingDir;
    private final List<String> includeDirs;

    SourceFiles(Path workingDir, List<String> includeDirs) {
        this.workingDir = workingDir;
        this.includeDirs = List.copyOf(includeDirs);
    }

    /** dtc's dirname: the text before the last '/', or null when there is none. */
    static String dirOf(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? null : name.substring(0, slash);
    }

    static String join(String dir, String name) {
        if (dir == null || name.startsWith("/")) {
            return name;
        }
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    private Path resolve(String name) {
        return workingDir.resolve(name);
    }

    /**
     * The full name of the first candidate that exists, or a FATAL error as dtc words it. A name
     * holding a NUL ends there, as the C string dtc passes to fopen does.
     */
    String locate(String given, String currentDir) {
        int nul = given.indexOf('\0');
        String name = nul < 0 ? given : given.substring(0, nul);
        String first = join(currentDir, name);
        if (Files.isRegularFile(resolve(first))) {
            return first;
        }
        for (String dir : includeDirs) {
            String candidate = join(dir, name);
            if (Files.isRegularFile(resolve(candidate))) {
                return candidate;
            }
        }
        throw DtsException.fatal("Couldn't open \"" + name + "\": No such file or directory");
    }

    Opened open(String name, String currentDir) {
        String full = locate(name, currentDir);
        return new Opened(readText(full), full, dirOf(full));
    }

    /**
     * The file's text: as many bytes as its size says, no more (a file that claims 0 bytes, as the
     * kernel's /proc files do, reads as empty instead of blocking the compiler on an endless read).
     */
    String readText(String full) {
        Path p = resolve(full);
        try (SeekableByteChannel ch = Files.newByteChannel(p)) {
            long size = ch.size();
            if (size > MAX_SOURCE_SIZE) {
                throw DtsException.fatal("\"" + full + "\" is larger than " + MAX_SOURCE_SIZE + " bytes");
            }
            return new String(readFully(ch, size), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw DtsException.fatal("Couldn't open \"" + full + "\": " + e.getMessage());
        }
    }

    /** Up to {@code want} bytes from the channel's position (fewer if it ends first). */
    private static byte[] readFully(SeekableByteChannel ch, long want) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) want);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
            // read on
        }
        byte[] out = new byte[buf.position()];
        buf.flip().get(out);
        return out;
    }

    /**
     * The whole file ({@code length} -1, the one-argument form), or what the file holds of
     * {@code length} bytes from {@code offset}: as dtc, a range that runs past the end gives the
     * bytes up to the end (none when the offset is past it). A length above
     * {@link #MAX_INCBIN_SIZE} is refused before anything is read (dtc allocates the whole length
     * first), so a mistyped or hostile length cannot make the compiler claim gigabytes.
     */
    byte[] readBinary(String name, String currentDir, long offset, long length) {
        String full = locate(name, currentDir);
        Path p = resolve(full);
        try (SeekableByteChannel ch = Files.newByteChannel(p)) {
            long size = ch.size();
            long start = length == -1 ? 0 : offset;
            long want = length == -1 ? size : length;
            if (Long.compareUnsigned(want, MAX_INCBIN_SIZE) > 0) {
                throw DtsException.fatal("/incbin/ of " + Long.toUnsignedString(want) + " bytes from \"" + full
                        + "\" is larger than " + MAX_INCBIN_SIZE + " bytes");
            }
            long available = Long.compareUnsigned(start, size) >= 0 ? 0 : Math.min(want, size - start);
            ch.position(Long.compareUnsigned(start, size) >= 0 ? size : start);
            return readFully(ch, available);
        } catch (IOException e) {
            throw DtsException.fatal("Couldn't open \"" + name + "\": " + e.getMessage());
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
