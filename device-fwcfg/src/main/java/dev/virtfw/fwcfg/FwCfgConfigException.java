package dev.virtfw.fwcfg;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A configuration of fw_cfg items that QEMU would refuse: raised while items are added, never while
 * the guest runs. {@link #reason()} says which rule was broken; key and name say where.
 */
public final class FwCfgConfigException extends FwCfgException {
    /** The rule that was broken. */
    public enum Reason {
        /** The selector is not one an item can be added under. */
        KEY_OUT_OF_RANGE,
        /** An item already exists under this selector. */
        KEY_IN_USE,
        /** A named file with this name already exists. */
        DUPLICATE_NAME,
        /** The name does not fit the directory's 56-byte field with its NUL, is empty, or holds a NUL. */
        INVALID_NAME,
        /** Every slot of the file directory is taken. */
        DIRECTORY_FULL,
        /** The item is larger than a fw_cfg length (a uint32 below 0xFFFFFFFF) can describe. */
        ITEM_TOO_LARGE,
        /** The file could not be opened or mapped. */
        FILE_UNREADABLE,
        /** The number of file slots is outside what QEMU accepts. */
        INVALID_FILE_SLOTS,
        /** The store is in use by a device (or closed) and no longer takes items. */
        SEALED
    }

    private final Reason reason;
    private final int key;
    private final String name;
    private final Path file;

    FwCfgConfigException(Reason reason, int key, String name, String message, Throwable cause) {
        this(reason, key, name, null, message, cause);
    }

    private FwCfgConfigException(Reason reason, int key, String name, Path file, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason);
        this.key = key;
        this.name = name;
        this.file = file;
    }

    static FwCfgConfigException forKey(Reason reason, int key, String message) {
        return new FwCfgConfigException(reason, key, null, String.format("fw_cfg key 0x%04x: %s", key, message), null);
    }

    static FwCfgConfigException forName(Reason reason, String name, String message) {
        return new FwCfgConfigException(reason, -1, name, "fw_cfg file \"" + name + "\": " + message, null);
    }

    /**
     * {@link Reason#FILE_UNREADABLE}: {@code file} could not be opened or mapped; the exception is
     * the cause, and the message ends with what kind of failure it was.
     */
    static FwCfgConfigException unreadable(int key, String name, Path file, Exception cause) {
        String text = "cannot map " + file + ": " + kind(cause);
        return new FwCfgConfigException(Reason.FILE_UNREADABLE, key, name, file,
                name != null ? "fw_cfg file \"" + name + "\": " + text : String.format("fw_cfg key 0x%04x: %s", key, text),
                cause);
    }

    /** The failure in a few words, from its type: the path is in the message already. */
    private static String kind(Exception e) {
        return switch (e) {
            case NoSuchFileException n -> "no such file";
            case AccessDeniedException a -> "permission denied";
            case FileSystemException f when f.getReason() != null -> f.getReason();
            case UnsupportedOperationException u -> "not a file that can be mapped";
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }

    public Reason reason() {
        return reason;
    }

    /** The selector concerned, or -1 when the error is about a named file. */
    public int key() {
        return key;
    }

    /** The file name concerned, or null when the error is about a numbered item. */
    public String name() {
        return name;
    }

    /** The host file concerned ({@link Reason#FILE_UNREADABLE}), or null. */
    public Path file() {
        return file;
    }
}
