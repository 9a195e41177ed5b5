package dev.virtfw.machine.bench;

import dev.virtfw.testdata.QemuRunner;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code ./virt --bench [MODE][,runs=N][,out=DIR]}: finds the two sides (our {@code ./virt}
 * launcher beside this jar's module, QEMU on PATH or {@code -Dvirtfw.qemu}), runs {@link Bench},
 * prints the table and says where the CSV and PNG went.
 */
public final class BenchCommand {
    /** System property naming the launcher to benchmark (default: the {@code virt} script of this checkout). */
    public static final String LAUNCHER_PROPERTY = "virtfw.bench.launcher";

    private BenchCommand() {}

    /**
     * Runs the benchmark described by {@code specText}; returns 0. Failures are thrown as
     * {@link BenchException} or {@link dev.virtfw.machine.ConfigException} (one line each).
     */
    public static int run(String specText, PrintWriter out, PrintWriter err) {
        BenchSpec spec = BenchSpec.parse(specText);
        Path qemu = QemuRunner.findQemu().orElseThrow(() -> new BenchException(
                "--bench: " + QemuRunner.QEMU_EXECUTABLE + " not found on PATH (install qemu-system-arm, or set -D"
                        + QemuRunner.QEMU_PROPERTY + ")"));
        Path launcher = findLauncher().orElseThrow(() -> new BenchException(
                "--bench: the ./virt launcher was not found; set -D" + LAUNCHER_PROPERTY + "=PATH"));
        Bench.Outcome o = Bench.run(spec, Emulator.launcher(launcher), Emulator.qemu(qemu), err);
        out.print(o.table().text());
        out.println("written: " + o.csv() + ", " + o.png() + ", " + o.text());
        out.flush();
        return 0;
    }

    /** The property, else {@code virt} in the folder above this module (machine-virt/target/x.jar -> ./virt). */
    static Optional<Path> findLauncher() {
        String configured = System.getProperty(LAUNCHER_PROPERTY, "").strip();
        if (!configured.isEmpty()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        try {
            Path here = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = here; p != null; p = p.getParent()) {
                Path candidate = p.resolve("virt");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)
                        && Files.isDirectory(p.resolve("machine-virt"))) {
                    return Optional.of(candidate);
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
