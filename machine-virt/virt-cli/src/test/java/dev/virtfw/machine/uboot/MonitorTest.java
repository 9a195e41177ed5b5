package dev.virtfw.machine.uboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.testdata.Firmware;
import dev.virtfw.testdata.TestData;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's monitor (Ctrl-A c), typed as on QEMU's -nographic console: {@code
 * system_powerdown} presses the power key, which a guest waiting on the PL061's GPIO 3 sees as on
 * QEMU 7.2 (the same check lines on both); {@code system_reset} restarts U-Boot and {@code quit}
 * ends the machine with status 0.
 */
class MonitorTest {
    @Test
    void systemPowerdownPressesThePowerKeyAsOnQemu(@TempDir Path dir) throws Exception {
        Path guest = TestData.extract(Firmware.GUEST_POWERKEY, dir);
        List<String> args = List.of("-M", "virt,acpi=off", "-m", "128", "-bios", guest.toString());
        Map<ConsoleSession.Engine, List<String>> checks = new EnumMap<>(ConsoleSession.Engine.class);
        for (ConsoleSession.Engine engine : ConsoleSession.Engine.values()) {
            try (ConsoleSession s = ConsoleSession.start(engine, args)) {
                s.await(Firmware.POWER_KEY_READY);
                s.send("\u0001c");
                s.await("(qemu) ");
                s.send("system_powerdown\n");
                s.await("DONE ");
                assertThat(s.awaitExit()).as("%s exit status", engine).isZero();
                checks.put(engine, s.text().lines().map(l -> l.replace("(qemu) ", ""))
                        .filter(l -> l.startsWith("CHECK ") || l.startsWith("DONE ")).toList());
            }
        }
        assertThat(checks.get(ConsoleSession.Engine.QEMU)).as("QEMU 7.2").contains("DONE 11 passed, 0 failed")
                .allSatisfy(l -> assertThat(l).doesNotContain("FAIL"));
        assertThat(checks.get(ConsoleSession.Engine.VIRT)).isEqualTo(checks.get(ConsoleSession.Engine.QEMU));
    }

    @Test
    void systemResetRestartsUBootAndQuitEndsTheMachine() throws Exception {
        try (ConsoleSession s = ConsoleSession.virt(List.of("-bios", UBoot.binary().toString()))) {
            s.await("Hit any key to stop autoboot");
            s.send("\n");
            s.await(ConsoleSession.PROMPT_LINE);
            s.send("\u0001c");
            s.await("virt monitor - type 'help' for more information\r\n(qemu) ");
            s.send("help\n");
            s.await("system_reset      -- reset the system\r\n(qemu) ");
            s.send("system_reset\n");
            s.send("\u0001c");
            s.await("U-Boot 2023.01");
            s.await("Hit any key to stop autoboot");
            s.send("\u0001c");
            s.await("(qemu) ");
            s.send("quit\n");
            assertThat(s.awaitExit()).isZero();
        }
    }
}
