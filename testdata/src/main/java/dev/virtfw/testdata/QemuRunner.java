package dev.virtfw.testdata;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
    /** System property naming EDK2's QEMU_EFI.fd to use instead of the package's. */
    public static final String UEFI_PROPERTY = "virtfw.uefi";
    /** Debian's package of EDK2 for QEMU's arm64 virt board. */
    public static final String UEFI_PACKAGE = "qemu-efi-aarch64";

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
        return findPackageFile(UBOOT_PROPERTY, UBOOT_PACKAGE, "/qemu_arm64/u-boot.bin");
    }

    /**
     * EDK2's ArmVirtQemu firmware, the 2 MiB {@code QEMU_EFI.fd} for {@code -bios}:
     * {@value #UEFI_PROPERTY} if set, else the one the installed {@value #UEFI_PACKAGE}
     * package lists.
     */
    public static Optional<Path> findUefi() {
        return findPackageFile(UEFI_PROPERTY, UEFI_PACKAGE, "/QEMU_EFI.fd");
    }

    /** The 64 MiB flash images of the same package: {@code AAVMF_CODE.fd} or {@code AAVMF_VARS.fd}. */
    public static Optional<Path> findUefiFlash(String fileName) {
        return findPackageFile(UEFI_PROPERTY + "." + fileName, UEFI_PACKAGE, "/" + fileName);
    }

    /** {@code property} if set, else the file of {@code debianPackage} whose path ends in {@code suffix}. */
    private static Optional<Path> findPackageFile(String property, String debianPackage, String suffix) {
        String override = System.getProperty(property, "");
        if (!override.isBlank()) {
            Path p = Path.of(override);
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        Optional<Path> dpkg = onPath("dpkg-query");
        if (dpkg.isEmpty()) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(dpkg.get().toString(), "-L", debianPackage)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return listing.lines().filter(l -> l.endsWith(suffix)).map(Path::of)
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

    /**
     * Something to type on the console once it has printed a text.
     *
     * @param after the text to wait for (searched in the output after the previous reply's text)
     * @param send  what to write to standard input then
     */
    public record Reply(String after, String send) {
        public Reply {
            Objects.requireNonNull(after);
            Objects.requireNonNull(send);
        }
    }

    /**
     * Runs QEMU with {@code args} and types on its console (standard input, the guest's UART
     * with -nographic): each reply is sent once its text has appeared, then standard input is
     * closed. Text typed before the guest reads its console is lost, as on a real UART, so
     * wait for a prompt.
     *
     * @throws QemuException when QEMU is not found or cannot be started
     */
    public static Result run(List<String> args, Duration timeout, List<Reply> replies)
            throws QemuException, InterruptedException {
        Path qemu = findQemu().orElseThrow(() -> new QemuException(QEMU_EXECUTABLE
                + " not found on PATH (Debian package qemu-system-arm) and -D" + QEMU_PROPERTY + " not set"));
        List<String> command = new ArrayList<>();
        command.add(qemu.toString());
        command.addAll(args);
        return runProcess(command, timeout, replies);
    }

    /**
     * Runs any console program (the executable first: {@code qemu-system-aarch64}, {@code ./virt}
     * ...) with the replies of {@link #run(List, Duration, List)}; a reply whose text never comes
     * leaves the process to its timeout.
     *
     * @throws QemuException when the program cannot be started or its output cannot be read
     */
    public static Result runProcess(List<String> command, Duration timeout, List<Reply> replies)
            throws QemuException, InterruptedException {
        Objects.requireNonNull(command);
        Objects.requireNonNull(replies);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new QemuException("cannot start " + command.getFirst() + ": " + e.getMessage(), e);
        }
        StringBuilder output = new StringBuilder();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        Thread outReader = Thread.ofPlatform().daemon().start(() -> copy(process.getInputStream(), output));
        Thread errReader = Thread.ofPlatform().daemon().start(() -> {
            try (InputStream in = process.getErrorStream()) {
                in.transferTo(errors);
            } catch (IOException ignored) {
                // the process is gone: what was read is kept
            }
        });
        boolean finished = false;
        try (OutputStream stdin = process.getOutputStream()) {
            int from = 0;
            for (Reply reply : replies) {
                int at;
                while ((at = indexOf(output, reply.after(), from)) < 0 && process.isAlive()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                if (at < 0) {
                    break;
                }
                from = at + reply.after().length();
                stdin.write(reply.send().getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
        } catch (IOException e) {
            // the process closed its input (it ended): its output says why
        }
        try {
            finished = process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        outReader.join(10_000);
        errReader.join(10_000);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        String out;
        synchronized (output) {
            out = output.toString();
        }
        return new Result(out, errors.toString(StandardCharsets.ISO_8859_1), finished ? process.exitValue() : -1,
                !finished, elapsed);
    }

    private static void copy(InputStream in, StringBuilder into) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                synchronized (into) {
                    into.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
            }
        } catch (IOException ignored) {
            // the process is gone: what was read is kept
        }
    }

    private static int indexOf(StringBuilder text, String what, int from) {
        synchronized (text) {
            return text.indexOf(what, from);
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
