package dev.virtfw.machine.console;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** Output to a stream, buffered and flushed at each line end, when the guest waits for input, and at the end. */
public final class StreamOutput implements ConsoleOutput {
    private final OutputStream out;

    public StreamOutput(OutputStream out) {
        this.out = new BufferedOutputStream(out, 8192);
    }

    @Override
    public void write(int b) {
        try {
            out.write(b);
            if (b == '\n') {
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
