package dev.virtfw.machine;

import java.nio.file.Path;

/**
 * A flash bank backed by a file could not keep the guest's writes: a program or erase failed to
 * reach the file while the guest ran (the guest saw a flash error), or the final force and journal
 * removal on close failed. The file may not hold what the guest wrote, so this is never dropped:
 * the command line reports it in one line with a non-zero status.
 */
public final class FlashNotSavedException extends MachineException {
    private final int bank;
    private final Path image;

    FlashNotSavedException(int bank, Path image, String what, Throwable cause) {
        super("flash bank " + bank + " (" + image + "): " + what, cause);
        this.bank = bank;
        this.image = image;
    }

    /** The bank's index: 0 or 1. */
    public int bank() {
        return bank;
    }

    /** The image file concerned. */
    public Path image() {
        return image;
    }
}
