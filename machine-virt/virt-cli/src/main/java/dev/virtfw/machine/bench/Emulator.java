package dev.virtfw.machine.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One side of a comparison: the command that starts it; both take the same QEMU-style arguments.
 *
 * @param name    "ours" or "QEMU"
 * @param command the program and the arguments before the machine's options
 */
public record Emulator(String name, List<String> command) {
    public Emulator {
        command = List.copyOf(command);
    }

    /** Our machine through the real {@code ./virt} launcher (a JVM start, counted honestly). */
    public static Emulator launcher(Path virtScript) {
        return new Emulator("ours", List.of(virtScript.toString()));
    }

    /** Our machine started as {@code java ... dev.virtfw.machine.Main} on the given class path (tests). */
    public static Emulator java(Path javaBin, String classPath, String unicornLib) {
        List<String> c = new ArrayList<>(List.of(javaBin.toString(), "--enable-native-access=ALL-UNNAMED"));
        if (unicornLib != null && !unicornLib.isBlank()) {
            c.add("-Dvirtfw.unicorn.lib=" + unicornLib);
        }
        c.addAll(List.of("-cp", classPath, "dev.virtfw.machine.Main"));
        return new Emulator("ours", c);
    }

    public static Emulator qemu(Path qemuBinary) {
        return new Emulator("QEMU", List.of(qemuBinary.toString()));
    }

    /** The full command line: this emulator with the options both accept. */
    public List<String> with(List<String> machineArgs) {
        List<String> c = new ArrayList<>(command);
        c.addAll(machineArgs);
        return c;
    }
}
