package dev.virtfw.testdata;

/** QEMU could not be found or started, or its output could not be collected. */
public final class QemuException extends Exception {
    private static final long serialVersionUID = 1L;

    public QemuException(String message) {
        super(message);
    }

    public QemuException(String message, Throwable cause) {
        super(message, cause);
    }
}
