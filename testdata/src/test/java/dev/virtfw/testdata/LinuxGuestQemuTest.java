package dev.virtfw.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian 12's unmodified arm64 kernel on QEMU 7.2 reading fw_cfg through its own driver: the
 * reference runs the board must match. Each boot must power off with exit status 0 after /init
 * reported rev 3, the string item as given, the blob's SHA-256 and size as computed on the host,
 * and the same (selector, size, name) list that the bare-metal fwcfg-test.bin reads from QEMU's
 * file directory with the same arguments.
 */
class LinuxGuestQemuTest {
    /** {@code FILE 0x<select> <size> <name>} of fwcfg-test.bin. */
    private static final Pattern FILE_LINE = Pattern.compile("FILE 0x(\\p{XDigit}{4}) (\\d+) (\\S+)");
    private static final int ELF_MACHINE_AARCH64 = 183;
    private static final int PT_INTERP = 3;

    /** One fw_cfg file as a guest sees it, without its content. */
    record DirectoryEntry(int key, long size, String name) {
    }

    @TempDir
    static Path dir;
    static LinuxAssets assets;
    static LinuxGuest.Boot boot;
    /** QEMU's file directory for {@link #boot}'s arguments, as fwcfg-test.bin lists it. */
    static List<DirectoryEntry> qemuDirectory;

    @BeforeAll
    static void prepare() throws Exception {
        assets = LinuxAssets.fromSystemProperties();
        boot = LinuxGuest.prepare(assets, dir);
        List<String> args = new ArrayList<>(QemuRunner.virtArgs(
                "-bios", TestData.extract(Firmware.FWCFG_TEST, dir).toString()));
        args.addAll(boot.arguments());
        qemuDirectory = new ArrayList<>();
        for (String line : Tools.runQemu(args).lines()) {
            Matcher m = FILE_LINE.matcher(line);
            if (m.matches()) {
                qemuDirectory.add(new DirectoryEntry(Integer.parseInt(m.group(1), 16), Long.parseLong(m.group(2)),
                        m.group(3)));
            }
        }
        assertThat(qemuDirectory).as("fwcfg-test.bin's FILE lines").isNotEmpty();
    }

    /**
     * Boots on QEMU with {@code before} (e.g. -bios) ahead of the boot's arguments, typing the
     * replies on the console; requires exit status 0.
     */
    static QemuRunner.Result run(LinuxGuest.Boot b, List<QemuRunner.Reply> replies, String... before)
            throws Exception {
        Tools.requireQemu();
        List<String> args = new ArrayList<>(QemuRunner.virtArgs(before));
        args.addAll(b.arguments());
        QemuRunner.Result r = replies.isEmpty() ? QemuRunner.run(args, Tools.QEMU_TIMEOUT)
                : QemuRunner.run(args, Tools.QEMU_TIMEOUT, replies);
        if (!r.exitedCleanly()) {
            throw new AssertionError("QEMU did not power off cleanly (exit " + r.exitCode() + ", timed out "
                    + r.timedOut() + ")\nstderr:\n" + r.errors() + "\nconsole:\n" + r.output());
        }
        return r;
    }

    static FwCfgSysfsReport report(QemuRunner.Result r) {
        try {
            return FwCfgSysfsReport.parse(r.output());
        } catch (IllegalArgumentException e) {
            throw new AssertionError(e.getMessage() + "\nconsole:\n" + r.output(), e);
        }
    }

    /** What every boot must show: the driver read the device as QEMU holds it. */
    static void assertReadTheDevice(QemuRunner.Result r, LinuxGuest.Boot b) throws Exception {
        FwCfgSysfsReport report = report(r);
        assertThat(report.errors()).as("error lines").isEmpty();
        assertThat(report.rev()).as("rev: traditional interface + DMA").hasValue(3);
        assertThat(report.names()).isSorted().doesNotHaveDuplicates()
                .contains(LinuxGuest.STRING_ITEM, LinuxGuest.FILE_ITEM, "bootorder", "etc/boot-fail-wait");
        assertThat(report.items()).extracting(i -> new DirectoryEntry(i.key(), i.size(), i.name()))
                .as("the driver's by_name/ against QEMU's directory read by fwcfg-test.bin")
                .containsExactlyElementsOf(qemuDirectory);

        FwCfgSysfsReport.Item string = report.item(LinuxGuest.STRING_ITEM).orElseThrow();
        assertThat(string.text()).hasValue(b.string());
        assertThat(string.size()).isEqualTo(b.string().getBytes(StandardCharsets.UTF_8).length);

        FwCfgSysfsReport.Item blob = report.item(LinuxGuest.FILE_ITEM).orElseThrow();
        assertThat(blob.size()).isEqualTo(Files.size(b.blob()));
        assertThat(blob.sha256()).isEqualTo(LinuxGuest.sha256(b.blob()));
        assertThat(blob.contentHex()).as("too large to print").isEmpty();

        assertThat(r.lines()).as("the kernel got the command line")
                .anyMatch(l -> l.contains("Kernel command line: " + b.append()));
    }

    @Nested
    class DirectBoot {
        @Test
        void theImageBootsToInitReadsFwCfgInSysfsAndPowersOff() throws Exception {
            QemuRunner.Result r = run(boot, List.of());
            assertReadTheDevice(r, boot);
            assertThat(r.lines()).as("start marker after the kernel ran /init").anySatisfy(
                    l -> assertThat(l).contains("Run /init as init process"));
        }

