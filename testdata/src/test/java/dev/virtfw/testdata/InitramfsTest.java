package dev.virtfw.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The initramfs writer, read back with a reader written here from the kernel's description of
 * the newc format ({@code Documentation/driver-api/early-userspace/buffer-format.rst}): header
 * "070701" and 13 fields of 8 hex digits, the name with its NUL, padded to 4 bytes, the data
 * padded to 4 bytes, a last entry named {@code TRAILER!!!}.
 */
class InitramfsTest {
    /** One member as the kernel's unpacker sees it. */
    record Member(String name, int mode, long inode, long nlink, long uid, long gid, long mtime, int rdevMajor,
            int rdevMinor, byte[] data) {
    }

    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;
    static final int S_IFCHR = 0020000;

    @TempDir
    Path dir;

    static List<Member> read(byte[] gzipped) throws IOException {
        byte[] raw;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            raw = in.readAllBytes();
        }
        List<Member> members = new ArrayList<>();
        int pos = 0;
        while (true) {
            assertThat(pos % 4).as("header alignment").isZero();
            String header = new String(raw, pos, 110, StandardCharsets.US_ASCII);
            assertThat(header).startsWith("070701");
            long[] f = new long[13];
            for (int i = 0; i < 13; i++) {
                f[i] = Long.parseLong(header.substring(6 + 8 * i, 14 + 8 * i), 16);
            }
            int nameSize = (int) f[11];
            String name = new String(raw, pos + 110, nameSize - 1, StandardCharsets.UTF_8);
            assertThat(raw[pos + 110 + nameSize - 1]).as("NUL after %s", name).isZero();
            assertThat(f[12]).as("check field of %s", name).isZero();
            pos = align4(pos + 110 + nameSize);
            byte[] data = Arrays.copyOfRange(raw, pos, pos + (int) f[6]);
            pos = align4(pos + (int) f[6]);
            if (name.equals("TRAILER!!!")) {
                for (int i = pos; i < raw.length; i++) {
                    assertThat(raw[i]).as("padding after the trailer").isZero();
                }
                return members;
            }
            members.add(new Member(name, (int) f[1], f[0], f[4], f[2], f[3], f[5], (int) f[9], (int) f[10], data));
        }
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }

    private static byte[] bytes(Initramfs initramfs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        initramfs.write(out);
        return out.toByteArray();
    }

    @Nested
    class Format {
        @Test
        void everyKindOfEntryReadsBackWithItsModeAndContent() throws IOException {
            byte[] odd = {1, 2, 3, 4, 5};
            List<Member> members = read(bytes(new Initramfs()
                    .directory("proc", 0555)
                    .file("init", "#!/bin/sh\n", 0755)
                    .file("data/odd", odd, 0644)
                    .symlink("bin/sh", "busybox")
                    .characterDevice("dev/console", 5, 1, 0600)));
            assertThat(members).extracting(Member::name)
                    .containsExactly("proc", "init", "data", "data/odd", "bin", "bin/sh", "dev", "dev/console");
            assertThat(members.get(0).mode()).isEqualTo(S_IFDIR | 0555);
            assertThat(members.get(1).mode()).isEqualTo(S_IFREG | 0755);
            assertThat(new String(members.get(1).data(), StandardCharsets.UTF_8)).isEqualTo("#!/bin/sh\n");
            assertThat(members.get(2).mode()).as("a parent made on the way").isEqualTo(S_IFDIR | 0755);
            assertThat(members.get(3).data()).isEqualTo(odd);
            assertThat(members.get(5).mode()).isEqualTo(S_IFLNK | 0777);
            assertThat(new String(members.get(5).data(), StandardCharsets.UTF_8)).isEqualTo("busybox");
            Member console = members.get(7);
            assertThat(console.mode()).isEqualTo(S_IFCHR | 0600);
            assertThat(console.rdevMajor()).isEqualTo(5);
            assertThat(console.rdevMinor()).isEqualTo(1);
            assertThat(console.data()).isEmpty();
        }

        @Test
        void ownedByRootDatedZeroWithDistinctInodes() throws IOException {
            List<Member> members = read(bytes(new Initramfs().file("a", "x", 0644).file("b/c", "yy", 0600)));
            assertThat(members).allSatisfy(m -> {
                assertThat(m.uid()).isZero();
                assertThat(m.gid()).isZero();
                assertThat(m.mtime()).isZero();
            });
            assertThat(members).extracting(Member::inode).doesNotHaveDuplicates().doesNotContain(0L);
            assertThat(members).filteredOn(m -> (m.mode() & S_IFREG) == S_IFREG).extracting(Member::nlink)
                    .containsOnly(1L);
        }

        @Test
        void sameEntriesGiveTheSameBytes() throws IOException {
            Initramfs a = new Initramfs().file("init", "echo\n", 0755).symlink("bin/sh", "busybox");
            Initramfs b = new Initramfs().file("init", "echo\n", 0755).symlink("bin/sh", "busybox");
            assertThat(bytes(a)).isEqualTo(bytes(b));
        }

        @Test
        void writesToAFileAndLeavesACallersStreamOpen() throws IOException {
            Initramfs initramfs = new Initramfs().file("init", "echo\n", 0755);
            Path out = dir.resolve("initrd.cpio.gz");
            initramfs.write(out);
            assertThat(read(Files.readAllBytes(out))).extracting(Member::name).containsExactly("init");
            ByteArrayOutputStream stream = new ByteArrayOutputStream() {
                @Override
                public void close() {
                    throw new AssertionError("the caller's stream was closed");
                }
            };
            initramfs.write(stream);
            assertThat(stream.toByteArray()).isEqualTo(Files.readAllBytes(out));
        }
    }

    @Nested
    class Refused {
        @Test
        void absoluteOrEmptyPartPaths() {
            for (String bad : List.of("/init", "bin/", "a//b", "")) {
                assertThatThrownBy(() -> new Initramfs().file(bad, "x", 0644)).as(bad)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }

        @Test
        void theSamePathTwice() {
            assertThatThrownBy(() -> new Initramfs().file("init", "x", 0755).directory("init"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("init added twice");
        }

        @Test
        void aPathUnderAFile() {
            assertThatThrownBy(() -> new Initramfs().file("init", "x", 0755).file("init/more", "y", 0644))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a folder");
        }

        @Test
        void fileTypeBitsInThePermissions() {
            assertThatThrownBy(() -> new Initramfs().file("init", "x", S_IFREG | 0755))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("permission bits");
        }
    }
}
