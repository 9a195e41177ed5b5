package dev.virtfw.devicetree;

import java.util.Objects;

/**
 * One validation finding: how bad, which check, where (node path and, when the finding is about a
 * property, its name) and what. {@link #toString()} prints it the way dtc prints its checks:
 * {@code ERROR (name): /path:prop: text}.
 */
public record Finding(Severity severity, String check, String path, String property, String message) {
    public enum Severity {
        ERROR("ERROR"),
        WARNING("Warning");

        private final String label;

        Severity(String label) {
            this.label = label;
        }

        /** The word dtc prints: "ERROR" or "Warning". */
        public String label() {
            return label;
        }
    }

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return severity.label() + " (" + check + "): " + path + (property == null ? "" : ":" + property) + ": "
                + message;
    }
}
