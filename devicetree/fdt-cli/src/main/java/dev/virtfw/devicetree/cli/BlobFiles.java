package dev.virtfw.devicetree.cli;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.Dtb;
import dev.virtfw.devicetree.DtbFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading and writing the files the subcommands name, with every failure turned into one {@link CliException}. */
final class BlobFiles {
    private BlobFiles() {}

    /**
     * The largest file read. A DTB's totalsize is a u32, but the blobs that exist are kilobytes
     * to a few megabytes; a file beyond this is refused before anything is allocated for it.
     */
    static final long MAX_BLOB_SIZE = 256L << 20;

    /** The whole file, or a {@link CliException} with {@link ExitCode#INVALID_INPUT} saying why not. */
    static byte[] read(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw new CliException(ExitCode.INVALID_INPUT, file + ": is a directory");
            }
            long size = Files.size(file);
            if (size > MAX_BLOB_SIZE) {
                throw new CliException(ExitCode.INVALID_INPUT, String.format(
                        "%s: file of %d bytes is larger than fdt reads (%d bytes)", file, size, MAX_BLOB_SIZE));
            }
            // Bounded even when size() says nothing (a pipe, a device) or the file grows meanwhile.
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(Math.toIntExact(MAX_BLOB_SIZE) + 1);
            }
            if (bytes.length > MAX_BLOB_SIZE) {
                throw new CliException(ExitCode.INVALID_INPUT, String.format(
                        "%s: file is larger than fdt reads (%d bytes)", file, MAX_BLOB_SIZE));
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.INVALID_INPUT, file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new CliException(ExitCode.INVALID_INPUT, file + ": permission denied", e);
        } catch (IOException e) {
            throw new CliException(ExitCode.INVALID_INPUT, file + ": cannot read: " + describe(e), e);
        }
    }

    /** Writes {@code bytes} to {@code file}, replacing it. */
    static void write(Path file, byte[] bytes) {
        checkWritable(file);
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw cannotWrite(file, e);
        }
    }

    /** Refuses, before anything is written, an output path that names a directory. */
    static void checkWritable(Path file) {
        if (Files.isDirectory(file)) {
            throw new CliException(ExitCode.INVALID_INPUT, file + ": cannot write: is a directory");
        }
    }

    /** The one line for a failed write: a path that cannot be, exit 2; anything else, exit 3. */
    static CliException cannotWrite(Path file, IOException e) {
        return switch (e) {
            case NoSuchFileException missing ->
                    new CliException(ExitCode.INVALID_INPUT, file + ": cannot write: no such directory", e);
            case AccessDeniedException denied ->
                    new CliException(ExitCode.INVALID_INPUT, file + ": cannot write: permission denied", e);
            default -> new CliException(ExitCode.UNEXPECTED_STATE, file + ": cannot write: " + describe(e), e);
        };
    }

    /** The file read ({@link #read}) and parsed; a blob the library refuses is {@link #malformed}. */
    static DeviceTree readTree(Path file) {
        byte[] blob = read(file);
        try {
            return Dtb.parse(blob);
        } catch (DtbFormatException e) {
            throw malformed(file, e);
        }
    }

    /** The one line for a blob the library refused: the file, the fault and its offset. */
    static CliException malformed(Path file, DtbFormatException e) {
        return new CliException(ExitCode.INVALID_INPUT, file + ": " + e.getMessage(), e);
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
