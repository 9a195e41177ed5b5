package dev.virtfw.machine.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.Assembler;
import dev.virtfw.machine.cli.VirtCommand;
import dev.virtfw.machine.console.Console;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A plug-in device that throws (the board's test provider {@code test-faulty}) as ./virt reports it. */
class FaultyPluginOnTheCommandLineTest {
    static Path firmware() {
        return Assembler.toFile(Assembler.assemble("""
                    ldr x1, =0x0a100000
                    ldr w0, [x1, #0x10]
                """, 0), ".bin");
    }

    @Test
    void aDeviceThatThrowsIsOneLineWithTheInternalErrorStatus() {
        Path fw = firmware();
        StringWriter err = new StringWriter();
        int status = VirtCommand.run(new String[] {"-bios", fw.toString(), "--device", "test-faulty,base=0x0a100000"},
                Console.none(), new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(status).isEqualTo(4);
        assertThat(err.toString()).hasLineCount(1).startsWith("virt: error: internal error while the guest ran");
    }

    @Test
    void verboseAddsTheStackTraceDownToTheDevicesBug() {
        StringWriter err = new StringWriter();
        int status = VirtCommand.run(new String[] {"--verbose", "-bios", firmware().toString(), "--device",
                "test-faulty,base=0x0a100000"}, Console.none(), new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(status).isEqualTo(4);
        assertThat(err.toString().lines().toList().getFirst()).startsWith("virt: error: internal error while the guest ran");
        assertThat(err.toString()).contains("dev.virtfw.machine.MachineFailureException")
                .contains("Caused by: java.lang.IllegalStateException: device bug at offset 16")
                .contains("at dev.virtfw.machine.plugin.FaultyDeviceProvider");
    }
}
