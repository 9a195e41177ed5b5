package dev.virtfw.machine.uboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.testdata.GeneratedFile;
import dev.virtfw.testdata.TestInitrd;
import dev.virtfw.testdata.TestKernel;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** U-Boot's stock autoboot (bootcmd_qfw: qfw load, booti) and its reset, on our board and on QEMU. */
class UBootBootTest {
    static final String APPEND = "console=ttyAMA0 root=/dev/ram0 virtfw.boot=autoboot";

    @Test
    void withNoKeyAutobootBootsTheTestKernelWhichSeesTheCommandLineAndInitrd(@TempDir Path dir) throws Exception {
        TestKernel.Image kernel = TestKernel.write(dir.resolve("Image"), 2L << 20, 42);
        GeneratedFile initrd = TestInitrd.write(dir.resolve("initrd"), 777_777, 43);
        List<String> args = List.of("-bios", UBoot.binary().toString(), "-kernel", kernel.path().toString(),
                "-initrd", initrd.path().toString(), "-append", APPEND);
        Map<ConsoleSession.Engine, List<String>> seen = new EnumMap<>(ConsoleSession.Engine.class);
        for (ConsoleSession.Engine engine : ConsoleSession.Engine.values()) {
            try (ConsoleSession s = ConsoleSession.start(engine, args)) {
                s.await("Hit any key to stop autoboot");
                s.await("KERNEL poweroff");
                assertThat(s.awaitExit()).as("%s exit status", engine).isZero();
                seen.put(engine, s.text().lines()
                        .filter(l -> l.startsWith("KERNEL bootargs") || l.startsWith("KERNEL initrd")
                                || l.startsWith("KERNEL poweroff"))
                        .toList());
            }
        }
        List<String> ours = seen.get(ConsoleSession.Engine.VIRT);
        assertThat(ours).hasSize(3);
        assertThat(ours.get(0)).isEqualTo("KERNEL bootargs \"" + APPEND + "\"");
        // booti moves the initrd (U-Boot picks the place); its size and CRC must be the host file's.
        Matcher m = Pattern.compile("KERNEL initrd start=0x([0-9a-f]+) end=0x([0-9a-f]+) size=(\\d+) crc32=([0-9a-f]{8})")
                .matcher(ours.get(1));
        assertThat(m.matches()).as(ours.get(1)).isTrue();
        assertThat(Long.parseLong(m.group(2), 16) - Long.parseLong(m.group(1), 16)).isEqualTo(initrd.size());
        assertThat(Long.parseLong(m.group(3))).isEqualTo(initrd.size());
        assertThat(m.group(4)).isEqualTo(String.format("%08x", initrd.crc32()));
        assertThat(ours.get(2)).isEqualTo("KERNEL poweroff");
        assertThat(seen.get(ConsoleSession.Engine.VIRT)).isEqualTo(seen.get(ConsoleSession.Engine.QEMU));
    }

    @Test
    void resetAtThePromptRestartsTheMachineAndUBootComesUpAgain() throws Exception {
        try (ConsoleSession s = ConsoleSession.virt(List.of("-bios", UBoot.binary().toString()))) {
            s.await("U-Boot 2023.01");
            s.await("Hit any key to stop autoboot");
            s.send("\n");
            s.await(ConsoleSession.PROMPT);
            s.commandNoPrompt("reset");
            s.await("resetting ...");
            s.await("U-Boot 2023.01");
            s.await("Hit any key to stop autoboot");
            s.send("\n");
            s.await(ConsoleSession.PROMPT);
            assertThat(s.command("printenv bootdelay")).isEqualTo("bootdelay=2\n");
            s.commandNoPrompt("poweroff");
            assertThat(s.awaitExit()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ConsoleSession.Engine.class)
    void ctrlAHListsTheEscapeKeysAndCtrlAXEndsTheMachineWithStatusZero(ConsoleSession.Engine engine) throws Exception {
        try (ConsoleSession s = ConsoleSession.start(engine, List.of("-bios", UBoot.binary().toString()))) {
            s.await("Hit any key to stop autoboot");
            s.send("\n");
            s.await(ConsoleSession.PROMPT);
            s.send("\u0001h");
            s.await("C-a x    exit emulator");
            s.send("\u0001x");
            assertThat(s.awaitExit()).isZero();
            assertThat(s.text()).contains("Terminated");
        }
    }
}
