package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** QEMU's log trace backend with -msg timestamp=on writes "%d@%zu.%06zu:" before each event. */
class TraceLogTest {
    @Test
    void theTimePrefixHasSixDigitsOfMicroseconds() {
        assertThat(TraceLog.prefix(42, Instant.ofEpochSecond(1796415964L, 5_000)).toString())
                .isEqualTo("42@1796415964.000005:");
        assertThat(TraceLog.prefix(7, Instant.ofEpochSecond(3, 999_999_999)).toString()).isEqualTo("7@3.999999:");
        assertThat(TraceLog.prefix(7, Instant.ofEpochSecond(3, 120_000_000)).toString()).isEqualTo("7@3.120000:");
    }

    @Test
    void linesAreStampedWithTheEventsTimeOnlyWhenAsked() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new TraceLog(out, true).line(Instant.ofEpochSecond(10, 1_000), "event a");
        new TraceLog(out, false).line(Instant.ofEpochSecond(10, 1_000), "event b");
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList())
                .containsExactly(ProcessHandle.current().pid() + "@10.000001:event a", "event b");
    }
}
