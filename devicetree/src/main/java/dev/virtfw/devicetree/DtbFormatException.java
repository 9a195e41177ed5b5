package dev.virtfw.devicetree;

/**
 * A blob that is not a valid DTB: what is wrong ({@link #error()}), the byte offset in the blob
 * where it was found ({@link #offset()}) and a detail for people.
 */
public final class DtbFormatException extends RuntimeException {
    private final DtbError error;
    private final long offset;
    private final String detail;

    public DtbFormatException(DtbError error, long offset, String detail) {
        super(error.description() + " at offset 0x" + Long.toHexString(offset) + ": " + detail);
        this.error = error;
        this.offset = offset;
        this.detail = detail;
    }

    public DtbError error() {
        return error;
    }

    public long offset() {
        return offset;
    }

    public String detail() {
        return detail;
    }
}
