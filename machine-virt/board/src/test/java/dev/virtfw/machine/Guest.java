package dev.virtfw.machine;

import dev.virtfw.machine.console.Console;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Runs assembled guest programs on the machine with a scripted console. */
final class Guest {
    /** What a run printed and how it ended. */
    record Run(RunResult result, String console) {}

    private Guest() {}

    /** Firmware linked at 0 for -bios, followed by src/test/asm/lib.S (puts, print_hex, power_off...). */
    static Path firmware(String source) {
        return Assembler.toFile(Assembler.assemble(source + "\n#include \"lib.S\"\n", VirtMachine.FLASH_BASE), ".bin");
    }

    /** Runs with -bios {@code firmware}; {@code tweak} adjusts the configuration. */
    static Run run(Path firmware, String input, UnaryOperator<MachineConfig.Builder> tweak) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig.Builder b = MachineConfig.builder()
                .ramSize(512L << 20)
                .bios(firmware)
                .console(Console.scripted(input, out))
                // every test guest ends well within this; a broken one must not hang the build
                .limits(new Limits(0, Duration.ofSeconds(30)));
        MachineConfig config = tweak.apply(b).build();
        RunResult r = VirtMachine.run(config);
        return new Run(r, out.toString(StandardCharsets.ISO_8859_1));
    }

    static Run run(Path firmware) {
        return run(firmware, "", b -> b);
    }
}
