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

    /**
     * Assembly that writes page tables at 0x40100000 (4 KiB granule, TTBR0): 1 GiB at 0 identity
     * (flash, devices), 2 MiB at 0x40000000 identity, and VA 0x40200000 -> PA 0x40400000; normal
     * memory, executable. Uses x2 and leaves x1 at the level-2 table; the MMU stays off ({@link #MMU_ON}).
     */
    static final String PAGE_TABLES = """
                ldr x1, =0x40100000
                ldr x2, =0x705
                str x2, [x1]
                ldr x2, =0x40101003
                str x2, [x1, #8]
                ldr x1, =0x40101000
                ldr x2, =0x40000705
                str x2, [x1]
                ldr x2, =0x40400705
                str x2, [x1, #8]
            """;

    /**
     * Assembly for the end of a program: its literal pool, then {@code vectors}, an EL1 vector
     * table whose every entry prints ESR_EL1 and powers off (a program sets VBAR_EL1 to it).
     */
    static final String VECTORS = """
                .ltorg
                .balign 0x800
            vectors:
                .rept 16
                mrs x0, esr_el1
                bl print_hex
                bl power_off
                .balign 0x80
                .endr
            """;

    /** Assembly that turns the MMU and caches on with {@link #PAGE_TABLES} (39-bit VAs). Uses x0. */
    static final String MMU_ON = """
                ldr x0, =0xff00
                msr mair_el1, x0
                ldr x0, =(25 | 0x500 | 0x3000 | (1 << 23))
                msr tcr_el1, x0
                ldr x0, =0x40100000
                msr ttbr0_el1, x0
                dsb sy
                isb
                mrs x0, sctlr_el1
                orr x0, x0, #1
                orr x0, x0, #(1 << 2)
                orr x0, x0, #(1 << 12)
                msr sctlr_el1, x0
                isb
            """;

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
