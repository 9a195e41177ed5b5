package dev.virtfw.machine.uboot;

import dev.virtfw.machine.Main;
import dev.virtfw.testdata.QemuRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An expect-style scripted serial console on a machine running as a child process: ours (the
 * {@code ./virt} command line, {@link Main}, on the test class path) or {@code qemu-system-aarch64},
 * given the same arguments. The script waits for text on the console ({@link #await}) and types
 * lines ({@link #send}); {@link #command} is one U-Boot command from prompt to prompt.
 */
final class ConsoleSession implements AutoCloseable {
    /** U-Boot's prompt. */
    static final String PROMPT = "=> ";
    /** The prompt at the start of a line ("==> " in crc32's answer is not one). */
    static final String PROMPT_LINE = "\n" + PROMPT;
    /** Longest wait for one expected text (U-Boot's slowest step here is well below it). */
    static final Duration WAIT = Duration.ofSeconds(60);

    enum Engine { VIRT, QEMU }

    private final Engine engine;
    private final Process process;
    private final OutputStream input;
    private final StringBuilder text = new StringBuilder();
    private int searchFrom;

    private ConsoleSession(Engine engine, Process process) {
        this.engine = engine;
        this.process = process;
        this.input = process.getOutputStream();
        Thread.ofPlatform().daemon().name("console-" + engine).start(() -> {
            try (InputStream out = process.getInputStream()) {
                byte[] buffer = new byte[4096];
                for (int n; (n = out.read(buffer)) > 0; ) {
                    synchronized (text) {
                        text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                        text.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            synchronized (text) {
                text.notifyAll();
            }
        });
    }

    /** {@code -M virt -cpu cortex-a57 -nographic -nic none} and {@code args}, as QEMU's tests run it. */
    static List<String> virtArgs(List<String> args) {
        List<String> all = new ArrayList<>(List.of("-M", "virt", "-cpu", "cortex-a57", "-nographic", "-nic", "none"));
        all.addAll(args);
        return all;
    }

    /** Starts our launcher's main class with {@code args} (standard error joins the console). */
    static ConsoleSession virt(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        String lib = System.getProperty("virtfw.unicorn.lib", "");
        if (!lib.isBlank()) {
            cmd.add("-Dvirtfw.unicorn.lib=" + lib);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(virtArgs(args));
        return new ConsoleSession(Engine.VIRT, new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** Starts qemu-system-aarch64 with {@code args}. */
    static ConsoleSession qemu(List<String> args) throws IOException {
        Path qemu = QemuRunner.findQemu().orElseThrow(() -> new AssertionError(
                "qemu-system-aarch64 not found (Debian package qemu-system-arm; CI installs it)"));
        List<String> cmd = new ArrayList<>();
        cmd.add(qemu.toString());
        cmd.addAll(virtArgs(args));
        return new ConsoleSession(Engine.QEMU, new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    static ConsoleSession start(Engine engine, List<String> args) throws IOException {
        return engine == Engine.VIRT ? virt(args) : qemu(args);
    }

    Engine engine() {
        return engine;
    }

    long pid() {
        return process.pid();
    }

    /** Waits until {@code marker} appears after everything awaited so far; returns the text up to its end. */
    String await(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (text) {
            int at;
            while ((at = text.indexOf(marker, searchFrom)) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && text.indexOf(marker, searchFrom) < 0 && drained())) {
                    throw new AssertionError(engine + ": no \"" + marker + "\" on the console; it shows:\n" + text);
                }
                text.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
            }
            int from = searchFrom;
            searchFrom = at + marker.length();
            return text.substring(from, searchFrom);
        }
    }

    /** True once the process has ended and a moment has passed for its last output to arrive. */
    private boolean drained() throws InterruptedException {
        text.wait(200);
        return true;
    }

    /** Types {@code keys} on the console. */
    void send(String keys) throws IOException {
        input.write(keys.getBytes(StandardCharsets.US_ASCII));
        input.flush();
    }

    /**
     * Types {@code line} at the prompt and returns what the command printed, from after its echo
     * to before the next prompt, with "\r\n" as "\n".
     */
    String command(String line) throws IOException, InterruptedException {
        send(line + "\n");
        await(line + "\r");                  // the echo; its line end starts what follows
        String out = await(PROMPT_LINE);       // "\n" + what the command printed + "\n=> "
        return out.substring(1, out.length() - PROMPT.length()).replace("\r\n", "\n");
    }

    /** Types {@code line} without waiting for a prompt (reset, poweroff, boot). */
    void commandNoPrompt(String line) throws IOException {
        send(line + "\n");
    }

    /** Waits for the process to end; returns its status. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError(engine + " did not end; console:\n" + text());
        }
        return process.exitValue();
    }

    /** Everything the console showed, "\r\n" as "\n". */
    String text() {
        synchronized (text) {
            return text.toString().replace("\r\n", "\n");
        }
    }

    /** Ends the process at once (SIGKILL: no shutdown hook, no flush). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
