package dev.virtfw.machine.uboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.testdata.QemuRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * EDK2 (Debian's ArmVirtQemu build, unmodified) on its own, as firmware developers run it: the
 * 64 MiB code image read-only in flash bank 0 and a copy of the variable store in bank 1. It
 * reaches the UEFI shell, a non-volatile variable set there survives the end of the process and
 * reads back in the next one (through the board's flash journal), and {@code reset -s} powers
 * off. The same script runs on QEMU 7.2.
 */
class UefiShellTest {
    static final String PROMPT = "Shell> ";
    static final String GUID = "2e0f6b2c-6c1e-4a5e-9f1d-3c8b1f6d2a11";

    @ParameterizedTest
    @EnumSource(ConsoleSession.Engine.class)
    void aVariableSetInTheShellSurvivesARestartOfTheMachine(ConsoleSession.Engine engine, @TempDir Path dir)
            throws Exception {
        Path code = QemuRunner.findUefiFlash("AAVMF_CODE.fd").orElseThrow(() -> new AssertionError(
                "EDK2's AAVMF_CODE.fd not found (Debian package " + QemuRunner.UEFI_PACKAGE + "; ./test installs it)"));
        Path vars = Files.copy(QemuRunner.findUefiFlash("AAVMF_VARS.fd").orElseThrow(), dir.resolve("vars.fd"));
        List<String> args = List.of("-M", "virt,acpi=off", "-m", "512",
                "-drive", "if=pflash,format=raw,file=" + code + ",readonly=on",
                "-drive", "if=pflash,format=raw,file=" + vars);

        try (ConsoleSession s = ConsoleSession.start(engine, args)) {
            s.await("UEFI Interactive Shell");
            s.await(PROMPT);
            s.send("setvar VirtfwTest -guid " + GUID + " -nv -bs -rt =0x1234\r");
            s.await(PROMPT);
            s.send("reset -s\r");
            assertThat(s.awaitExit()).isZero();
        }
        try (ConsoleSession s = ConsoleSession.start(engine, args)) {
            s.await(PROMPT);
            s.send("setvar VirtfwTest -guid " + GUID + "\r");
            String shown = s.await(PROMPT);
            assertThat(shown).contains(GUID.toUpperCase() + " - VirtfwTest - 0002 Bytes\r\n34 12");
            s.send("reset -s\r");
            assertThat(s.awaitExit()).isZero();
        }
    }
}
