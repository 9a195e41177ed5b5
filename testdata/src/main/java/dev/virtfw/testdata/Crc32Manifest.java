package dev.virtfw.testdata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Builds the manifest the fwcfg test firmware reads from the fw_cfg file
 * {@link TestData#CRC32_MANIFEST_FILE}. Format, one line per fw_cfg file:
 * <pre>
 * &lt;name&gt; &lt;size&gt; &lt;crc32&gt;\n
 * </pre>
 * {@code name} is the fw_cfg file name (1 to 55 bytes of printable ASCII
 * without spaces), {@code size} its length in decimal, {@code crc32} its
 * CRC-32 (as zlib and {@link CRC32}) as 8 lower-case hex digits. The
 * firmware checks every listed file by each read method and reports a
 * listed file that is missing from the directory; it handles at most
 * {@link #MAX_ENTRIES} lines.
 */
public final class Crc32Manifest {
    /** Entries the firmware accepts. */
    public static final int MAX_ENTRIES = 64;
    /** fw_cfg file names hold at most 55 bytes plus the NUL (FW_CFG_MAX_FILE_PATH = 56). */
    public static final int MAX_NAME_LENGTH = 55;

    private record Entry(long size, long crc32) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** Adds a file given by its content. */
    public Crc32Manifest add(String name, byte[] content) {
        CRC32 crc = new CRC32();
        crc.update(content);
        return put(name, content.length, crc.getValue());
    }

    /** Adds a file whose content is read from {@code file}. */
    public Crc32Manifest add(String name, Path file) throws IOException {
        CRC32 crc = new CRC32();
        long size = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; size += n) {
                crc.update(buf, 0, n);
            }
        }
        return put(name, size, crc.getValue());
    }

    /** Adds an entry with a given size and CRC (e.g. a deliberately wrong one). */
    public Crc32Manifest put(String name, long size, long crc32) {
        checkName(name);
        if (size < 0 || (crc32 & ~0xFFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("bad size " + size + " or CRC-32 " + crc32 + " for " + name);
        }
        if (!entries.containsKey(name) && entries.size() == MAX_ENTRIES) {
            throw new IllegalArgumentException("more than " + MAX_ENTRIES + " manifest entries");
        }
        entries.put(name, new Entry(size, crc32));
        return this;
    }

    /** The manifest's text. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        HexFormat hex = HexFormat.of();
        entries.forEach((name, e) -> sb.append(name).append(' ').append(e.size()).append(' ')
                .append(hex.toHexDigits((int) e.crc32())).append('\n'));
        return sb.toString();
    }

    /** Writes {@link #text()} as ASCII to {@code file} and returns it. */
    public Path write(Path file) throws IOException {
        return Files.writeString(file, text(), StandardCharsets.US_ASCII);
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("fw_cfg file name must have 1 to " + MAX_NAME_LENGTH
                    + " characters: \"" + name + "\"");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new IllegalArgumentException("fw_cfg file name with a space or non-printable character: \""
                        + name + "\"");
            }
        }
    }
}
