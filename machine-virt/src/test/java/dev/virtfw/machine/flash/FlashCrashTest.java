package dev.virtfw.machine.flash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM that is erasing and programming an image, at random moments, several times, and
 * checks each time that the image opens and that every 4 KiB buffer program is either wholly in
 * the file or wholly absent, and that every iteration the worker reported done is in the file.
 */
class FlashCrashTest {
    static final int ROUNDS = 6;
    static final int WINDOWS = (int) (FlashCrashWorker.BLOCK / FlashCrashWorker.WINDOW);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(JournaledFlashImage.Durability.class)
    void aKilledWriterNeverLeavesATornBufferProgram(JournaledFlashImage.Durability durability) throws Exception {
        Path image = dir.resolve("crash.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(FlashGeometry.VIRT_BANK_SIZE);
        }
        Random random = new Random(20261125);
        long next = 0;
        int roundsWithProgress = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[][] before = blocks(image);
            // Most rounds kill at a random moment after the first completed iteration (so every such
            // round has progress to check, however slow fsync is); every third kills early, often
            // in the first erase or buffer programs.
            boolean afterProgress = round % 3 != 2;
            long lastDone = runAndKill(image, next, durability, afterProgress, random.nextInt(afterProgress ? 1500 : 600));
            JournaledFlashImage.open(image, FlashGeometry.VIRT_BANK_SIZE, false).close();
            byte[][] after = blocks(image);
            for (int b = 0; b < FlashCrashWorker.BLOCKS; b++) {
                for (int w = 0; w < WINDOWS; w++) {
                    Window state = classify(after[b], w);
                    assertThat(state.kind).as("round %d block %d window %d", round, b, w).isNotEqualTo(Kind.TORN);
                }
            }
            long inProgress = lastDone < 0 ? next : lastDone + 1;
            if (lastDone >= 0) {
                roundsWithProgress++;
                int b = blockIndex(lastDone);
                for (int w = 0; w < WINDOWS; w++) {
                    Window state = classify(after[b], w);
                    assertThat(state.kind).as("reported done %d, window %d", lastDone, w).isEqualTo(Kind.PATTERN);
                    assertThat(state.iteration).isEqualTo(lastDone);
                }
            }
            int b = blockIndex(inProgress);
            long previous = inProgress - FlashCrashWorker.BLOCKS;   // last iteration on that block
            boolean notStarted = previous >= next
                    ? allWindowsOf(after[b], previous)                // rewritten earlier this round
                    : Arrays.equals(before[b], after[b]);             // as the round found it
            if (!notStarted) {
                // Erased, then a prefix of the windows programmed, in order.
                int w = 0;
                while (w < WINDOWS && classify(after[b], w).kind == Kind.PATTERN
                        && classify(after[b], w).iteration == inProgress) {
                    w++;
                }
                for (; w < WINDOWS; w++) {
                    assertThat(classify(after[b], w).kind).as("interrupted %d window %d", inProgress, w)
                            .isEqualTo(Kind.ERASED);
                }
            }
            next = inProgress;
        }
        assertThat(roundsWithProgress).as("rounds in which the worker finished an iteration").isGreaterThanOrEqualTo(4);
        assertThat(next).as("iterations completed over all rounds").isGreaterThan(ROUNDS);
    }

    static boolean allWindowsOf(byte[] block, long iteration) {
        for (int w = 0; w < WINDOWS; w++) {
            Window state = classify(block, w);
            if (state.kind != Kind.PATTERN || state.iteration != iteration) {
                return false;
            }
        }
        return true;
    }

    static int blockIndex(long k) {
        return (int) (FlashCrashWorker.blockOf(k) / FlashCrashWorker.BLOCK) - 1;
    }

    enum Kind { INITIAL, ERASED, PATTERN, TORN }

    record Window(Kind kind, long iteration) {}

    static Window classify(byte[] block, int w) {
        byte[] window = Arrays.copyOfRange(block, w * FlashCrashWorker.WINDOW, (w + 1) * FlashCrashWorker.WINDOW);
        if (allEqual(window, (byte) 0)) {
            return new Window(Kind.INITIAL, -1);
        }
        if (allEqual(window, (byte) 0xFF)) {
            return new Window(Kind.ERASED, -1);
        }
        long k = 0;
        for (int i = 7; i >= 0; i--) {
            k = k << 8 | (window[i] & 0xFF);
        }
        if (k >= 0 && k < 1_000_000 && Arrays.equals(window, FlashCrashWorker.pattern(k, w))) {
            return new Window(Kind.PATTERN, k);
        }
        return new Window(Kind.TORN, -1);
    }

    static boolean allEqual(byte[] bytes, byte value) {
        for (byte b : bytes) {
            if (b != value) {
                return false;
            }
        }
        return true;
    }

    static byte[][] blocks(Path image) throws IOException {
        byte[][] blocks = new byte[FlashCrashWorker.BLOCKS][];
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "r")) {
            for (int b = 0; b < blocks.length; b++) {
                blocks[b] = new byte[(int) FlashCrashWorker.BLOCK];
                f.seek((b + 1) * FlashCrashWorker.BLOCK);
                f.readFully(blocks[b]);
            }
        }
        return blocks;
    }

    /**
     * Runs the worker from iteration {@code first} and kills it {@code delayMs} after it is ready, or
     * after its first completed iteration if {@code afterProgress}; returns the last iteration it
     * reported done, or -1.
     */
    static long runAndKill(Path image, long first, JournaledFlashImage.Durability durability, boolean afterProgress,
                           int delayMs) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                FlashCrashWorker.class.getName(), image.toString(), Long.toString(first), durability.name()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        AtomicLong lastDone = new AtomicLong(-1);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        CompletableFuture<Void> progress = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equals("ready")) {
                        ready.complete(null);
                    } else if (line.startsWith("done ")) {
                        lastDone.set(Long.parseLong(line.substring(5)));
                        progress.complete(null);
                    }
                }
            } catch (IOException e) {
                // the process was killed
            } finally {
                ready.complete(null);
                progress.complete(null);
            }
        });
        try {
            ready.get(60, TimeUnit.SECONDS);
            assertThat(process.isAlive()).as("worker running (see its stderr above)").isTrue();
            if (afterProgress) {
                progress.get(120, TimeUnit.SECONDS);
                assertThat(process.isAlive()).as("worker still running (see its stderr above)").isTrue();
            }
            Thread.sleep(delayMs);
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
        } finally {
            process.destroyForcibly();
        }
        assertThat(Files.exists(image)).isTrue();
        return lastDone.get();
    }
}
