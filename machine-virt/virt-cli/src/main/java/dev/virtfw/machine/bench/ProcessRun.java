package dev.virtfw.machine.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one emulator process and times it from the parent's side: the clock starts just before the
 * process is spawned, and the parent notes when the first byte of the guest's console arrives and
 * when the first line with each watched prefix arrives. At the watched {@code memoryMark} line it
 * reads the child's {@code /proc/<pid>/status} (peak and current resident memory).
 */
public final class ProcessRun {
    private ProcessRun() {}

    /** Resident memory of the child, from /proc/&lt;pid&gt;/status, in bytes (0 when not readable). */
    public record Memory(long hwm, long rss, long rssAnon, long rssFile, long rssShmem) {
        public static final Memory NONE = new Memory(0, 0, 0, 0, 0);

        /** Parses the VmHWM, VmRSS, RssAnon, RssFile and RssShmem lines (values in kB). */
        public static Memory parseStatus(String status) {
            Map<String, Long> kb = new LinkedHashMap<>();
            for (String line : status.split("\n")) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String[] w = line.substring(colon + 1).strip().split("\\s+");
                if (w.length == 2 && w[1].equals("kB")) {
                    try {
                        kb.put(line.substring(0, colon), Long.parseLong(w[0]));
                    } catch (NumberFormatException e) {
                        // not a size line
                    }
                }
            }
            return new Memory(kb.getOrDefault("VmHWM", 0L) << 10, kb.getOrDefault("VmRSS", 0L) << 10,
                    kb.getOrDefault("RssAnon", 0L) << 10, kb.getOrDefault("RssFile", 0L) << 10,
                    kb.getOrDefault("RssShmem", 0L) << 10);
        }
    }

    /**
     * @param lines         the console lines (stdout), without line ends
     * @param errors        what the process wrote to stderr
     * @param exitCode      its status (-1 when it was killed at the timeout)
     * @param timedOut      whether the timeout killed it
     * @param firstByteNanos nanoseconds from spawn to the first stdout byte, -1 if none came
     * @param marks         nanoseconds from spawn to the first line starting with each watched prefix
     * @param elapsedNanos  spawn to exit
     * @param memory        the child's memory when the memory mark arrived ({@link Memory#NONE} if it never did)
     */
    public record Result(List<String> lines, String errors, int exitCode, boolean timedOut, long firstByteNanos,
                         Map<String, Long> marks, long elapsedNanos, Memory memory, long guestRamResident) {
        public Optional<Long> mark(String prefix) {
            return Optional.ofNullable(marks.get(prefix));
        }

        public List<TimeLine> timeLines() {
            return TimeLine.parseAll(lines);
        }
    }

    /**
     * Runs {@code command}, watching for lines that start with any of {@code watch}; reads the child's
     * memory when a line starts with {@code memoryMark} (null: never).
     */
    public static Result run(List<String> command, List<String> watch, String memoryMark, Duration timeout,
                             Path scratch) throws IOException, InterruptedException {
        return run(command, watch, memoryMark, timeout, scratch, 0);
    }

    /**
     * As {@link #run(List, List, String, Duration, Path)}; at the memory mark it also reads how much
     * of the guest's RAM is resident: the child's anonymous mapping of exactly {@code ramBytes}
     * bytes in {@code /proc/<pid>/smaps} (0 when there is none, or when {@code ramBytes} is 0).
     */
    public static Result run(List<String> command, List<String> watch, String memoryMark, Duration timeout,
                             Path scratch, long ramBytes) throws IOException, InterruptedException {
        Path errFile = Files.createTempFile(scratch, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.to(errFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        long t0 = System.nanoTime();
        Process p = pb.start();
        Thread killer = Thread.ofPlatform().daemon().name("bench-timeout").start(() -> {
            try {
                if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                // the run ended first
            }
        });
        List<String> lines = new ArrayList<>();
        Map<String, Long> marks = new LinkedHashMap<>();
        long firstByte = -1;
        Memory memory = Memory.NONE;
        long guestRam = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (InputStream in = new BufferedInputStream(p.getInputStream(), 1 << 16)) {
            int b;
            while ((b = in.read()) >= 0) {
                if (firstByte < 0) {
                    firstByte = System.nanoTime() - t0;
                }
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                long now = System.nanoTime() - t0;
                // Console lines end in "\r\n"; a terminal-style output layer may add another "\r".
                String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
                line.reset();
                lines.add(text);
                // A Linux kernel line starts with its timestamp ("[    7.012345] Run /init ..."):
                // the watched text may follow it.
                int stamp = text.startsWith("[") ? text.indexOf("] ") : -1;
                String body = stamp > 0 ? text.substring(stamp + 2) : text;
                for (String w : watch) {
                    if (text.startsWith(w) || body.startsWith(w)) {
                        marks.putIfAbsent(w, now);
                    }
                }
                if (memoryMark != null && memory == Memory.NONE && (text.startsWith(memoryMark) || body.startsWith(memoryMark))) {
                    memory = readMemory(p.pid());
                    guestRam = ramBytes > 0 ? mappingResident(p.pid(), ramBytes) : 0;
                }
            }
        }
        if (line.size() > 0) {
            lines.add(line.toString(StandardCharsets.UTF_8));
        }
        boolean finished = p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        long elapsed = System.nanoTime() - t0;
        killer.interrupt();
        boolean timedOut = !finished || (p.exitValue() != 0 && elapsed >= timeout.toNanos());
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
        String errors = Files.readString(errFile);
        Files.deleteIfExists(errFile);
        return new Result(List.copyOf(lines), errors, finished ? p.exitValue() : -1, timedOut, firstByte,
                Map.copyOf(marks), elapsed, memory, guestRam);
    }

    /** Resident bytes of the child's anonymous mapping of exactly {@code size} bytes (0 when none). */
    static long mappingResident(long pid, long size) {
        try {
            return residentOfMapping(Files.readString(Path.of("/proc", Long.toString(pid), "smaps")), size);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * In the text of a {@code /proc/<pid>/smaps}, the {@code Rss} of the first anonymous mapping
     * (no inode, no path) whose {@code Size} is {@code size} bytes; 0 when there is none.
     */
    static long residentOfMapping(String smaps, long size) {
        boolean candidate = false;
        boolean sized = false;
        for (String line : smaps.split("\n")) {
            String[] w = line.strip().split("\\s+");
            if (w.length >= 5 && w[0].matches("[0-9a-f]+-[0-9a-f]+")) {
                candidate = w[4].equals("0") && w.length == 5;     // anonymous: inode 0, no path
                sized = false;
            } else if (candidate && w.length == 3 && w[0].equals("Size:")) {
                sized = Long.parseLong(w[1]) << 10 == size;
            } else if (candidate && sized && w.length == 3 && w[0].equals("Rss:")) {
                return Long.parseLong(w[1]) << 10;
            }
        }
        return 0;
    }

    private static Memory readMemory(long pid) {
        try {
            return Memory.parseStatus(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        } catch (IOException e) {
            return Memory.NONE;
        }
    }
}
