package dev.virtfw.machine.console;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** The machine's console: the serial port's input and output. */
public record Console(ConsoleInput input, ConsoleOutput output) {
    public Console {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
    }

    /** Standard input and output of the process. */
    public static Console stdio() {
        return new Console(StdinInput.shared(), new StreamOutput(System.out));
    }

    /** No input, output discarded. */
    public static Console none() {
        return new Console(ConsoleInput.none(), ConsoleOutput.discard());
    }

    /** A scripted console for tests: {@code input} is offered byte by byte, output collected in {@code sink}. */
    public static Console scripted(String input, ByteArrayOutputStream sink) {
        return new Console(new ScriptedInput(input.getBytes(StandardCharsets.UTF_8)), sink::write);
    }
}
