package dev.virtfw.fwcfg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.jfr.Recording;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The JIT warm-up: real transfers on a private device, inside the scratch memory it was given. */
class FwCfgWarmUpTest {

    @Test
    @DisplayName("every round does three checked DMA transfers and writes only inside its scratch")
    void transfersStayInScratch() {
        long ramSize = 1 << 20;
        try (GuardedRam ram = new GuardedRam(ramSize)) {
            long base = ram.base + 0x10000;
            MemorySegment before = MemorySegment.ofArray(ram.ram.toArray(ValueLayout.JAVA_BYTE));
            assertThat(FwCfgWarmUp.rounds(ram, new GuestAddress(base), 40)).isEqualTo(120);
            assertThat(ram.guardsIntact()).isTrue();
            long lo = base - ram.base;
            long hi = lo + FwCfgWarmUp.SCRATCH_BYTES;
            assertThat(MemorySegment.mismatch(ram.ram, 0, lo, before, 0, lo)).as("below the scratch").isEqualTo(-1);
            assertThat(MemorySegment.mismatch(ram.ram, hi, ramSize, before, hi, ramSize)).as("above the scratch").isEqualTo(-1);
            assertThat(ram.writes()).isNotEmpty().allSatisfy(w -> {
                assertThat(w.gpa()).isGreaterThanOrEqualTo(base);
                assertThat(w.gpa() + w.length()).isLessThanOrEqualTo(base + FwCfgWarmUp.SCRATCH_BYTES);
            });
            // The last READ put 256 bytes of the item at the target: the item is i*31 + (i >>> 8).
            int from = (64 << 39 % 10) + 8;
            byte first = ram.ram.get(ValueLayout.JAVA_BYTE, lo + 4096);
            assertThat(first).isEqualTo((byte) (from * 31 + (from >>> 8)));
        }
    }

    @Test
    @DisplayName("scratch that is not wholly RAM is refused before anything is written")
    void refusesShortScratch() {
        try (GuardedRam ram = new GuardedRam(FwCfgWarmUp.SCRATCH_BYTES - 1)) {
            assertThatThrownBy(() -> FwCfgWarmUp.run(ram, new GuestAddress(ram.base), 1))
                    .isInstanceOfSatisfying(FwCfgWarmUpException.class, e -> {
                        assertThat(e.reason()).isEqualTo(FwCfgWarmUpException.Reason.SCRATCH_NOT_RAM);
                        assertThat(e.address()).isEqualTo(new GuestAddress(ram.base));
                        assertThat(e.length()).isEqualTo(FwCfgWarmUp.SCRATCH_BYTES);
                    })
                    .hasMessageContaining("scratch memory must hold");
            assertThat(ram.writes()).isEmpty();
        }
    }

    @Test
    @DisplayName("with a Flight Recorder present the warm-up does nothing (no events about a device that is not there)")
    void nothingWhenRecording() {
        try (Recording recording = new Recording(); GuardedRam ram = new GuardedRam(1 << 20)) {
            recording.start();
            assertThat(FwCfgWarmUp.run(ram, new GuestAddress(ram.base), 10)).isZero();
            assertThat(ram.writes()).isEmpty();
        }
    }
}
