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
        assertThat(type("\u0001cq")).containsExactly((int) 'q');
        assertThat(quits).isZero();
        assertThat(shown.size()).isZero();
    }
}
