package dev.virtfw.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeneratorsTest {
    private static final ValueLayout.OfLong LE_U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    private static long crc(byte[] b, int from, int to) {
        CRC32 c = new CRC32();
        c.update(b, from, to - from);
        return c.getValue();
    }

    @Nested
    class Deterministic {
        /** SplitMix64 is the generator behind the JDK's SplittableRandom: its stream is the reference. */
        @ParameterizedTest
        @ValueSource(longs = {0, 1, 42, -1, 0x123456789ABCDEFL})
        void streamIsSplitMix64AsTheJdkComputesIt(long seed) {
            DeterministicBytes ours = new DeterministicBytes(seed);
            SplittableRandom jdk = new SplittableRandom(seed);
            for (int i = 0; i < 1000; i++) {
                assertThat(ours.nextLong()).isEqualTo(jdk.nextLong());
            }
        }

        @Test
        void initrdBytesAreTheStreamLittleEndian() throws Exception {
            GeneratedFile f = TestInitrd.write(dir.resolve("i"), 21, 5);
            byte[] b = Files.readAllBytes(f.path());
            SplittableRandom ref = new SplittableRandom(5);
            MemorySegment s = MemorySegment.ofArray(Arrays.copyOf(b, 24));
            assertThat(s.get(LE_U64, 0)).isEqualTo(ref.nextLong());
            assertThat(s.get(LE_U64, 8)).isEqualTo(ref.nextLong());
            long third = ref.nextLong();
            for (int i = 16; i < 21; i++) {
                assertThat(b[i]).isEqualTo((byte) (third >>> (8 * (i - 16))));
            }
            assertThat(f.size()).isEqualTo(21);
            assertThat(f.crc32()).isEqualTo(crc(b, 0, b.length));
        }

        @Test
        void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
            byte[] a = Files.readAllBytes(TestInitrd.write(dir.resolve("a"), 100_003, 9).path());
            byte[] b = Files.readAllBytes(TestInitrd.write(dir.resolve("b"), 100_003, 9).path());
            byte[] c = Files.readAllBytes(TestInitrd.write(dir.resolve("c"), 100_003, 10).path());
            assertThat(a).hasSize(100_003).isEqualTo(b).isNotEqualTo(c);
        }

        @Test
        void emptyAndBadSizes() throws Exception {
            GeneratedFile empty = TestInitrd.write(dir.resolve("e"), 0, 1);
            assertThat(Files.size(empty.path())).isZero();
            assertThat(empty.crc32()).isZero();
            assertThatThrownBy(() -> TestInitrd.write(dir.resolve("n"), -1, 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Kernel {
        @Test
        void paddedImageKeepsTheKernelAndSetsImageSize() throws Exception {
            long size = 3 * 1024 * 1024 + 8;
            TestKernel.Image img = TestKernel.write(dir.resolve("Image"), size, 77);
            byte[] b = Files.readAllBytes(img.path());
            byte[] built = TestData.bytes(Firmware.TEST_KERNEL);
            MemorySegment h = MemorySegment.ofArray(b);
            assertThat(b).hasSize((int) size);
            assertThat(h.get(LE_U32, TestKernel.IMAGE_MAGIC)).isEqualTo(TestKernel.ARM64_IMAGE_MAGIC);
            assertThat(new String(b, 56, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ARM");
            assertThat(b[59]).isEqualTo((byte) 0x64);
            assertThat(h.get(LE_U64, TestKernel.IMAGE_IMAGE_SIZE)).isEqualTo(size);
            assertThat(h.get(LE_U64, TestKernel.IMAGE_TEXT_OFFSET)).isEqualTo(img.textOffset()).isEqualTo(0x80000);
            assertThat(h.get(LE_U64, TestKernel.IMAGE_FLAGS) & 1).as("little-endian flag").isZero();
            // everything but image_size is the built kernel
            assertThat(Arrays.copyOfRange(b, 24, built.length)).isEqualTo(Arrays.copyOfRange(built, 24, built.length));
            assertThat(Arrays.copyOfRange(b, 0, 16)).isEqualTo(Arrays.copyOfRange(built, 0, 16));
            assertThat(img.builtSize()).isEqualTo(built.length).isEqualTo(TestKernel.builtSize());
            assertThat(img.paddingCrc32()).isEqualTo(crc(b, built.length, b.length));
            assertThat(img.crc32()).isEqualTo(crc(b, 0, b.length));
        }

        @Test
        void builtKernelHeaderCoversTheWholeFile() {
            byte[] built = TestData.bytes(Firmware.TEST_KERNEL);
            MemorySegment h = MemorySegment.ofArray(built);
            assertThat(h.get(LE_U64, TestKernel.IMAGE_IMAGE_SIZE)).isEqualTo(built.length);
            assertThat(h.get(LE_U32, TestKernel.IMAGE_MAGIC)).isEqualTo(TestKernel.ARM64_IMAGE_MAGIC);
        }

        @Test
        void unpaddedSizeIsAllowedSmallerIsNot() throws Exception {
            long built = TestKernel.builtSize();
            TestKernel.Image img = TestKernel.write(dir.resolve("k"), built, 1);
            assertThat(Files.readAllBytes(img.path())).isEqualTo(TestData.bytes(Firmware.TEST_KERNEL));
            assertThat(img.paddingCrc32()).isZero();
            assertThatThrownBy(() -> TestKernel.write(dir.resolve("k2"), built - 1, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Long.toString(built - 1));
        }

        @Test
        void textOffsetCanBeChangedToWholePagesBelowTwoMiB() throws Exception {
            TestKernel.Image img = TestKernel.write(dir.resolve("t"), TestKernel.builtSize(), 1, 0x1000);
            assertThat(MemorySegment.ofArray(Files.readAllBytes(img.path())).get(LE_U64, TestKernel.IMAGE_TEXT_OFFSET))
                    .isEqualTo(0x1000).isEqualTo(img.textOffset());
            for (long bad : new long[] {-4096, 0x800, 2L << 20}) {
                assertThatThrownBy(() -> TestKernel.write(dir.resolve("t"), TestKernel.builtSize(), 1, bad))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }

        @Test
        void seedChangesOnlyThePadding() throws Exception {
            long size = TestKernel.builtSize() + 4096;
            byte[] a = Files.readAllBytes(TestKernel.write(dir.resolve("a"), size, 1).path());
            byte[] b = Files.readAllBytes(TestKernel.write(dir.resolve("b"), size, 2).path());
            int built = (int) TestKernel.builtSize();
            assertThat(Arrays.copyOf(a, built)).isEqualTo(Arrays.copyOf(b, built));
            assertThat(Arrays.copyOfRange(a, built, a.length)).isNotEqualTo(Arrays.copyOfRange(b, built, b.length));
        }
    }

    @Nested
    class Manifest {
        @Test
        void linesAreNameSizeAndCrcInHex() {
            String text = new Crc32Manifest()
                    .add("opt/a", "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .add("opt/empty", new byte[0])
                    .put("opt/given", 12, 0xABCDEFL)
                    .text();
            // CRC-32 of "hello" is 0x3610a686 (zlib)
            assertThat(text).isEqualTo("opt/a 5 3610a686\nopt/empty 0 00000000\nopt/given 12 00abcdef\n");
        }

        @Test
        void fileContentIsReadFromDisk() throws Exception {
            GeneratedFile f = TestInitrd.write(dir.resolve("f"), 70_001, 3);
            String text = new Crc32Manifest().add("opt/f", f.path()).text();
            assertThat(text).isEqualTo("opt/f 70001 " + String.format("%08x", f.crc32()) + "\n");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "with space", "tab\tname", "new\nline",
            "a-name-of-fifty-six-characters-is-one-too-long-for-fw_cf"})
        void badNamesAreRefused(String name) {
            assertThatThrownBy(() -> new Crc32Manifest().add(name, new byte[1]))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void fiftyFiveCharactersAreFine() {
            String name = "x".repeat(Crc32Manifest.MAX_NAME_LENGTH);
            assertThat(new Crc32Manifest().add(name, new byte[0]).text()).startsWith(name + " 0 ");
        }

        @Test
        void tooManyEntriesAreRefused() {
            Crc32Manifest m = new Crc32Manifest();
            for (int i = 0; i < Crc32Manifest.MAX_ENTRIES; i++) {
                m.put("opt/f" + i, 0, 0);
            }
            assertThatThrownBy(() -> m.put("opt/one-more", 0, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Crc32Manifest().put("opt/x", 0, 1L << 32))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Images {
        @Test
        void extractWritesTheResourceAndReplacesAnOldCopy() throws Exception {
            Path old = Files.writeString(dir.resolve(Firmware.BOOTLOADER.fileName()), "stale");
            Path p = TestData.extract(Firmware.BOOTLOADER, dir);
            assertThat(p).isEqualTo(old);
            assertThat(Files.readAllBytes(p)).isEqualTo(TestData.bytes(Firmware.BOOTLOADER));
            try (var files = Files.list(dir)) {
                assertThat(files).containsExactly(p);
            }
        }

        @Test
        void bytesAreACopy() {
            byte[] a = TestData.bytes(Firmware.FWCFG_TEST);
            a[0] ^= 1;
            assertThat(TestData.bytes(Firmware.FWCFG_TEST)[0]).isNotEqualTo(a[0]);
        }

        @Test
        void biosImagesStartWithAnAArch64Instruction() {
            // The -bios images are entered at their first byte: not zeros, not an Image header
            for (Firmware f : new Firmware[] {Firmware.FWCFG_TEST, Firmware.BOOTLOADER}) {
                MemorySegment s = MemorySegment.ofArray(TestData.bytes(f));
                assertThat(s.get(LE_U32, 0)).as(f.fileName()).isNotZero();
                assertThat(s.get(LE_U32, TestKernel.IMAGE_MAGIC)).isNotEqualTo(TestKernel.ARM64_IMAGE_MAGIC);
            }
        }
    }
}
