package dev.virtfw.machine.uboot;

import dev.virtfw.machine.Main;
import dev.virtfw.machine.bench.BenchException;
import dev.virtfw.machine.bench.ConsoleScript;
import dev.virtfw.testdata.QemuRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    private final ConsoleScript script;

    private ConsoleSession(Engine engine, ConsoleScript script) {
        this.engine = engine;
        this.script = script;
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
        return new ConsoleSession(Engine.VIRT, ConsoleScript.start(Engine.VIRT.name(), cmd));
    }

    /** Starts qemu-system-aarch64 with {@code args}. */
    static ConsoleSession qemu(List<String> args) throws IOException {
        Path qemu = QemuRunner.findQemu().orElseThrow(() -> new AssertionError(
                "qemu-system-aarch64 not found (Debian package qemu-system-arm; CI installs it)"));
        List<String> cmd = new ArrayList<>();
        cmd.add(qemu.toString());
        cmd.addAll(virtArgs(args));
        return new ConsoleSession(Engine.QEMU, ConsoleScript.start(Engine.QEMU.name(), cmd));
    }

    static ConsoleSession start(Engine engine, List<String> args) throws IOException {
        return engine == Engine.VIRT ? virt(args) : qemu(args);
    }

    Engine engine() {
        return engine;
    }

    long pid() {
        return script.pid();
    }

    /** Waits until {@code marker} appears after everything awaited so far; returns the text up to its end. */
    String await(String marker) throws InterruptedException {
        try {
            return script.await(marker, WAIT).text();
        } catch (BenchException e) {
            throw new AssertionError(e.getMessage() + "\nwhole console:\n" + text(), e);
        }
    }

    /** Types {@code keys} on the console. */
    void send(String keys) throws IOException {
        script.send(keys);
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
        try {
            return script.awaitExit(WAIT);
        } catch (BenchException e) {
            throw new AssertionError(engine + " did not end; console:\n" + text(), e);
        }
    }

    /** Everything the console showed, "\r\n" as "\n". */
    String text() {
        return script.text().replace("\r\n", "\n");
    }

    /** Ends the process at once (SIGKILL: no shutdown hook, no flush). */
    void kill() throws InterruptedException {
        script.kill();
    }

    @Override
    public void close() throws InterruptedException {
        script.close();
    }
}
