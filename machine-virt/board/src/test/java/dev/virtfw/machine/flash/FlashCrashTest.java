package dev.virtfw.machine.flash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM that is erasing and programming an image, at random moments, several times, and
 * checks each time that the image opens, that every 4 KiB buffer program is either wholly in the
 * file or wholly absent, that every iteration the worker reported done is in the file, that the
 * interrupted iteration left its block as before or erased with a prefix of its windows programmed,
 * and that no other block changed.
 */
class FlashCrashTest {
    static final int ROUNDS = 6;
    static final int WINDOWS = (int) (FlashCrashWorker.BLOCK / FlashCrashWorker.WINDOW);
    /** Exit status {@link Process#exitValue()} gives a process ended by SIGKILL (128 + 9). */
    static final int KILLED_BY_SIGKILL = 128 + 9;

    @TempDir
    Path dir;

    /** When the parent kills the worker, and whether it reads the worker's reports meanwhile. */
    enum Kill {
        /** {@code delayMs} after the worker is ready. */
        AFTER_READY,
        /** {@code delayMs} after the worker's first completed iteration. */
        AFTER_PROGRESS,
        /**
         * As {@link #AFTER_PROGRESS}, but the parent reads nothing more until the worker is dead,
         * and kills it {@code delayMs} after the image shows that the worker has begun to rewrite
         * the block of that first iteration: the reports of the iterations between are still in the
         * pipe when it dies, as when the reading thread is starved on a loaded machine.
         */
        AFTER_PROGRESS_READER_STALLED
    }

