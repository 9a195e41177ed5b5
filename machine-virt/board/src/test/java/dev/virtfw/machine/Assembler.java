package dev.virtfw.machine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Assembles AArch64 source into a flat binary with the installed GNU cross tools
 * ({@code aarch64-linux-gnu-as}, {@code -ld}, {@code -objcopy}): the tests' guest programs are
 * source, built at test time. A missing tool fails the test (CI installs them).
 */
public final class Assembler {
    private static final String PREFIX = "aarch64-linux-gnu-";
    /**
     * The tests' guest sources: the board module's src/test/asm (its working directory under Maven;
     * virt-cli's tests, which share these helpers, name the folder in {@code virtfw.test.asm}).
     */
    public static final Path ASM_DIR = Path.of(System.getProperty("virtfw.test.asm", "src/test/asm"));

    private Assembler() {}

    /** Assembles {@code source} linked at {@code textAddress}; returns the flat image. */
    public static byte[] assemble(String source, long textAddress) {
        try {
            Path dir = Files.createTempDirectory("virtfw-asm");
            try {
                Path src = dir.resolve("prog.S");
                Files.writeString(src, source, StandardCharsets.UTF_8);
                Path obj = dir.resolve("prog.o");
                Path elf = dir.resolve("prog.elf");
                Path bin = dir.resolve("prog.bin");
                run(dir, PREFIX + "gcc", "-c", "-x", "assembler-with-cpp", "-I", ASM_DIR.toAbsolutePath().toString(),
                        "-o", obj.toString(), src.toString());
                run(dir, PREFIX + "ld", "-nostdlib", "-Ttext=0x" + Long.toHexString(textAddress), "-e", "0x"
                        + Long.toHexString(textAddress), "-o", elf.toString(), obj.toString());
                run(dir, PREFIX + "objcopy", "-O", "binary", elf.toString(), bin.toString());
                return Files.readAllBytes(bin);
            } finally {
                try (var files = Files.walk(dir)) {
                    for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Assembles src/test/asm/{@code name}. */
    public static byte[] assembleFile(String name, long textAddress) {
        try {
            return assemble(Files.readString(ASM_DIR.resolve(name)), textAddress);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Assembles src/test/asm/{@code name} after the given preprocessor lines (e.g. "#define X 1"). */
    public static byte[] assembleFile(String name, long textAddress, String prelude) {
        try {
            return assemble(prelude + "\n" + Files.readString(ASM_DIR.resolve(name)), textAddress);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes an assembled program to a temporary file (for -bios/-kernel) that is deleted on exit. */
    public static Path toFile(byte[] image, String suffix) {
        try {
            Path f = Files.createTempFile("virtfw-guest", suffix);
            f.toFile().deleteOnExit();
            Files.write(f, image);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(Path dir, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(command[0] + " is not installed (package binutils-aarch64-linux-gnu / "
                    + "gcc-aarch64-linux-gnu; ./test installs it)", e);
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command[0] + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
