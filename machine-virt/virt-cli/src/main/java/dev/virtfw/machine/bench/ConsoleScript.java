package dev.virtfw.machine.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An expect-style serial console on a machine run as a child process (ours or QEMU, the same
 * command line): wait for text ({@link #await}), type ({@link #send}), and time a firmware command
 * from the moment its line is typed to the next prompt ({@link #timeCommand}). Standard error joins
 * the console. Everything read is kept, so a failure can show it.
 */
public final class ConsoleScript implements AutoCloseable {
    private final String who;
    private final Process process;
    private final OutputStream input;
    private final StringBuilder text = new StringBuilder();
    private int searchFrom;

    private ConsoleScript(String who, Process process) {
        this.who = who;
        this.process = process;
        this.input = process.getOutputStream();
        Thread.ofPlatform().daemon().name("bench-console-" + who).start(() -> {
            try (InputStream out = process.getInputStream()) {
                byte[] buffer = new byte[1 << 16];
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

    /** Starts {@code command}; {@code who} names it in messages. */
    public static ConsoleScript start(String who, List<String> command) throws IOException {
        return new ConsoleScript(who, new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /**
     * Waits until {@code marker} appears after everything awaited so far; returns the text from
     * there to the marker's end, and the time it appeared ({@link System#nanoTime()}).
     */
    public Seen await(String marker, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (text) {
            int at;
            while ((at = text.indexOf(marker, searchFrom)) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !moreMayCome()) {
                    throw new BenchException(who + ": no \"" + marker.strip() + "\" on the console (" + (left <= 0
                            ? "waited " + timeout.toSeconds() + " s" : "the process ended") + "); it ends with: "
                            + tail());
                }
                text.wait(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
            }
            long when = System.nanoTime();
            int from = searchFrom;
            searchFrom = at + marker.length();
            return new Seen(text.substring(from, searchFrom), when);
        }
    }

    /** What {@link #await} found and when. */
    public record Seen(String text, long nanoTime) {}

    /** After the process ended, one short wait for its last output. */
    private boolean moreMayCome() throws InterruptedException {
        int before = text.length();
        text.wait(200);
        return text.length() > before;
    }

    /** Types {@code keys}. */
    public void send(String keys) throws IOException {
        input.write(keys.getBytes(StandardCharsets.US_ASCII));
        input.flush();
    }

    /**
     * Types {@code line} at {@code prompt} and waits for the next prompt: returns the nanoseconds
     * from the keystroke that ends the line to the prompt's arrival, and what the command printed.
     */
    Timed timeCommand(String line, String prompt, Duration timeout) throws IOException, InterruptedException {
        send(line);
        await(line, timeout);                       // the echo, before the timed Enter
        long start = System.nanoTime();
        send("\n");
        Seen s = await(prompt, timeout);
        return new Timed(s.nanoTime() - start, s.text());
    }

    /** A timed command: elapsed nanoseconds and its output up to the prompt. */
    record Timed(long nanos, String output) {}

    /** Waits for the process to end; returns its status, or throws after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new BenchException(who + " did not end within " + timeout.toSeconds() + " s; it ends with: " + tail());
        }
        return process.exitValue();
    }

    /** Everything the console showed so far, as it came ("\r\n" line ends kept). */
    public String text() {
        synchronized (text) {
            return text.toString();
        }
    }

    /** The child's process ID. */
    public long pid() {
        return process.pid();
    }

    /** Ends the process and its children at once (SIGKILL: no shutdown hook, no flush). */
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private String tail() {
        synchronized (text) {
            String t = text.toString().replace("\r", "").strip();
            return t.length() <= 400 ? t : "..." + t.substring(t.length() - 400);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
