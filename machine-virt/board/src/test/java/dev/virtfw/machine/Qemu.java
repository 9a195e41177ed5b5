package dev.virtfw.machine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the installed qemu-system-aarch64 as the reference (CI installs it; missing means failure). */
final class Qemu {
    static final String BINARY = "qemu-system-aarch64";

    record Result(int status, String stdout) {}

    private Qemu() {}

    /** {@code -M virt -cpu cortex-a57 -m 512 -nic none -nographic} plus {@code args}; console output and status. */
    static Result runVirt(String... args) {
        List<String> cmd = new ArrayList<>(List.of(BINARY, "-M", "virt", "-cpu", "cortex-a57", "-m", "512",
                "-nic", "none", "-nographic"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("QEMU did not finish: " + cmd);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1).replace("\r\n", "\n"));
        } catch (IOException e) {
            throw new AssertionError(BINARY + " could not be run (package qemu-system-arm; ./test installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
