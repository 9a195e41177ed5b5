package dev.virtfw.machine.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** QEMU's -nographic escape keys (chardev/char-mux.c), as typed on standard input. */
class EscapeKeysTest {
    private final ByteArrayOutputStream shown = new ByteArrayOutputStream();
    private int quits;
    private final EscapeKeys keys = new EscapeKeys(new PrintStream(shown, true, StandardCharsets.UTF_8), () -> quits++);

    private List<Integer> type(String text) {
        List<Integer> delivered = new ArrayList<>();
        for (char c : text.toCharArray()) {
            int b = keys.feed(c);
            if (b != ConsoleInput.NONE) {
                delivered.add(b);
            }
        }
        return delivered;
    }

    @Test
    void ordinaryKeysPassThrough() {
        assertThat(type("ls\n")).containsExactly((int) 'l', (int) 's', (int) '\n');
        assertThat(quits).isZero();
    }

    @Test
    void ctrlAXQuitsAndReachesNoGuest() {
        assertThat(type("a\u0001xb")).containsExactly((int) 'a', (int) 'b');
        assertThat(quits).isEqualTo(1);
        assertThat(shown.toString(StandardCharsets.UTF_8)).isEqualTo("virt: Terminated\n\r");
    }

    @Test
    void ctrlATwiceSendsOneCtrlA() {
        assertThat(type("\u0001\u0001x")).containsExactly(1, (int) 'x');
        assertThat(quits).isZero();
    }

    @Test
    void ctrlAHPrintsTheKeysAsQemuDoes() {
        assertThat(type("\u0001h\u0001?")).isEmpty();
        assertThat(shown.toString(StandardCharsets.UTF_8))
                .contains("C-a h    print this help\n\r", "C-a x    exit emulator\n\r", "C-a C-a  sends C-a\n\r");
    }

    @Test
    void anUnknownCommandIsDroppedWithItsEscape() {
        assertThat(type("\u0001sq")).containsExactly((int) 'q');
        assertThat(quits).isZero();
        assertThat(shown.size()).isZero();
    }

    /** Keys with a monitor whose actions are counted. */
    private final List<String> actions = new ArrayList<>();
    private final EscapeKeys withMonitor = new EscapeKeys(new PrintStream(shown, true, StandardCharsets.UTF_8),
            new Monitor.Actions() {
                @Override
                public void quit() {
                    actions.add("quit");
                }

                @Override
                public void reset() {
                    actions.add("reset");
                }

                @Override
                public void powerdown() {
                    actions.add("powerdown");
                }
            });

    private List<Integer> typeWithMonitor(String text) {
        List<Integer> delivered = new ArrayList<>();
        for (char c : text.toCharArray()) {
            int b = withMonitor.feed(c);
            if (b != ConsoleInput.NONE) {
                delivered.add(b);
            }
        }
        return delivered;
    }

    @Test
    void ctrlACSwitchesToTheMonitorWhoseLinesTheGuestNeverSees() {
        assertThat(typeWithMonitor("a\u0001csystem_powerdown\r\nbogus\rhelp system_reset\n\u0001cb")).containsExactly(
                (int) 'a', (int) 'b');
        assertThat(actions).containsExactly("powerdown");
        assertThat(shown.toString(StandardCharsets.UTF_8)).isEqualTo(Monitor.BANNER
                + "(qemu) system_powerdown\r\n"
                + "(qemu) bogus\r\nunknown command: 'bogus'\r\n"
                + "(qemu) help system_reset\r\nsystem_reset      -- reset the system\r\n"
                + "(qemu) ");
    }

    @Test
    void theMonitorAsksForResetAndQuitAndEditsItsLine() {
        assertThat(typeWithMonitor("\u0001csystem_resex\u007ft\n\u0001c\u0001cq\n")).isEmpty();
        assertThat(actions).containsExactly("reset", "quit");
        assertThat(shown.toString(StandardCharsets.UTF_8)).startsWith(Monitor.BANNER + "(qemu) system_resex\b \bt\r\n(qemu) ")
                .endsWith("(qemu) (qemu) q\r\n(qemu) ")
                .as("the banner only once").containsOnlyOnce("monitor - type 'help'");
    }

    @Test
    void ctrlAXStillQuitsFromTheMonitor() {
        assertThat(typeWithMonitor("\u0001cab\u0001x")).isEmpty();
        assertThat(actions).containsExactly("quit");
        assertThat(shown.toString(StandardCharsets.UTF_8)).endsWith("(qemu) abvirt: Terminated\n\r");
    }
}
