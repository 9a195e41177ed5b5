package dev.virtfw.devicetree;

/**
 * An overlay that cannot be applied to its base: what is wrong ({@link #error()}), which overlay
 * (its index in the call, from 0), and the overlay node or label concerned, named in the message.
 * The error names follow libfdt's codes where libfdt has one, so a failure can be matched with
 * what {@code fdtoverlay} reports.
 */
public final class OverlayException extends RuntimeException {
    /** What went wrong, with the libfdt error code fdtoverlay reports for the same overlay. */
    public enum Error {
        /** A fragment with an {@code __overlay__} node has neither {@code target} nor {@code target-path} (FDT_ERR_BADOVERLAY). */
        NO_TARGET("FDT_ERR_BADOVERLAY"),
        /** The fragment's target phandle or path names no node of the base (FDT_ERR_NOTFOUND, FDT_ERR_BADPATH). */
        TARGET_NOT_FOUND("FDT_ERR_NOTFOUND"),
        /** A {@code target} or {@code phandle} property that is not one valid cell (FDT_ERR_BADPHANDLE). */
        BAD_PHANDLE("FDT_ERR_BADPHANDLE"),
        /** Adding the base's largest phandle to the overlay's runs out of phandle values (FDT_ERR_NOPHANDLES). */
        NO_PHANDLES("FDT_ERR_NOPHANDLES"),
        /** A label the overlay refers to is not in the base's {@code __symbols__}, or its node has no phandle (FDT_ERR_NOTFOUND). */
        LABEL_NOT_FOUND("FDT_ERR_NOTFOUND"),
        /** A malformed {@code __fixups__} or {@code __local_fixups__} entry, or one pointing outside its property (FDT_ERR_BADOVERLAY). */
        BAD_FIXUP("FDT_ERR_BADOVERLAY"),
        /** An overlay {@code __symbols__} entry that is not one absolute path string (FDT_ERR_BADVALUE). */
        BAD_SYMBOL("FDT_ERR_BADVALUE"),
        /** The base blob's version is below 16, which libfdt cannot edit, or an overlay's below 2 (FDT_ERR_BADVERSION). */
        BAD_VERSION("FDT_ERR_BADVERSION");

        private final String libfdtCode;

        Error(String libfdtCode) {
            this.libfdtCode = libfdtCode;
        }

        /** The libfdt error code fdtoverlay prints for this failure. */
        public String libfdtCode() {
            return libfdtCode;
        }
    }

    private final Error error;
    private final int overlayIndex;

    public OverlayException(Error error, int overlayIndex, String message) {
        super(message);
        this.error = error;
        this.overlayIndex = overlayIndex;
    }

    public Error error() {
        return error;
    }

    /** Which overlay of the call failed, counted from 0; -1 when the base is at fault. */
    public int overlayIndex() {
        return overlayIndex;
    }
}
