package dev.virtfw.testdata;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code qemu-system-aarch64} for tests: a given argument list, a
 * timeout, the console collected. Meant for side-by-side tests of our machine
 * against QEMU; it starts nothing but the one process and kills it on timeout.
 *
 * <pre>
 * var r = QemuRunner.run(QemuRunner.virtArgs("-bios", fw.toString()), Duration.ofSeconds(20));
 * r.lines().stream().filter(l -> l.startsWith("CHECK ")) ...
 * </pre>
 */
public final class QemuRunner {
    /** The executable looked up on PATH. */
    public static final String QEMU_EXECUTABLE = "qemu-system-aarch64";
    /** System property naming the QEMU executable instead of the PATH look-up. */
    public static final String QEMU_PROPERTY = "virtfw.qemu";
    /** System property naming U-Boot's qemu_arm64 {@code u-boot.bin} instead of asking dpkg. */
    public static final String UBOOT_PROPERTY = "virtfw.uboot";
    /** Lines of the test images that carry timings and differ from run to run. */
    public static final String TIMING_PREFIX = "TIME ";
    /** The Debian package that ships U-Boot for QEMU. */
    public static final String UBOOT_PACKAGE = "u-boot-qemu";

    private QemuRunner() {
    }

    /**
     * One run's outcome.
     *
     * @param output   everything QEMU wrote to stdout (the guest console with -nographic)
     * @param errors   what QEMU wrote to stderr
     * @param exitCode the exit code, or -1 when it was killed on timeout
     * @param timedOut whether the timeout expired
     * @param elapsed  wall time of the run
     */
    public record Result(String output, String errors, int exitCode, boolean timedOut, Duration elapsed) {
        /** The console split into lines (either line ending). */
        public List<String> lines() {
            return output.lines().toList();
        }

        /** The console lines that start with {@code prefix}. */
        public List<String> linesStartingWith(String prefix) {
            return output.lines().filter(l -> l.startsWith(prefix)).toList();
        }

        /**
         * The console without timing lines ({@code TIME ...}, which every test
         * image prints separately for this purpose): what a side-by-side
         * comparison with another machine looks at.
         */
        public List<String> comparableLines() {
            return output.lines().filter(l -> !l.startsWith(TIMING_PREFIX)).toList();
        }

        /** Normal end: QEMU exited by itself with code 0 (for example after PSCI SYSTEM_OFF). */
        public boolean exitedCleanly() {
            return !timedOut && exitCode == 0;
        }
    }

    /**
     * The board options every test uses: {@code -M virt -cpu cortex-a57
     * -nographic -nic none}, followed by {@code extra}.
     */
    public static List<String> virtArgs(String... extra) {
        List<String> args = new ArrayList<>(List.of("-M", "virt", "-cpu", "cortex-a57", "-nographic", "-nic", "none"));
        args.addAll(List.of(extra));
        return args;
    }

    /** The QEMU executable: {@value #QEMU_PROPERTY} if set, else {@value #QEMU_EXECUTABLE} on PATH. */
    public static Optional<Path> findQemu() {
        String override = System.getProperty(QEMU_PROPERTY, "");
        if (!override.isBlank()) {
            Path p = Path.of(override);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        return onPath(QEMU_EXECUTABLE);
    }

    /**
     * U-Boot for QEMU's arm64 virt board: {@value #UBOOT_PROPERTY} if set, else
     * the {@code qemu_arm64/u-boot.bin} of the installed {@value #UBOOT_PACKAGE}
     * package, as {@code dpkg-query -L} lists it.
     */
    public static Optional<Path> findUBoot() {
        String override = System.getProperty(UBOOT_PROPERTY, "");
        if (!override.isBlank()) {
            Path p = Path.of(override);
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        Optional<Path> dpkg = onPath("dpkg-query");
        if (dpkg.isEmpty()) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(dpkg.get().toString(), "-L", UBOOT_PACKAGE)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return listing.lines().filter(l -> l.endsWith("/qemu_arm64/u-boot.bin")).map(Path::of)
                    .filter(Files::isRegularFile).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Runs QEMU with {@code args} (without the executable) and stdin closed,
     * waits at most {@code timeout}, kills it if it is still running, and
     * returns its output.
     *
     * @throws QemuException when QEMU is not found or cannot be started
     */
    public static Result run(List<String> args, Duration timeout) throws QemuException, InterruptedException {
        Objects.requireNonNull(args);
        Path qemu = findQemu().orElseThrow(() -> new QemuException(QEMU_EXECUTABLE
                + " not found on PATH (Debian package qemu-system-arm) and -D" + QEMU_PROPERTY + " not set"));
        List<String> command = new ArrayList<>();
        command.add(qemu.toString());
        command.addAll(args);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("qemu-", ".out");
            err = Files.createTempFile("qemu-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            long start = System.nanoTime();
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new QemuException("cannot start " + qemu + ": " + e.getMessage(), e);
            }
            process.getOutputStream().close(); // the guest sees end of input
            boolean finished;
            try {
                finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } finally {
                if (process.isAlive()) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            int code = finished ? process.exitValue() : -1;
            return new Result(Files.readString(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.ISO_8859_1), code, !finished, elapsed);
        } catch (IOException e) {
            throw new QemuException("cannot collect the output of " + qemu + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }
}
