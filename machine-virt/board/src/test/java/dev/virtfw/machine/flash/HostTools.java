package dev.virtfw.machine.flash;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The cross tools and QEMU the conformance tests run, found on PATH (CI installs them; no skipping). */
final class HostTools {
    private HostTools() {}

    /** The executable {@code name} on PATH, or a failure that says which Debian package provides it. */
    static Path require(String name, String debianPackage) {
        return find(name).orElseThrow(() -> new AssertionError(name + " not found on PATH; install the Debian package "
                + debianPackage + " (./test does)"));
    }

    static Optional<Path> find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Output of a finished process. */
    record Result(int exitCode, String stdout) {}

    /** Runs {@code command} in {@code dir} with stdin from {@code input} (or empty), failing after the timeout. */
    static Result run(Path dir, List<String> command, Path input, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        builder.redirectInput(input == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                : ProcessBuilder.Redirect.from(input.toFile()));
        Process process = builder.start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new AssertionError(command.get(0) + " did not finish in " + timeoutSeconds + " s; output so far:\n"
                        + Files.readString(out, StandardCharsets.ISO_8859_1));
            }
        } finally {
            process.destroyForcibly();
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
    }

    /** Runs a command that must succeed. */
    static String check(Path dir, List<String> command) throws IOException, InterruptedException {
        Result result = run(dir, command, null, 60);
        if (result.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + result.exitCode() + "):\n"
                    + result.stdout());
        }
        return result.stdout();
    }
}
