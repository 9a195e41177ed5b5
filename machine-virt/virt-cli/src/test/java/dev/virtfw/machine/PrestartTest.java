package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrestartTest {

    @Test
    @DisplayName("nothing is prepared for --help, --version or the benchmark driver; a board run is")
    void onlyForRuns() {
        assertThat(Prestart.begin(new String[] {"--help"})).isFalse();
        assertThat(Prestart.begin(new String[] {"-M", "virt", "--version"})).isFalse();
        assertThat(Prestart.begin(new String[] {"--bench", "tiny"})).isFalse();
        assertThat(Prestart.begin(new String[] {"--bench=tiny"})).isFalse();
        assertThat(Prestart.begin(new String[] {"-M", "virt", "-bios", "x.bin"})).isTrue();
        Prestart.prepare(); // again, on this thread: idempotent, never throws
    }

    @Test
    @DisplayName("the first-use DMA runs its three checked transfers on private memory (none with a recorder)")
    void firstDmaOnPrivateMemory() {
        StringWriter err = new StringWriter();
        assertThat(Prestart.firstDma(2L << 20, new PrintWriter(err))).isEqualTo(
                jdk.jfr.FlightRecorder.isInitialized() ? 0 : 3);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    @DisplayName("a warm-up that cannot do what it checks is one warning line, not silence")
    void aFailedWarmUpIsReported() {
        StringWriter err = new StringWriter();
        // 4 KiB of scratch RAM is less than the warm-up needs: FwCfgWarmUp refuses it.
        assertThat(Prestart.firstDma(4096, new PrintWriter(err))).isEqualTo(-1);
        assertThat(err.toString()).hasLineCount(1)
                .startsWith("virt: warning: the fw_cfg start-up check failed (a device bug; please report it): "
                        + "fw_cfg warm-up: scratch memory must hold");
    }

    @Test
    @DisplayName("the late-bound downcalls (stop, close, protect, remove cache) work when first used after start")
    void lateBoundDowncallsWork() {
        dev.virtfw.machine.unicorn.Unicorn.prepareLate(); // idempotent, never throws
        try (var uc = dev.virtfw.machine.unicorn.Unicorn.open(dev.virtfw.machine.unicorn.CpuModel.CORTEX_A57,
                new dev.virtfw.machine.unicorn.EngineHooks() {
                    @Override
                    public void interrupt(int intno) {}

                    @Override
                    public void invalidMemory(int type, long address, int size, long value) {}
                });
                java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment page = arena.allocate(1 << 16, 1 << 12);
            uc.memMapPtr(0x1000_0000L, page, dev.virtfw.machine.unicorn.Unicorn.PROT_READ);
            uc.memProtect(0x1000_0000L, 1 << 16, dev.virtfw.machine.unicorn.Unicorn.PROT_READ
                    | dev.virtfw.machine.unicorn.Unicorn.PROT_WRITE);
            uc.removeCache(0x1000_0000L, 0x1000_0000L + (1 << 16));
            uc.memUnmap(0x1000_0000L, 1 << 16);
            uc.stop();
        }
    }

    @Test
    @DisplayName("a Unicorn library that cannot be loaded is still one clear line, not a trace from the prestart thread")
    void missingLibraryStaysOneLine(@TempDir Path dir) throws Exception {
        Path bios = Files.write(dir.resolve("bios.bin"), new byte[4096]);
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED",
                "-Dvirtfw.unicorn.lib=" + dir.resolve("no/libunicorn.so.2"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "-M", "virt", "-nographic", "-bios", bios.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isNotZero();
        assertThat(out).isEmpty();
        assertThat(err.lines().toList()).as(err).hasSize(1);
        assertThat(err).startsWith("virt: error: ").contains("Unicorn library not found at " + dir.resolve("no"));
    }
}
