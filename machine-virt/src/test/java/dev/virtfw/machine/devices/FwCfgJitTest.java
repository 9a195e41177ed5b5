package dev.virtfw.machine.devices;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.jfr.FlightRecorder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FwCfgJitTest {

    @Test
    @DisplayName("issue 9: the warm-up over a private GuestRam does every round's three checked transfers")
    void warmUpRunsOnPrivateRam() {
        long expected = FlightRecorder.isInitialized() ? 0 : 3L * FwCfgJit.ROUNDS;
        assertThat(FwCfgJit.run()).isEqualTo(expected);
    }

    @Test
    @DisplayName("issue 9: warmUpOnce starts one background thread per JVM at most")
    void onlyOnce() {
        for (int i = 0; i < 5; i++) {
            FwCfgJit.warmUpOnce();
        }
        long threads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("virtfw-jit-warmup")).count();
        assertThat(threads).isLessThanOrEqualTo(1);
    }
}
