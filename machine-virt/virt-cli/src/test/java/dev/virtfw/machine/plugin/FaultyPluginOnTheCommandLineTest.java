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
    @Test
    void aDeviceThatThrowsIsOneLineWithTheInternalErrorStatus() {
        Path fw = Assembler.toFile(Assembler.assemble("""
                    ldr x1, =0x0a000000
                    ldr w0, [x1, #0x10]
                """, 0), ".bin");
        StringWriter err = new StringWriter();
        int status = VirtCommand.run(new String[] {"-bios", fw.toString(), "--device", "test-faulty,base=0x0a000000"},
                Console.none(), new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(status).isEqualTo(4);
        assertThat(err.toString()).hasLineCount(1).startsWith("virt: error: internal error while the guest ran");
    }
}
