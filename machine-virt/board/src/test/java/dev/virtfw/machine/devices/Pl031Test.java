package dev.virtfw.machine.devices;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.irq.Spi;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The PL031 by the TRM's registers (ARM DDI 0224) and QEMU 7.2's pl031.c where it chooses. */
class Pl031Test {
    /** 2026-12-04T15:00:00.25Z */
    static final long EPOCH_SECONDS = 1_796_396_400L;

    final MutableClock clock = new MutableClock(Instant.ofEpochSecond(EPOCH_SECONDS, 250_000_000));
    boolean line;
    final Pl031 rtc = new Pl031(0x0901_0000L, clock, new Spi(2, level -> line = level));

    static final class MutableClock implements InstantSource {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Nested
    class Counter {
        @Test
        void readsTheHostSecondsSinceTheEpoch() {
            assertThat(rtc.read(Pl031.RTCDR, 4)).isEqualTo(EPOCH_SECONDS);
        }

        @Test
        void advancesWithTheClock() {
            clock.advance(Duration.ofMillis(750));
            assertThat(rtc.read(Pl031.RTCDR, 4)).isEqualTo(EPOCH_SECONDS + 1);
        }

        @Test
        void aLoadMovesTheCounterAndReadsBackInLr() {
            rtc.write(Pl031.RTCLR, 4, 0x1234_5678);
            assertThat(rtc.read(Pl031.RTCDR, 4)).isEqualTo(0x1234_5678L);
            assertThat(rtc.read(Pl031.RTCLR, 4)).isEqualTo(0x1234_5678L);
            clock.advance(Duration.ofSeconds(3));
            assertThat(rtc.read(Pl031.RTCDR, 4)).isEqualTo(0x1234_567BL);
        }

        @Test
        void wrapsAt32Bits() {
            rtc.write(Pl031.RTCLR, 4, 0xFFFF_FFFFL);
            clock.advance(Duration.ofSeconds(2));
            assertThat(rtc.read(Pl031.RTCDR, 4)).isEqualTo(1);
        }

        @Test
        void theControlRegisterReadsEnabledWhateverIsWritten() {
            rtc.write(Pl031.RTCCR, 4, 0);
            assertThat(rtc.read(Pl031.RTCCR, 4)).isEqualTo(1);
        }

        @Test
        void aWriteToTheDataRegisterIsIgnored() {
            rtc.write(Pl031.RTCDR, 4, 5);
            assertThat(rtc.read(Pl031.RTCDR, 4)).isEqualTo(EPOCH_SECONDS);
        }
    }

    @Nested
    class Match {
        @Test
        void aMatchEqualToTheCounterRaisesTheRawInterruptAtOnce() {
            rtc.write(Pl031.RTCMR, 4, EPOCH_SECONDS);
            assertThat(rtc.read(Pl031.RTCRIS, 4)).isEqualTo(1);
            assertThat(rtc.read(Pl031.RTCMIS, 4)).isZero();
            assertThat(line).isFalse();
        }

        @Test
        void aMatchAheadFiresWhenTheCounterGetsThere() {
            rtc.write(Pl031.RTCIMSC, 4, 1);
            rtc.write(Pl031.RTCMR, 4, EPOCH_SECONDS + 2);
            assertThat(rtc.alarmAtNanos()).isEqualTo((EPOCH_SECONDS + 2) * 1_000_000_000L + 250_000_000);
            clock.advance(Duration.ofMillis(1999));
            rtc.poll();
            assertThat(line).isFalse();
            clock.advance(Duration.ofMillis(1));
            rtc.poll();
            assertThat(line).isTrue();
            assertThat(rtc.read(Pl031.RTCMIS, 4)).isEqualTo(1);
            assertThat(rtc.alarmAtNanos()).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void aMatchBehindWrapsAroundTheWholeCounter() {
            rtc.write(Pl031.RTCMR, 4, EPOCH_SECONDS - 1);
            assertThat(rtc.alarmAtNanos() / 1_000_000_000L).isEqualTo(EPOCH_SECONDS + 0xFFFF_FFFFL);
            assertThat(rtc.read(Pl031.RTCRIS, 4)).isZero();
        }

        @Test
        void theMaskDrivesTheLineAndClearRemovesTheStatus() {
            rtc.write(Pl031.RTCMR, 4, EPOCH_SECONDS);
            rtc.write(Pl031.RTCIMSC, 4, 0xFF);
            assertThat(rtc.read(Pl031.RTCIMSC, 4)).isEqualTo(1);
            assertThat(line).isTrue();
            rtc.write(Pl031.RTCICR, 4, 1);
            assertThat(rtc.read(Pl031.RTCRIS, 4)).isZero();
            assertThat(line).isFalse();
        }
    }

    @ParameterizedTest(name = "0x{0} reads 0x{1}")
    @CsvSource({"fe0, 31", "fe4, 10", "fe8, 14", "fec, 00", "ff0, 0d", "ff4, f0", "ff8, 05", "ffc, b1",
            "fe1, 31", "fd0, 00", "1c, 00", "20, 00", "ffc, b1"})
    void identificationAndReservedRegisters(String offset, String value) {
        assertThat(rtc.read(Long.parseLong(offset, 16), 4)).isEqualTo(Long.parseLong(value, 16));
    }
}
