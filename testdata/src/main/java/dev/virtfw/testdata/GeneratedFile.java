package dev.virtfw.testdata;

import java.nio.file.Path;

/**
 * A file written by one of this module's generators.
 *
 * @param path  where it was written
 * @param size  its length in bytes
 * @param crc32 CRC-32 (as {@link java.util.zip.CRC32}) of the whole file
 */
public record GeneratedFile(Path path, long size, long crc32) {
}
