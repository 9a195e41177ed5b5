package dev.virtfw.devicetree;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real dtc and qemu-system-aarch64 for the comparison tests. They are required (CI
 * installs them): a missing tool fails the test, it never skips.
 */
final class Tools {
    private Tools() {}

    record Result(int exitCode, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.ISO_8859_1);
        }
    }

    static Result run(List<String> command, byte[] stdin) {
        try {
            Process p = new ProcessBuilder(command).start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(p.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.getFirst()
                    + " (install it: the devicetree tests compare against it): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code dtc -I dtb -O dts} of a blob; dtc must succeed. */
    static String dtcToDts(byte[] blob) {
        Result r = run(List.of("dtc", "-q", "-I", "dtb", "-O", "dts", "-"), blob);
        assertThat(r.exitCode()).as("dtc -I dtb -O dts: %s", r.stderr()).isZero();
        return r.out();
    }

    /** {@code dtc -f -I dtb -O dts}: dtc prints even a tree its checks call an error. */
    static String dtcToDtsForced(byte[] blob) {
        Result r = run(List.of("dtc", "-q", "-f", "-I", "dtb", "-O", "dts", "-"), blob);
        assertThat(r.stdout()).as("dtc -f -I dtb -O dts: %s", r.stderr()).isNotEmpty();
        return r.out();
    }

    /** {@code dtc -I dts -O dtb} of a source file; dtc must succeed. */
    static byte[] dtcCompile(Path dts, String... flags) {
        List<String> cmd = new ArrayList<>(List.of("dtc", "-q", "-I", "dts", "-O", "dtb"));
        cmd.addAll(List.of(flags));
        cmd.add(dts.toString());
        Result r = run(cmd, null);
        assertThat(r.exitCode()).as("dtc -I dts -O dtb %s: %s", dts, r.stderr()).isZero();
        return r.stdout();
    }

    /** {@code dtc -I dtb -O dtb} with every warning on; returns the whole result. */
    static Result dtcCheck(byte[] blob) {
        return run(List.of("dtc", "-I", "dtb", "-O", "dtb", "-o", "/dev/null", "-"), blob);
    }

    /** QEMU's virt device tree for the given extra arguments, dumped with dumpdtb. */
    static byte[] qemuVirtDtb(Path dir, String machineOptions, String... extra) throws IOException {
        Path out = dir.resolve("virt-" + Integer.toHexString((machineOptions + String.join(" ", extra)).hashCode()) + ".dtb");
        List<String> cmd = new ArrayList<>(List.of("qemu-system-aarch64", "-M",
                "virt" + machineOptions + ",dumpdtb=" + out, "-nic", "none", "-nographic"));
        cmd.addAll(List.of(extra));
        Result r = run(cmd, null);
        assertThat(Files.exists(out)).as("qemu dumpdtb %s: exit %d %s", cmd, r.exitCode(), r.stderr()).isTrue();
        return Files.readAllBytes(out);
    }
}
