package dev.virtfw.machine.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Puts an interactive terminal on standard input into character mode without local echo while a
 * guest owns the console (as QEMU's -nographic does), so each key reaches the guest at once and the
 * guest's own echo is the only one. Signals stay on: Ctrl-C ends ./virt, and the terminal's
 * settings are restored on exit. Does nothing when standard input is not a terminal.
 */
public final class TerminalMode {
    private TerminalMode() {}

    /** Switches the terminal if there is one; returns whether it did. */
    public static boolean enterCharacterMode() {
        var console = System.console();
        if (console == null || !console.isTerminal()) {
            return false;
        }
        String saved = stty("-g");
        if (saved == null || stty("-icanon", "-echo", "min", "1") == null) {
            return false;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stty(saved.strip()), "virt-tty-restore"));
        return true;
    }

    /** Runs stty on the inherited standard input; its output, or null when it failed. */
    private static String stty(String... args) {
        try {
            Process p = new ProcessBuilder(concat("stty", args)).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static List<String> concat(String first, String... rest) {
        var l = new java.util.ArrayList<String>();
        l.add(first);
        l.addAll(List.of(rest));
        return l;
    }
}