        @Test
        void aGzipCompressedImageBootsTheSame() throws Exception {
            Path gz = LinuxGuest.writeGzipped(assets.image(), dir.resolve("Image.gz"));
            byte[] magic;
            try (InputStream in = Files.newInputStream(gz)) {
                magic = in.readNBytes(2);
            }
            assertThat(magic).as("gzip magic").containsExactly(0x1f, 0x8b);
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                assertThat(Arrays.equals(in.readAllBytes(), Files.readAllBytes(assets.image()))).as("round trip").isTrue();
            }
            assertReadTheDevice(run(boot.withKernel(gz), List.of()), boot);
        }
    }

    @Nested
    class ThroughUBoot {
        @Test
        void stockAutobootLoadsKernelInitrdAndCommandLineOverFwCfgAndBootsIt() throws Exception {
            QemuRunner.Result r = run(boot, List.of(), "-bios", Tools.uboot().toString());
            assertThat(r.output()).contains("U-Boot", "Starting kernel");
            assertReadTheDevice(r, boot);
        }
    }

    @Nested
    class InteractiveShell {
        private static final String TYPED = "echo virtfw-typed-$((6*7))\n";
        /** What the shell prints for {@link #TYPED}: computed by the guest, never typed. */
        private static final String COMPUTED = "virtfw-typed-42";

        @Test
        void withTheShellOptionTheConsoleRunsWhatIsTypedThenPowersOff() throws Exception {
            LinuxGuest.Boot shell = boot.withAppended(LinuxGuest.SHELL_OPTION);
            QemuRunner.Result r = run(shell, List.of(
                    new QemuRunner.Reply(LinuxGuest.SHELL_LINE, ""),
                    new QemuRunner.Reply(LinuxGuest.SHELL_PROMPT, TYPED),
                    new QemuRunner.Reply(COMPUTED, "exit\n")));
            assertReadTheDevice(r, shell);
            List<String> lines = r.lines().stream().map(String::strip).toList();
            int shellAt = lines.indexOf(LinuxGuest.SHELL_LINE);
            assertThat(shellAt).as("shell line").isPositive();
            assertThat(lines.subList(shellAt, lines.size())).as("the shell's own output").contains(COMPUTED);
        }

        @Test
        void withoutItTheGuestPowersOffWithoutAShell() throws Exception {
            QemuRunner.Result r = run(boot, List.of(new QemuRunner.Reply(LinuxGuest.START_LINE, TYPED)));
            assertReadTheDevice(r, boot);
            assertThat(r.lines()).noneMatch(l -> l.contains(LinuxGuest.SHELL_LINE) || l.strip().equals(COMPUTED));
        }
    }

    @Nested
    class Assets {
        @Test
        void theModuleIsAPlainArm64ElfWithoutDependenciesBuiltForThisKernel() throws Exception {
            byte[] module = Files.readAllBytes(assets.fwCfgModule());
            assertThat(Arrays.copyOf(module, 4)).as("ELF magic: not compressed").containsExactly(0x7f, 'E', 'L', 'F');
            assertThat(elfMachine(module)).isEqualTo(ELF_MACHINE_AARCH64);
            String text = new String(module, StandardCharsets.ISO_8859_1);
            assertThat(text).contains("\0depends=\0", "\0vermagic=" + assets.kernelVersion() + " ",
                    "alias=of:N*T*Cqemu,fw-cfg-mmio");
        }

        @Test
        void busyboxIsAStaticArm64Executable() throws Exception {
            byte[] busybox = Files.readAllBytes(assets.busybox());
            assertThat(Arrays.copyOf(busybox, 4)).containsExactly(0x7f, 'E', 'L', 'F');
            assertThat(elfMachine(busybox)).isEqualTo(ELF_MACHINE_AARCH64);
            assertThat(programHeaderTypes(busybox)).as("no PT_INTERP: statically linked").doesNotContain(PT_INTERP);
        }

        @Test
        void theInitramfsCarriesBusyboxTheModuleAndInit() throws Exception {
            List<InitramfsTest.Member> members = InitramfsTest.read(Files.readAllBytes(boot.initramfs()));
            assertThat(members).extracting(InitramfsTest.Member::name).contains("init", "bin/busybox", "bin/sh",
                    LinuxGuest.MODULE_PATH, "dev/console", "proc", "sys", "dev", "tmp");
            assertThat(member(members, "bin/busybox").data()).isEqualTo(Files.readAllBytes(assets.busybox()));
            assertThat(member(members, LinuxGuest.MODULE_PATH).data()).isEqualTo(Files.readAllBytes(assets.fwCfgModule()));
            assertThat(new String(member(members, "init").data(), StandardCharsets.UTF_8))
                    .isEqualTo(LinuxGuest.initScript()).startsWith("#!/bin/sh\n");
        }

        @Test
        void somethingThatIsNotAnImageIsRefused() throws Exception {
            Path notImage = Files.write(dir.resolve("not-an-image"), new byte[128]);
            LinuxAssets wrong = new LinuxAssets(notImage, assets.modules(), assets.busybox());
            assertThatThrownBy(wrong::check).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not an arm64 Image");
            LinuxAssets shortFile = new LinuxAssets(Files.write(dir.resolve("short"), new byte[10]), assets.modules(),
                    assets.busybox());
            assertThatThrownBy(shortFile::check).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("too short");
        }

        private static InitramfsTest.Member member(List<InitramfsTest.Member> members, String name) {
            return members.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
        }

        private static int elfMachine(byte[] elf) {
            return (elf[18] & 0xff) | (elf[19] & 0xff) << 8;
        }

        /** p_type of each program header of a little-endian ELF64 file. */
        private static List<Integer> programHeaderTypes(byte[] elf) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(elf).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long phoff = b.getLong(32);
            int phentsize = b.getShort(54) & 0xffff;
            int phnum = b.getShort(56) & 0xffff;
            List<Integer> types = new ArrayList<>();
            for (int i = 0; i < phnum; i++) {
                types.add(b.getInt((int) phoff + i * phentsize));
            }
            return types;
        }
    }
}
