package dev.virtfw.machine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the preloader promises, read from the kernel's own account: after it ran, every page of a
 * file mapping is in this process's page tables ({@code Rss} of that mapping in
 * {@code /proc/self/smaps}), and before it ran none was.
 */
class PreloaderTest {

    @Test
    @DisplayName("after preloading, the whole file mapping is resident in this process (smaps Rss)")
    void mapsEveryPage(@TempDir Path dir) throws Exception {
        long size = 3 * Preloader.CHUNK + 12345; // several chunks and a partial page at the end
        Path file = write(dir.resolve("kernel-like"), size);
        try (Arena arena = Arena.ofShared(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            assertThat(residentKiB(mapped)).as("untouched mapping").isLessThan(size / 1024 / 4);
            try (Preloader p = Preloader.start(List.of(mapped))) {
                p.awaitDone();
            }
            long pages = (size + 4095) / 4096;
            assertThat(residentKiB(mapped)).isEqualTo(pages * 4);
        }
    }

    @Test
    @DisplayName("contents are not changed and non-mapped or empty segments are skipped")
    void skipsWhatIsNotAFileMapping(@TempDir Path dir) throws Exception {
        Path file = write(dir.resolve("blob"), 70_000);
        byte[] before = Files.readAllBytes(file);
        try (Arena arena = Arena.ofShared(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, 70_000, arena);
            MemorySegment heap = MemorySegment.ofArray(new byte[16]);
            MemorySegment offHeap = arena.allocate(4096);
            try (Preloader p = Preloader.start(List.of(heap, offHeap, MemorySegment.NULL, mapped))) {
                p.awaitDone();
            }
            assertThat(mapped.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(before);
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        try (Preloader none = Preloader.start(List.of())) {
            none.awaitDone(); // no thread at all: returns at once
        }
    }

    @Test
    @DisplayName("close() stops and waits, so the mapping can be unmapped right after; a second close is harmless")
    void closeWaitsForTheThread(@TempDir Path dir) throws Exception {
        long size = 8 * Preloader.CHUNK;
        Path file = write(dir.resolve("big"), size);
        Arena arena = Arena.ofShared();
        MemorySegment mapped;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        }
        Preloader p = Preloader.start(List.of(mapped));
        p.close();
        arena.close(); // would fail with IllegalStateException if the thread still used the mapping
        p.close();
        assertThat(arena.scope().isAlive()).isFalse();
    }

    private static Path write(Path path, long size) throws IOException {
        byte[] chunk = new byte[1 << 16];
        new Random(size).nextBytes(chunk);
        try (var out = Files.newOutputStream(path)) {
            for (long done = 0; done < size; done += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, size - done));
            }
        }
        return path;
    }

    /** The Rss line of the smaps entry whose address range starts at the segment's page. */
    private static long residentKiB(MemorySegment s) throws IOException {
        long start = s.address() & -4096L;
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int dash = line.indexOf('-');
            if (dash > 0 && line.indexOf(' ') > dash && isHex(line.substring(0, dash))
                    && Long.parseUnsignedLong(line.substring(0, dash), 16) == start) {
                for (int j = i + 1; j < lines.size(); j++) {
                    if (lines.get(j).startsWith("Rss:")) {
                        return Long.parseLong(lines.get(j).replaceAll("[^0-9]", ""));
                    }
                }
            }
        }
        throw new AssertionError("no smaps entry starts at 0x" + Long.toHexString(start));
    }

    private static boolean isHex(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }
}
