package dev.virtfw.machine;

import dev.virtfw.machine.flash.FileChannelOpener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A raw image backing one of the two flash banks: QEMU's
 * {@code -drive if=pflash,format=raw,file=PATH[,readonly=on][,index=N][,cache=unsafe]}.
 *
 * @param bank        0 or 1 (QEMU's unit: {@code index=N}, else the lowest bank not yet taken)
 * @param file        the image, exactly one bank (64 MiB) long
 * @param readOnly    {@code readonly=on}: the guest cannot change the image
 * @param cacheUnsafe {@code cache=unsafe}: changes survive a killed process but are not forced to disk
 * @param files       how the image and its journal are opened ({@link FileChannelOpener#DEFAULT};
 *                    a test injects file-system faults here)
 */
public record FlashDrive(int bank, Path file, boolean readOnly, boolean cacheUnsafe, FileChannelOpener files) {
    /** The virt board's flash banks. */
    public static final int BANKS = 2;

    public FlashDrive {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(files, "files");
        if (bank < 0 || bank >= BANKS) {
            throw new IllegalArgumentException("flash bank must be 0 or 1: " + bank);
        }
    }

    /** A drive whose files are opened by the file system ({@link FileChannelOpener#DEFAULT}). */
    public FlashDrive(int bank, Path file, boolean readOnly, boolean cacheUnsafe) {
        this(bank, file, readOnly, cacheUnsafe, FileChannelOpener.DEFAULT);
    }

    /** This drive with its files opened through {@code opener}. */
    public FlashDrive withFiles(FileChannelOpener opener) {
        return new FlashDrive(bank, file, readOnly, cacheUnsafe, opener);
    }

    /**
     * Parses the {@code -drive} options in command-line order and gives each its bank as QEMU does:
     * an explicit {@code index} takes that bank, a drive without one takes the lowest bank still
     * free when it is reached; a bank given twice, or a third drive, is refused.
     *
     * @throws ConfigException an option QEMU would refuse or that this board does not support,
     *                         with QEMU's wording where QEMU has one
     */
    public static List<FlashDrive> fromOptions(List<String> options) {
        FlashDrive[] banks = new FlashDrive[BANKS];
        List<FlashDrive> result = new ArrayList<>();
        for (String text : options) {
            Parsed p = parse(text);
            int bank;
            if (p.index >= 0) {
                bank = p.index;
                if (bank >= BANKS) {
                    throw new ConfigException("-drive " + text + ": machine type does not support if=pflash,bus=0,unit="
                            + bank);
                }
                if (banks[bank] != null) {
                    throw new ConfigException("-drive " + text + ": drive with bus=0, unit=" + bank + " (index=" + bank
                            + ") exists");
                }
            } else {
                bank = 0;
                while (bank < BANKS && banks[bank] != null) {
                    bank++;
                }
                if (bank == BANKS) {
                    throw new ConfigException("-drive " + text + ": machine type does not support if=pflash,bus=0,unit="
                            + bank);
                }
            }
            banks[bank] = new FlashDrive(bank, p.file, p.readOnly, p.cacheUnsafe);
            result.add(banks[bank]);
        }
        return List.copyOf(result);
    }

    private record Parsed(Path file, boolean readOnly, boolean cacheUnsafe, int index) {}

    /** One {@code -drive} argument: comma-separated key=value pairs, ",," being a literal comma. */
    private static Parsed parse(String text) {
        String iface = null;
        String file = null;
        boolean readOnly = false;
        boolean cacheUnsafe = false;
        int index = -1;
        for (String option : splitOptions(text)) {
            int eq = option.indexOf('=');
            String key = eq < 0 ? option : option.substring(0, eq);
            String value = eq < 0 ? "" : option.substring(eq + 1);
            switch (key) {
                case "if" -> iface = value;
                case "file" -> file = value;
                case "format" -> {
                    if (!value.equals("raw")) {
                        throw new ConfigException("-drive " + text + ": only format=raw is supported");
                    }
                }
                case "readonly" -> readOnly = onOff(text, "read-only", value);
                case "index", "unit" -> index = unit(text, key, value);
                case "cache" -> {
                    switch (value) {
                        case "unsafe" -> cacheUnsafe = true;
                        case "writeback", "writethrough", "none", "directsync" -> cacheUnsafe = false;
                        default -> throw new ConfigException("-drive " + text + ": invalid cache option '" + value
                                + "' (writeback, writethrough, none, directsync or unsafe)");
                    }
                }
                case "bus" -> {
                    if (!value.equals("0")) {
                        throw new ConfigException("-drive " + text + ": machine type does not support if=pflash,bus="
                                + value);
                    }
                }
                default -> throw new ConfigException("-drive " + text + ": unsupported option '" + key
                        + "' (if, file, format, readonly, index, unit, bus, cache)");
            }
        }
        if (iface == null || !iface.equals("pflash")) {
            throw new ConfigException("-drive " + text + ": only if=pflash is supported (this board has no disks)");
        }
        if (file == null || file.isEmpty()) {
            throw new ConfigException("-drive " + text + ": A block device must be specified for \"file\"");
        }
        return new Parsed(Path.of(file), readOnly, cacheUnsafe, index);
    }

    private static List<String> splitOptions(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',' && i + 1 < text.length() && text.charAt(i + 1) == ',') {
                current.append(',');
                i++;
            } else if (c == ',') {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        parts.removeIf(String::isEmpty);
        return parts;
    }

    /** QEMU's boolean option values. */
    private static boolean onOff(String text, String name, String value) {
        return switch (value) {
            case "on", "yes", "true", "" -> true;
            case "off", "no", "false" -> false;
            default -> throw new ConfigException("-drive " + text + ": Parameter '" + name + "' expects 'on' or 'off'");
        };
    }

    private static int unit(String text, String key, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException("-drive " + text + ": " + key + " must be a non-negative number: '" + value + "'");
        }
    }
}
