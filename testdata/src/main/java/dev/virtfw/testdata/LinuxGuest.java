package dev.virtfw.testdata;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * The Linux test guest: Debian's arm64 kernel ({@link LinuxAssets}) with an initramfs whose
 * {@code /init} loads the kernel's own fw_cfg driver ({@code qemu_fw_cfg.ko}) and prints what it
 * finds under {@code /sys/firmware/qemu_fw_cfg}, then powers off (PSCI SYSTEM_OFF). The same
 * files and arguments boot on {@code qemu-system-aarch64} and on {@code ./virt};
 * {@link FwCfgSysfsReport#parse} reads the console of either.
 *
 * <pre>
 * LinuxGuest.Boot boot = LinuxGuest.prepare(LinuxAssets.fromSystemProperties(), dir);
 * List&lt;String&gt; args = QemuRunner.virtArgs();   // or ./virt's command line
 * args.addAll(boot.arguments());
 * QemuRunner.Result r = QemuRunner.run(args, Duration.ofSeconds(60));
 * FwCfgSysfsReport report = FwCfgSysfsReport.parse(r.output());
 * // report.rev() == 3, report.item(LinuxGuest.FILE_ITEM).sha256() == boot.blobSha256(), ...
 * </pre>
 *
 * <p>Console lines of {@code /init}, each one {@code echo} (see {@link FwCfgSysfsReport}):
 * <pre>
 * virtfw-guest: start
 * virtfw-guest: rev &lt;n&gt;                                      the driver's /sys/firmware/qemu_fw_cfg/rev
 * virtfw-guest: item key=&lt;n&gt; size=&lt;n&gt; sha256=&lt;hex&gt; name=&lt;path&gt;   one per file under by_name/, sorted by name
 * virtfw-guest: content hex=&lt;hex&gt; name=&lt;path&gt;                  opt/ items of at most 4096 bytes: the raw bytes
 * virtfw-guest: error &lt;what&gt;                                    something the checks could not do
 * virtfw-guest: end items=&lt;n&gt;
 * virtfw-guest: shell                                          only with virtfw.shell on the command line
 * </pre>
 */
public final class LinuxGuest {
    /** What every line of {@code /init}'s report starts with. */
    public static final String MARKER = "virtfw-guest:";
    /** The first line of the report. */
    public static final String START_LINE = MARKER + " start";
    /** The start of the report's last line ({@code virtfw-guest: end items=<n>}). */
    public static final String END_PREFIX = MARKER + " end";
    /** Printed just before the interactive shell starts. */
    public static final String SHELL_LINE = MARKER + " shell";
    /** The end of busybox's prompt for root: type once it has appeared. */
    public static final String SHELL_PROMPT = "# ";
    /** Kernel command-line word that makes {@code /init} start a shell on the console after the checks. */
    public static final String SHELL_OPTION = "virtfw.shell";
    /** Items under {@code opt/} no larger than this have their bytes printed. */
    public static final int CONTENT_LIMIT = 4096;
    /** The fw_cfg driver's place in the initramfs. */
    public static final String MODULE_PATH = "lib/modules/qemu_fw_cfg.ko";
    /** Name of the {@code -fw_cfg ...,string=} item {@link #prepare} adds. */
    public static final String STRING_ITEM = "opt/virtfw/str";
    /** Name of the {@code -fw_cfg ...,file=} item {@link #prepare} adds. */
    public static final String FILE_ITEM = "opt/virtfw/blob";
    /** The string {@link #prepare} gives {@link #STRING_ITEM} (QEMU doubles commas: there are none). */
    public static final String STRING_VALUE = "hello from the host: virtfw fw_cfg string item";
    /** Size of the {@link #FILE_ITEM} blob: a few hundred KiB, not a whole number of pages. */
    public static final long BLOB_SIZE = 300 * 1024 + 5;
    /** Seed of the blob's SplitMix64 bytes ({@link TestInitrd}). */
    public static final long BLOB_SEED = 14;
    /**
     * The kernel command line: the console on the PL011, early console from the device tree's
     * stdout-path, and a panic ends the run (a reboot, which {@code -no-reboot} turns into an exit)
     * instead of waiting for the timeout.
     */
    public static final String APPEND = "console=ttyAMA0 earlycon panic=-1";
    /** RAM for the guest, as QEMU's {@code -m}. */
    public static final String MEMORY = "512";

    private LinuxGuest() {
    }

    /** The {@code /init} shell script, run by busybox's {@code sh}. */
    public static String initScript() {
        return """
                #!/bin/sh
                # /init of virtfw's Linux test guest (dev.virtfw.testdata.LinuxGuest): loads the
                # kernel's fw_cfg driver and prints what it shows in sysfs, one line per fact.
                /bin/busybox mount -t proc proc /proc
                /bin/busybox --install -s /bin
                export PATH=/bin
                mount -t sysfs sysfs /sys
                mount -t devtmpfs devtmpfs /dev
                say() { echo "%1$s $*"; }
                say start
                fw=/sys/firmware/qemu_fw_cfg
                insmod /%2$s || say "error insmod /%2$s failed"
                if [ -r $fw/rev ]; then say "rev $(cat $fw/rev)"; else say "error no $fw/rev"; fi
                if cd $fw/by_name 2>/dev/null; then
                  find . -type l | sed 's|^\\./||' | sort > /tmp/names
                  while read -r name; do
                    size=$(cat "$name/size")
                    sum=$(sha256sum < "$name/raw")
                    say "item key=$(cat "$name/key") size=$size sha256=${sum%%%% *} name=$name"
                    case "$name" in
                      opt/*) [ "$size" -le %3$d ] && say "content hex=$(xxd -p "$name/raw" | tr -d '\\n') name=$name" ;;
                    esac
                  done < /tmp/names
                  cd /
                  say "end items=$(wc -l < /tmp/names)"
                else
                  say "error no $fw/by_name"
                  say "end items=0"
                fi
                case " $(cat /proc/cmdline) " in
                  *" %4$s "*) say shell; setsid cttyhack sh ;;
                esac
                poweroff -f
                """.formatted(MARKER, MODULE_PATH, CONTENT_LIMIT, SHELL_OPTION);
    }

    /**
     * The initramfs: busybox (its applets linked at boot by {@code busybox --install -s}),
     * {@code /bin/sh}, {@code /init}, the fw_cfg module (read now), {@code /dev/console} and the
     * mount points {@code /proc}, {@code /sys}, {@code /dev}, {@code /tmp}.
     */
    public static Initramfs initramfs(LinuxAssets assets) throws IOException {
        return new Initramfs()
                .directory("bin")
                .file("bin/busybox", assets.busybox(), 0755)
                .symlink("bin/sh", "busybox")
                .file("init", initScript(), 0755)
                .file(MODULE_PATH, assets.fwCfgModule(), 0644)
                .directory("dev")
                .characterDevice("dev/console", 5, 1, 0600)
                .directory("proc", 0555)
                .directory("sys", 0555)
                .directory("tmp", 01777);
    }

    /** Writes {@link #initramfs} to {@code out} and returns {@code out}. */
    public static Path writeInitramfs(LinuxAssets assets, Path out) throws IOException {
        initramfs(assets).write(out);
        return out;
    }

    /** Writes {@code source} gzip-compressed to {@code out} (an {@code Image.gz}, as QEMU's -kernel takes it). */
    public static Path writeGzipped(Path source, Path out) throws IOException {
        try (InputStream in = Files.newInputStream(source);
             OutputStream gz = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(out)), 1 << 16)) {
            in.transferTo(gz);
        }
        return out;
    }

    /** SHA-256 of a file as lower-case hex, as busybox's {@code sha256sum} prints it. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Writes the initramfs ({@code initrd.cpio.gz}) and the blob ({@code blob.bin},
     * {@link #BLOB_SIZE} bytes) into {@code dir} and returns the boot that uses them with the
     * package's Image.
     */
    public static Boot prepare(LinuxAssets assets, Path dir) throws IOException {
        Path initramfs = writeInitramfs(assets, dir.resolve("initrd.cpio.gz"));
        GeneratedFile blob = TestInitrd.write(dir.resolve("blob.bin"), BLOB_SIZE, BLOB_SEED);
        return new Boot(assets.image(), initramfs, APPEND, STRING_VALUE, blob.path(), blob.size(), sha256(blob.path()));
    }

    /**
     * One way to boot the guest: the files and the values the guest must report.
     *
     * @param kernel     the {@code -kernel} file (the Image, or a gzip-compressed copy)
     * @param initramfs  the {@code -initrd} file
     * @param append     the kernel command line
     * @param string     the content of {@link #STRING_ITEM}
     * @param blob       the file behind {@link #FILE_ITEM}
     * @param blobSize   its size
     * @param blobSha256 its SHA-256, computed on the host
     */
    public record Boot(Path kernel, Path initramfs, String append, String string, Path blob, long blobSize,
            String blobSha256) {
        public Boot {
            Objects.requireNonNull(kernel);
            Objects.requireNonNull(initramfs);
            Objects.requireNonNull(append);
            Objects.requireNonNull(string);
            Objects.requireNonNull(blob);
            Objects.requireNonNull(blobSha256);
            if (string.contains(",")) {
                throw new IllegalArgumentException("the string item must not contain a comma (QEMU's -fw_cfg syntax)");
            }
        }

        /** The same boot with another {@code -kernel} file. */
        public Boot withKernel(Path other) {
            return new Boot(other, initramfs, append, string, blob, blobSize, blobSha256);
        }

        /** The same boot with words added to the kernel command line. */
        public Boot withAppended(String words) {
            return new Boot(kernel, initramfs, append + " " + words, string, blob, blobSize, blobSha256);
        }

        /**
         * The arguments after the board options ({@link QemuRunner#virtArgs}): {@code -m 512
         * -no-reboot -kernel -initrd -append} and the two {@code -fw_cfg} items. Add
         * {@code -bios u-boot.bin} to boot through U-Boot.
         */
        public List<String> arguments() {
            return new ArrayList<>(List.of("-m", MEMORY, "-no-reboot",
                    "-kernel", kernel.toString(), "-initrd", initramfs.toString(), "-append", append,
                    "-fw_cfg", "name=" + STRING_ITEM + ",string=" + string,
                    "-fw_cfg", "name=" + FILE_ITEM + ",file=" + blob));
        }
    }
}
