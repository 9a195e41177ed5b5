package dev.virtfw.devicetree.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real programs the CLI tests compare against or drive: dtc, qemu-system-aarch64 and the
 * ./fdt script. A missing program fails the test (CI installs them); it never skips.
 */
final class ExternalTools {
    private ExternalTools() {}

    /** What a finished process left: exit status, standard output as bytes, standard error as text. */
    record Outcome(int status, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.ISO_8859_1);
        }

        List<String> errLines() {
            return stderr.lines().toList();
        }
    }

    static Outcome run(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(NULL_DEVICE));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.getFirst()
                    + "; install it (the fdt tests compare against it): " + e.getMessage(), e);
        }
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        try {
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + command, e);
        }
        return new Outcome(process.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
    }

    /** {@code dtc -I dtb -O dts FILE}: the reference text, as bytes; dtc must accept the blob. */
    static byte[] dtcDts(Path blob) {
        Outcome dtc = run(List.of("dtc", "-I", "dtb", "-O", "dts", blob.toString()));
        assertThat(dtc.status()).as("dtc -I dtb -O dts %s: %s", blob, dtc.stderr()).isZero();
        return dtc.stdout();
    }

    /** Whether dtc prints the blob as DTS (exit status 0). */
    static boolean dtcAccepts(Path blob) {
        return run(List.of("dtc", "-I", "dtb", "-O", "dts", "-o", NULL_DEVICE.getPath(), blob.toString())).status() == 0;
    }

    private static final File NULL_DEVICE = new File("/dev/null");

    private static byte[] drain(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