    @ParameterizedTest
    @EnumSource(JournaledFlashImage.Durability.class)
    void aKilledWriterNeverLeavesATornBufferProgram(JournaledFlashImage.Durability durability) throws Exception {
        Path image = emptyImage();
        Random random = new Random(20261125);
        long next = 0;
        int roundsWithProgress = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[][] before = blocks(image);
            // Most rounds kill at a random moment after the first completed iteration (so every such
            // round has progress to check, however slow fsync is); every third kills early, often
            // in the first erase or buffer programs.
            Kill kill = round % 3 != 2 ? Kill.AFTER_PROGRESS : Kill.AFTER_READY;
            long lastDone = runAndKill(image, next, durability, kill,
                    random.nextInt(kill == Kill.AFTER_PROGRESS ? 1500 : 600));
            if (lastDone >= 0) {
                roundsWithProgress++;
            }
            next = checkRecovered(image, before, next, lastDone, "round " + round);
        }
        assertThat(roundsWithProgress).as("rounds in which the worker finished an iteration").isGreaterThanOrEqualTo(4);
        assertThat(next).as("iterations completed over all rounds").isGreaterThan(ROUNDS);
    }

    /**
     * The worker reports iterations faster than a starved parent reads them; the reports still in
     * the pipe when it is killed must be counted, or the test would judge the image by an iteration
     * the worker has long since overwritten.
     */
    @Test
    void iterationsReportedJustBeforeTheKillAreCounted() throws Exception {
        Path image = emptyImage();
        long next = 0;
        for (int round = 0; round < 2; round++) {
            byte[][] before = blocks(image);
            long lastDone = runAndKill(image, next, JournaledFlashImage.Durability.PROCESS_CRASH_ONLY,
                    Kill.AFTER_PROGRESS_READER_STALLED, 50);
            assertThat(lastDone).as("round %d: iterations reported while the parent was not reading", round)
                    .isGreaterThanOrEqualTo(next + FlashCrashWorker.BLOCKS - 1);
            next = checkRecovered(image, before, next, lastDone, "stalled round " + round);
        }
    }

    Path emptyImage() throws IOException {
        Path image = dir.resolve("crash.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(FlashGeometry.VIRT_BANK_SIZE);
        }
        return image;
    }

    /**
     * Opens and closes the image (completing its journal), then checks it against a worker run that
     * started at iteration {@code first} on blocks {@code before} and last reported {@code lastDone}
     * (-1: none); returns the iteration the run was interrupted in.
     */
    static long checkRecovered(Path image, byte[][] before, long first, long lastDone, String round)
            throws Exception {
        JournaledFlashImage.open(image, FlashGeometry.VIRT_BANK_SIZE, false).close();
        byte[][] after = blocks(image);
        for (int b = 0; b < FlashCrashWorker.BLOCKS; b++) {
            for (int w = 0; w < WINDOWS; w++) {
                assertThat(classify(after[b], w).kind).as("%s block %d window %d: %s", round, b, w, describe(after[b]))
                        .isNotEqualTo(Kind.TORN);
            }
        }
        long inProgress = lastDone < 0 ? first : lastDone + 1;
        for (int b = 0; b < FlashCrashWorker.BLOCKS; b++) {
            // The last iteration this round completed on block b, if any.
            long last = inProgress - 1 - Math.floorMod(inProgress - 1 - b, FlashCrashWorker.BLOCKS);
            if (b == blockIndex(inProgress)) {
                // Either not started (as its last iteration left it), or erased and then a prefix of
                // its windows programmed in order.
                boolean notStarted = last >= first ? allWindowsOf(after[b], last) : Arrays.equals(before[b], after[b]);
                if (!notStarted) {
                    int w = 0;
                    while (w < WINDOWS && classify(after[b], w).equals(new Window(Kind.PATTERN, inProgress))) {
                        w++;
                    }
                    for (; w < WINDOWS; w++) {
                        assertThat(classify(after[b], w).kind).as("%s: interrupted iteration %d, window %d: %s",
                                round, inProgress, w, describe(after[b])).isEqualTo(Kind.ERASED);
                    }
                }
            } else if (last >= first) {
                assertThat(describe(after[b])).as("%s: block %d, of iteration %d reported done (last reported %d)",
                        round, b, last, lastDone).isEqualTo(describe(allWindows(last)));
            } else {
                assertThat(Arrays.equals(before[b], after[b])).as("%s: block %d, untouched this round, unchanged: %s",
                        round, b, describe(after[b])).isTrue();
            }
        }
        return inProgress;
    }

    static byte[] allWindows(long iteration) {
        byte[] block = new byte[(int) FlashCrashWorker.BLOCK];
        for (int w = 0; w < WINDOWS; w++) {
            System.arraycopy(FlashCrashWorker.pattern(iteration, w), 0, block, w * FlashCrashWorker.WINDOW,
                    FlashCrashWorker.WINDOW);
        }
        return block;
    }

    /** A block's windows as runs, e.g. "0-5 iteration 74, 6-63 ERASED". */
    static String describe(byte[] block) {
        StringBuilder s = new StringBuilder();
        int from = 0;
        for (int w = 1; w <= WINDOWS; w++) {
            if (w == WINDOWS || !classify(block, w).equals(classify(block, from))) {
                Window run = classify(block, from);
                s.append(s.isEmpty() ? "" : ", ").append(from).append('-').append(w - 1).append(' ')
                        .append(run.kind == Kind.PATTERN ? "iteration " + run.iteration : run.kind.name());
                from = w;
            }
        }
        return s.toString();
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
     * Runs the worker from iteration {@code first}, kills it (SIGKILL) as {@code kill} says, and
     * returns the last iteration it reported done, or -1: every report it wrote before it died.
     */
    static long runAndKill(Path image, long first, JournaledFlashImage.Durability durability, Kill kill, int delayMs)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                FlashCrashWorker.class.getName(), image.toString(), Long.toString(first), durability.name()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        AtomicLong lastDone = new AtomicLong(-1);
        AtomicReference<Exception> readFailure = new AtomicReference<>();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        CompletableFuture<Void> progress = new CompletableFuture<>();
        CompletableFuture<Void> dead = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equals("ready")) {
                        ready.complete(null);
                    } else if (line.startsWith("done ")) {
                        lastDone.set(Long.parseLong(line.substring(5)));
                        if (progress.complete(null) && kill == Kill.AFTER_PROGRESS_READER_STALLED) {
                            dead.get();
                        }
                    }
                }
            } catch (IOException | InterruptedException | ExecutionException e) {
                readFailure.set(e);
            } finally {
                ready.complete(null);
                progress.complete(null);
            }
        });
        try {
            ready.get(60, TimeUnit.SECONDS);
            assertThat(process.isAlive()).as("worker running (see its stderr above)").isTrue();
            if (kill != Kill.AFTER_READY) {
                progress.get(120, TimeUnit.SECONDS);
                assertThat(process.isAlive()).as("worker still running (see its stderr above)").isTrue();
            }
            if (kill == Kill.AFTER_PROGRESS_READER_STALLED) {
                awaitRewriteOf(image, lastDone.get(), process);
            }
            Thread.sleep(delayMs);
            // Through the handle: Process.destroyForcibly() would also close this end of the worker's
            // stdout, throwing away the reports still in the pipe that the reader has not reached.
            process.toHandle().destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("worker ended after SIGKILL").isTrue();
            assertThat(process.exitValue()).as("worker ended by the kill, not on its own (see its stderr above)")
                    .isEqualTo(KILLED_BY_SIGKILL);
            dead.complete(null);
            reader.join(Duration.ofSeconds(60));
            assertThat(reader.isAlive()).as("worker's stdout read to its end").isFalse();
            assertThat(readFailure.get()).as("reading the worker's stdout").isNull();
        } finally {
            dead.complete(null);
            process.destroyForcibly();
        }
        assertThat(Files.exists(image)).isTrue();
        return lastDone.get();
    }

    /** Waits until window 0 of iteration {@code k}'s block no longer holds iteration {@code k}. */
    static void awaitRewriteOf(Path image, long k, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        byte[] window = new byte[FlashCrashWorker.WINDOW];
        while (true) {
            try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "r")) {
                f.seek(FlashCrashWorker.blockOf(k));
                f.readFully(window);
            }
            if (!classify(window, 0).equals(new Window(Kind.PATTERN, k))) {
                return;
            }
            assertThat(process.isAlive()).as("worker still running (see its stderr above)").isTrue();
            assertThat(System.nanoTime()).as("worker began iteration %d within 120 s", k + FlashCrashWorker.BLOCKS)
                    .isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
