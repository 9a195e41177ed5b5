package dev.virtfw.machine.dt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HostEntropyTest {

    @Test
    @DisplayName("seeds come from the kernel's random source: 1000 draws are distinct and use all 64 bits")
    void drawsLookRandom() {
        HostEntropy e = new HostEntropy();
        long[] draws = LongStream.generate(e::nextLong).limit(1000).toArray();
        Set<Long> distinct = new HashSet<>();
        long or = 0;
        long and = -1;
        for (long d : draws) {
            distinct.add(d);
            or |= d;
            and &= d;
        }
        assertThat(distinct).hasSize(1000);
        assertThat(or).as("every bit set somewhere").isEqualTo(-1L);
        assertThat(and).as("every bit clear somewhere").isZero();
        // Bit balance: 64 000 bits, expected 32 000 ones; 6 sigma is about 760.
        long ones = LongStream.of(draws).map(Long::bitCount).sum();
        assertThat(ones).isBetween(31_240L, 32_760L);
    }

    @Test
    @DisplayName("two boards' generators do not repeat each other (no fixed seed)")
    void independentInstances() {
        assertThat(new HostEntropy().nextLong()).isNotEqualTo(new HostEntropy().nextLong());
    }
}
