package dev.virtfw.testdata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code scripts/linux-guest OUT_DIR}: writes the Linux test guest's initramfs and blob into a
 * folder and prints the {@code qemu-system-aarch64} command line that boots it (the same
 * arguments work for {@code ./virt}). Arguments: the kernel Image, its {@code lib/modules/<version>}
 * folder, the arm64 busybox, the output folder. Exit status 2 with one line on bad input.
 */
public final class LinuxGuestMain {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,+-]+");

    private LinuxGuestMain() {
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: LinuxGuestMain IMAGE MODULES_DIR BUSYBOX OUT_DIR");
            System.exit(2);
        }
        try {
            LinuxAssets assets = new LinuxAssets(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]));
            assets.check();
            Path out = Files.createDirectories(Path.of(args[3]));
            LinuxGuest.Boot boot = LinuxGuest.prepare(assets, out);
            System.err.println("wrote " + boot.initramfs() + " (" + Files.size(boot.initramfs()) + " bytes) and "
                    + boot.blob() + " (sha256 " + boot.blobSha256() + "); boot it with:");
            System.out.println(commandLine(boot));
        } catch (IllegalStateException | IOException e) {
            System.err.println("linux-guest: error: " + e.getMessage());
            System.exit(2);
        }
    }

    /** The QEMU command line that boots {@code boot}, quoted for sh. */
    static String commandLine(LinuxGuest.Boot boot) {
        List<String> command = new ArrayList<>(List.of(QemuRunner.QEMU_EXECUTABLE));
        command.addAll(QemuRunner.virtArgs());
        command.addAll(boot.arguments());
        return String.join(" ", command.stream().map(LinuxGuestMain::quoted).toList());
    }

    /** A word as sh reads it back: single quotes unless it is plain. */
    static String quoted(String word) {
        return PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
