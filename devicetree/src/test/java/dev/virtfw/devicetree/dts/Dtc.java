package dev.virtfw.devicetree.dts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real dtc, cpp and fdtoverlay the DTS tests compare against. Output and errors go through
 * files in a scratch folder (no reader threads), so many can run from a thread pool. A missing
 * program fails the test: CI installs them.
 */
final class Dtc {
    private Dtc() {}

    /** Exit status, standard output bytes, standard error text. */
    record Run(int status, byte[] out, String err) {
        /** dtc's first error line (not its warnings), or "" when it printed none. */
        String firstError() {
            for (String line : err.lines().toList()) {
                if (line.startsWith("Error:") || line.startsWith("Lexical error:") || line.startsWith("FATAL ERROR:")
                        || line.contains(": ERROR (")) {
                    return line;
                }
            }
            return "";
        }

        String text() {
            return new String(out, StandardCharsets.ISO_8859_1);
        }
    }

    static Run run(Path scratch, Path workingDir, List<String> command) {
        try {
            Path out = Files.createTempFile(scratch, "out", ".bin");
            Path err = Files.createTempFile(scratch, "err", ".txt");
            try {
                Process p = new ProcessBuilder(command).directory(workingDir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out: " + command);
                }
                return new Run(p.exitValue(), Files.readAllBytes(out), Files.readString(err, StandardCharsets.ISO_8859_1));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.getFirst() + " (install it: the DTS tests compare against it): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code dtc -I dts -O dtb} with the given flags; standard output holds the blob when it succeeds. */
    static Run compile(Path scratch, Path workingDir, Path source, String... flags) {
        List<String> cmd = new ArrayList<>(List.of("dtc", "-I", "dts", "-O", "dtb"));
        cmd.addAll(List.of(flags));
        cmd.add(source.toString());
        return run(scratch, workingDir, cmd);
    }

    static Path write(Path dir, String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
