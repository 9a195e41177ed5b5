package dev.virtfw.machine.memory;

import static dev.virtfw.machine.memory.BulkCopy.NATIVE_THRESHOLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.virtfw.fwcfg.GuestAddress;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The host copy behind DMA: byte for byte what {@link MemorySegment#copy} does, on both sides of
 * the threshold where it switches to {@code memcpy}, at every alignment, with the same bounds
 * checks; and guest RAM's copies refuse anything that is not wholly RAM.
 */
class BulkCopyTest {
    /** Bytes kept untouched around each destination, to see a copy that writes too much. */
    static final int GUARD = 64;
    static final long AREA = (4L << 20);
    static HostMapping source;
    static HostMapping target;

    @BeforeAll
    static void map() {
        source = HostMapping.anonymous(AREA);
        target = HostMapping.anonymous(AREA);
        MemorySegment s = source.segment();
        for (long i = 0; i < AREA; i += 8) {
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E3779B97F4A7C15L);
        }
    }

    @AfterAll
    static void unmap() {
        source.close();
        target.close();
    }

    static Stream<Arguments> sizesAndAlignments() {
        long t = NATIVE_THRESHOLD;
        return LongStream.of(0, 1, 7, 8, 63, 64, 4095, 4096, t - 1, t, t + 1, t + 4096 + 3, 1L << 20, (1L << 20) + 5)
                .boxed()
                .flatMap(size -> IntStream.of(0, 1, 3, 8).boxed()
                        .flatMap(from -> IntStream.of(0, 5, 16).mapToObj(to -> Arguments.of(size, from, to))));
    }

    @Nested
    class ByteExact {
        @ParameterizedTest(name = "{0} bytes, source offset {1}, target offset {2}")
        @MethodSource("dev.virtfw.machine.memory.BulkCopyTest#sizesAndAlignments")
        void nativeToNativeCopiesExactlyTheRange(long size, int from, int to) {
            MemorySegment dst = target.segment();
            dst.asSlice(0, size + to + 2L * GUARD).fill((byte) 0xee);
            BulkCopy.copy(source.segment(), from, dst, GUARD + to, size);
            assertThat(dst.asSlice(GUARD + to, size).mismatch(source.segment().asSlice(from, size))).isEqualTo(-1);
            assertGuardsUntouched(dst, GUARD + to, size);
        }

        @ParameterizedTest(name = "{0} bytes, source offset {1}, target offset {2}")
        @MethodSource("dev.virtfw.machine.memory.BulkCopyTest#sizesAndAlignments")
        void heapToNativeAndBack(long size, int from, int to) {
            byte[] array = new byte[(int) size + from];
            MemorySegment.copy(source.segment(), 0, MemorySegment.ofArray(array), 0, array.length);
            MemorySegment heap = MemorySegment.ofArray(array).asReadOnly(); // as the zeros a READ stores
            MemorySegment dst = target.segment();
            dst.asSlice(0, size + to + 2L * GUARD).fill((byte) 0xee);
            BulkCopy.copy(heap, from, dst, GUARD + to, size);
            assertThat(dst.asSlice(GUARD + to, size).mismatch(heap.asSlice(from, size))).isEqualTo(-1);
            assertGuardsUntouched(dst, GUARD + to, size);

            byte[] back = new byte[(int) size + to];
            BulkCopy.copy(dst, GUARD + to, MemorySegment.ofArray(back), to, size);
            assertThat(Arrays.mismatch(back, to, back.length, array, from, from + (int) size)).isEqualTo(-1);
        }

        @Test
        void memcpyCopiesWithNoThreshold() {
            MemorySegment dst = target.segment().asSlice(GUARD, 3);
            target.segment().asSlice(0, 3 + 2 * GUARD).fill((byte) 0xee);
            BulkCopy.memcpy(dst, source.segment().asSlice(11, 3), 3);
            assertThat(dst.mismatch(source.segment().asSlice(11, 3))).isEqualTo(-1);
            assertGuardsUntouched(target.segment(), GUARD, 3);
        }
    }

    @Nested
    class Overlap {
        static Stream<Arguments> shifts() {
            long t = NATIVE_THRESHOLD;
            return Stream.of(t, t + 13, 1L << 20).flatMap(size ->
                    LongStream.of(-4096, -1, 1, 7, 4096).mapToObj(shift -> Arguments.of(size, shift)));
        }

        @ParameterizedTest(name = "{0} bytes moved by {1}")
        @MethodSource("shifts")
        void overlappingRangesBehaveAsMemmove(long size, long shift) {
            MemorySegment area = target.segment().asSlice(0, 2 * size + 8192);
            MemorySegment.copy(source.segment(), 0, area, 0, area.byteSize());
            byte[] expected = area.toArray(ValueLayout.JAVA_BYTE);
            int from = 4096;
            int to = (int) (from + shift);
            System.arraycopy(expected.clone(), from, expected, to, (int) size);
            BulkCopy.copy(area, from, area, to, size);
            assertThat(Arrays.mismatch(area.toArray(ValueLayout.JAVA_BYTE), expected)).isEqualTo(-1);
        }

        @Test
        void adjacentRangesAreNotOverlapping() {
            MemorySegment a = target.segment().asSlice(0, 100);
            assertThat(BulkCopy.mayOverlap(a, target.segment().asSlice(100, 100))).isFalse();
            assertThat(BulkCopy.mayOverlap(a, target.segment().asSlice(99, 100))).isTrue();
            assertThat(BulkCopy.mayOverlap(target.segment().asSlice(99, 100), a)).isTrue();
            assertThat(BulkCopy.mayOverlap(a, MemorySegment.ofArray(new byte[100]))).isFalse();
        }
    }

    @Nested
    class Bounds {
        @Test
        void aSourceTooShortIsRefusedBeforeAnyByteMoves() {
            long size = 2 * NATIVE_THRESHOLD;
            MemorySegment dst = target.segment().asSlice(0, size);
            dst.fill((byte) 0xee);
            MemorySegment shortSource = source.segment().asSlice(0, size - 1);
            assertThatThrownBy(() -> BulkCopy.copy(shortSource, 0, dst, 0, size))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> BulkCopy.copy(source.segment(), AREA - size + 1, dst, 0, size))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(dst.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0xee);
        }

        @Test
        void aTargetTooShortIsRefusedBeforeAnyByteMoves() {
            long size = 2 * NATIVE_THRESHOLD;
            MemorySegment dst = target.segment().asSlice(0, size);
            dst.fill((byte) 0xee);
            assertThatThrownBy(() -> BulkCopy.copy(source.segment(), 0, dst, 1, size))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> BulkCopy.memcpy(dst, source.segment(), size + 1))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> BulkCopy.copy(source.segment(), 0, dst, -1, size))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(dst.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0xee);
        }

        @Test
        void aReadOnlyTargetIsRefused() {
            MemorySegment dst = target.segment().asSlice(0, 2 * NATIVE_THRESHOLD).asReadOnly();
            assertThatThrownBy(() -> BulkCopy.copy(source.segment(), 0, dst, 0, dst.byteSize()))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void aClosedMappingIsRefused() {
            HostMapping gone = HostMapping.anonymous(1L << 20);
            MemorySegment dst = gone.segment();
            gone.close();
            assertThatThrownBy(() -> BulkCopy.copy(source.segment(), 0, dst, 0, 2 * NATIVE_THRESHOLD))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> BulkCopy.memcpy(dst, source.segment(), 8))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class GuestRamCopies {
        static final long BASE = 0x4000_0000L;
        static final long SIZE = 2L << 20;

        @Test
        void copiesAtTheEdgesOfRamAreExactAndAnythingPastThemIsRefused() {
            try (GuestRam ram = new GuestRam(BASE, SIZE)) {
                long size = NATIVE_THRESHOLD + 3;
                GuestAddress last = new GuestAddress(BASE + SIZE - size);
                ram.copyToRam(source.segment(), 1, last, size);
                assertThat(ram.slice(last, size).mismatch(source.segment().asSlice(1, size))).isEqualTo(-1);
                byte[] back = new byte[(int) size];
                ram.copyFromRam(last, MemorySegment.ofArray(back), 0, size);
                assertThat(MemorySegment.ofArray(back).mismatch(source.segment().asSlice(1, size))).isEqualTo(-1);

                GuestAddress oneLate = new GuestAddress(BASE + SIZE - size + 1);
                GuestAddress early = new GuestAddress(BASE - 1);
                GuestAddress wrapping = new GuestAddress(-NATIVE_THRESHOLD);
                for (GuestAddress bad : new GuestAddress[] {oneLate, early, wrapping, new GuestAddress(0)}) {
                    assertThatThrownBy(() -> ram.copyToRam(source.segment(), 0, bad, size))
                            .isInstanceOf(IndexOutOfBoundsException.class);
                    assertThatThrownBy(() -> ram.copyFromRam(bad, MemorySegment.ofArray(back), 0, size))
                            .isInstanceOf(IndexOutOfBoundsException.class);
                }
            }
        }
    }

    static void assertGuardsUntouched(MemorySegment dst, long at, long size) {
        for (long i = at - GUARD; i < at; i++) {
            assertThat(dst.get(ValueLayout.JAVA_BYTE, i)).as("byte %d before the copy", at - i).isEqualTo((byte) 0xee);
        }
        for (long i = at + size; i < at + size + GUARD; i++) {
            assertThat(dst.get(ValueLayout.JAVA_BYTE, i)).as("byte %d after the copy", i - at - size).isEqualTo((byte) 0xee);
        }
    }
}
