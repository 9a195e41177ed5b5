package dev.virtfw.machine.flash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's U-Boot for qemu_arm64 on real QEMU 7.2: it probes both banks, prints {@code flinfo}
 * and tries {@code saveenv}, while QEMU traces every access to the flash banks. The test keeps
 * {@code flinfo}'s text as a resource for the board's integration test and replays QEMU's traced
 * accesses on {@link PflashCfi01}: every traced read U-Boot made must get QEMU's answer, and the
 * buffer program QEMU 7.2 loses (its write-to-buffer flaw makes saveenv fail) must succeed here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UBootOnQemuTest {
    static final String FLINFO_RESOURCE = "/flash/uboot-flinfo.txt";
    static final Pattern ACCESS = Pattern.compile(
            "pflash_io_(read|write) virt\\.flash([01]): offset:0x([0-9a-f]+) size:(\\d) value:0x([0-9a-f]+)");

    String console;
    List<Access> trace;
    Path uboot;
    /** Bank 1's image as QEMU left it. */
    Path qemuBank1;

    record Access(boolean write, int bank, long offset, int size, long value) {}

    @BeforeAll
    void runUBootOnQemu(@TempDir Path dir) throws Exception {
        uboot = UBoot.binary();
        Path bank1 = dir.resolve("bank1.img");
        qemuBank1 = bank1;
        try (RandomAccessFile f = new RandomAccessFile(bank1.toFile(), "rw")) {
            f.setLength(FlashGeometry.VIRT_BANK_SIZE);
        }
        Path log = dir.resolve("pflash-trace.log");
        Path qemu = HostTools.require("qemu-system-aarch64", "qemu-system-arm");
        Process process = new ProcessBuilder(qemu.toString(), "-M", "virt", "-cpu", "cortex-a57", "-nographic",
                "-nic", "none", "-bios", uboot.toString(), "-drive", "if=pflash,format=raw,index=1,file=" + bank1,
                "-trace", "pflash_io_read", "-trace", "pflash_io_write", "-D", log.toString())
                .redirectErrorStream(true).start();
        Console c = new Console(process);
        try {
            c.await("Hit any key to stop autoboot");
            c.send("\n");
            c.await("=> ");
            c.send("flinfo\n");
            c.await("=> ");
            c.send("setenv flashtest ok\n");
            c.await("=> ");
            c.send("saveenv\n");
            c.await("=> ");
            c.send("\u0001x");                          // QEMU's -nographic escape: quit
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("QEMU quits").isTrue();
        } finally {
            process.destroyForcibly();
        }
        console = c.text().replace("\r\n", "\n");
        trace = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
            Matcher m = ACCESS.matcher(line);
            if (m.find()) {
                trace.add(new Access(m.group(1).equals("write"), Integer.parseInt(m.group(2)),
                        Long.parseLong(m.group(3), 16), Integer.parseInt(m.group(4)), Long.parseLong(m.group(5), 16)));
            }
        }
    }

    @Test
    void flinfoOnQemuMatchesTheKeptResource() throws IOException {
        String expected;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream(FLINFO_RESOURCE), FLINFO_RESOURCE)) {
            expected = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        assertThat(flinfo(console)).isEqualTo(expected);
        assertThat(expected).contains("Bank # 2: CFI conformant flash (16 x 16)  Size: 32 MB in 256 Sectors",
                "Manufacturer ID: 0x89, Device ID: 0x0018", "buffer size: 2048 bytes");
    }

    /** The lines flinfo printed, from its first line to the line before the next prompt. */
    static String flinfo(String console) {
        int command = console.indexOf("=> flinfo\n");
        assertThat(command).as("flinfo ran").isNotNegative();
        int start = command + "=> flinfo\n".length();
        int end = console.indexOf("=> ", start);
        return console.substring(start, end);
    }

    @Test
    void bank0ReadsDuringBootAgreeWithQemu() {
        VolatileFlashStore store = new VolatileFlashStore(FlashGeometry.VIRT_BANK_SIZE);
        try (PflashCfi01 flash = new PflashCfi01(FlashGeometry.VIRT, store)) {
            store.load(MemorySegment.ofArray(readAll(uboot)));
            Replay replay = replay(flash, 0);
            assertThat(replay.reads).as("bank 0 reads traced").isGreaterThan(100);
            assertThat(replay.firstMismatch).as("first read that differs: %s", replay.mismatch).isEqualTo(-1);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * QEMU traces only accesses made while the bank is out of read-array mode, so the reads that
     * show its flaw (after the failed confirm it silently returns to read-array mode and U-Boot
     * polls array data for a status) are not in the trace; the failure shows in the image instead.
     */
    @Test
    void bank1AgreesWithQemuAndKeepsTheBufferProgramQemuLoses(@TempDir Path tmp) throws Exception {
        Path ours = tmp.resolve("ours.img");
        try (RandomAccessFile f = new RandomAccessFile(ours.toFile(), "rw")) {
            f.setLength(FlashGeometry.VIRT_BANK_SIZE);
        }
        List<Long> statusAfterConfirm = new ArrayList<>();
        try (PflashCfi01 flash = new PflashCfi01(FlashGeometry.VIRT,
                JournaledFlashImage.open(ours, FlashGeometry.VIRT_BANK_SIZE, false))) {
            Replay replay = replay(flash, 1, a -> flash.mode() == PflashCfi01.Mode.BUFFER_CONFIRM,
                    a -> statusAfterConfirm.add(flash.read(a.offset(), 2)));
            assertThat(replay.reads).as("bank 1 reads traced").isGreaterThan(300);
            assertThat(replay.firstMismatch).as("first read that differs: %s", replay.mismatch).isEqualTo(-1);
        }
        assertThat(statusAfterConfirm).as("status after each of U-Boot's buffer programs").isNotEmpty()
                .allMatch(status -> status == CfiSpec.SR_READY);
        TreeSet<Long> differing = QemuConformanceTest.differingWindows(qemuBank1, ours);
        if (console.contains("Flash buffer write timeout")) {
            // QEMU 7.2: U-Boot's third 2 KiB chunk (the first one past the block's first 4 KiB) is lost.
            assertThat(console).contains("Failed (1)");
            assertThat(statusAfterConfirm).hasSize(3);
            assertThat(differing).containsExactly(0x1000L);
            assertThat(bytesAt(ours, 0x1000, 2048)).isNotEqualTo(bytesAt(qemuBank1, 0x1000, 2048));
            assertThat(bytesAt(qemuBank1, 0x1000, 2048)).containsOnly((byte) 0xFF);
        } else {
            // A QEMU without the flaw: the whole environment is written, identically.
            assertThat(console).contains("Writing to Flash... done");
            assertThat(differing).isEmpty();
        }
    }

    static byte[] bytesAt(Path file, long offset, int length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[length];
            f.seek(offset);
            f.readFully(b);
            return b;
        }
    }

    static final class Replay {
        int reads;
        int firstMismatch = -1;
        String mismatch = "none";
    }

    private Replay replay(PflashCfi01 flash, int bank) {
        return replay(flash, bank, a -> false, a -> { });
    }

    /**
     * Replays the bank's traced accesses on {@code flash} until the first read that differs; after
     * each write for which {@code watch} held just before it, runs {@code after}.
     */
    private Replay replay(PflashCfi01 flash, int bank, java.util.function.Predicate<Access> watch,
                          java.util.function.Consumer<Access> after) {
        Replay result = new Replay();
        for (int i = 0; i < trace.size(); i++) {
            Access a = trace.get(i);
            if (a.bank() != bank) {
                continue;
            }
            if (a.write()) {
                boolean watched = watch.test(a);
                flash.write(a.offset(), a.size(), a.value());
                if (watched) {
                    after.accept(a);
                }
                continue;
            }
            result.reads++;
            long mask = (1L << (8 * a.size())) - 1;
            long ours = flash.read(a.offset(), a.size());
            if (ours != (a.value() & mask)) {
                result.firstMismatch = i;
                result.mismatch = String.format("#%d %s: QEMU 0x%x, ours 0x%x", i, a, a.value() & mask, ours);
                return result;
            }
        }
        return result;
    }

    private static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** QEMU's serial console: everything it printed so far, and a way to wait for text. */
    static final class Console {
        private final Process process;
        private final OutputStream input;
        private final StringBuilder text = new StringBuilder();
        private int searchFrom;

        Console(Process process) {
            this.process = process;
            this.input = process.getOutputStream();
            Thread.ofPlatform().daemon().start(() -> {
                try (InputStream out = process.getInputStream()) {
                    byte[] buffer = new byte[4096];
                    for (int n; (n = out.read(buffer)) > 0; ) {
                        synchronized (text) {
                            text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                            text.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // QEMU ended
                }
            });
        }

        void await(String marker) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            synchronized (text) {
                int at;
                while ((at = text.indexOf(marker, searchFrom)) < 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !process.isAlive()) {
                        throw new AssertionError("no \"" + marker + "\" from U-Boot; console:\n" + text);
                    }
                    text.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
                searchFrom = at + marker.length();
            }
        }

        void send(String keys) throws IOException {
            input.write(keys.getBytes(StandardCharsets.US_ASCII));
            input.flush();
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }
    }
}
