package dev.virtfw.machine;

import dev.virtfw.machine.cli.VirtCommand;
import dev.virtfw.machine.compare.CompareCommand;
import dev.virtfw.machine.console.Console;
import dev.virtfw.machine.console.TerminalMode;
import dev.virtfw.machine.demo.DemoCommand;
import java.io.PrintWriter;

/** {@code ./virt}: see {@link VirtCommand} for the options. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Prestart.begin(args);
        if (DemoCommand.selects(args)) {
            // No arguments, or --demo...: the built-in fw_cfg demo: legacy against DMA boot timings.
            System.exit(DemoCommand.run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
        }
        if (CompareCommand.selects(args)) {
            // --compare-qemu QEMU-ARGS...: the same command line on QEMU and here, consoles side by side.
            System.exit(CompareCommand.run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
        }
        Console console = Console.stdio();
        TerminalMode.enterCharacterMode();
        int status = VirtCommand.run(args, console, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        console.output().flush();
        System.exit(status);
    }
}
