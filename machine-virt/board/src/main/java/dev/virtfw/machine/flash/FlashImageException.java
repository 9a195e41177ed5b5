package dev.virtfw.machine.flash;

import java.nio.file.Path;

/**
 * A flash image could not be opened or kept up to date. {@link #getMessage()} is one line fit for
 * the user: it names the file and what is wrong with it.
 */
public final class FlashImageException extends Exception {
    /** What went wrong, for callers that react differently to each. */
    public enum Reason {
        /** The file's size differs from the bank's (QEMU refuses such a file the same way). */
        WRONG_SIZE,
        /** The file is missing, not a regular file, or could not be read or written. */
        IO,
        /** Another process holds the image's journal lock. */
        IN_USE,
        /** The journal beside the image belongs to an image of another size. */
        FOREIGN_JOURNAL
    }

    private final Path image;
    private final Reason reason;

    FlashImageException(Path image, Reason reason, String detail, Throwable cause) {
        super(image + ": " + detail, cause);
        this.image = image;
        this.reason = reason;
    }

    FlashImageException(Path image, Reason reason, String detail) {
        this(image, reason, detail, null);
    }

    /** The image file concerned. */
    public Path image() {
        return image;
    }

    /** Why it failed. */
    public Reason reason() {
        return reason;
    }
}
