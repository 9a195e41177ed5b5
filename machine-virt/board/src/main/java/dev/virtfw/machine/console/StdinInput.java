package dev.virtfw.machine.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Standard input offered to the guest without blocking it: a daemon thread reads the stream into
 * a bounded queue (which holds back the reader when the guest does not consume), the guest polls.
 * The reader takes QEMU's -nographic escape keys out of the stream first ({@link EscapeKeys}):
 * Ctrl-A x runs the action given to {@link #onQuit}; the monitor (Ctrl-A c) runs those given to
 * {@link #onQuit}, {@link #onReset} and {@link #onPowerdown}.
 */
public final class StdinInput implements ConsoleInput {
    private static StdinInput shared;

    /** Put in the queue after Ctrl-A x or a monitor command, to wake a waiting board; never given to the guest. */
    private static final Integer WAKE = -2;

    private final BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(4096);
    private volatile Runnable quitAction = () -> { };
    private volatile Runnable resetAction = () -> { };
    private volatile Runnable powerdownAction = () -> { };

    private StdinInput(InputStream in) {
        Thread reader = Thread.ofPlatform().daemon().name("virt-stdin").unstarted(() -> pump(in));
        reader.start();
    }

    /** The one reader of {@code System.in} (a second reader would steal bytes). */
    public static synchronized StdinInput shared() {
        if (shared == null) {
            shared = new StdinInput(System.in);
        }
        return shared;
    }

    private void pump(InputStream in) {
        EscapeKeys keys = new EscapeKeys(System.out, new Monitor.Actions() {
            @Override
            public void quit() {
                quitAction.run();
                queue.offer(WAKE);
            }

            @Override
            public void reset() {
                resetAction.run();
                queue.offer(WAKE);
            }

            @Override
            public void powerdown() {
                powerdownAction.run();
                queue.offer(WAKE);
            }
        });
        try {
            int b;
            while ((b = in.read()) >= 0) {
                int c = keys.feed(b);
                if (c != NONE) {
                    queue.put(c);
                }
            }
        } catch (IOException | InterruptedException e) {
            // End of input: the guest sees no more bytes.
        }
    }

    /** A byte {@link #await} took from the queue before the guest asked for it. */
    private Integer held;

    @Override
    public void onQuit(Runnable action) {
        quitAction = action;
    }

    @Override
    public void onReset(Runnable action) {
        resetAction = action;
    }

    @Override
    public void onPowerdown(Runnable action) {
        powerdownAction = action;
    }

    @Override
    public synchronized int poll() {
        Integer b = held != null ? held : queue.poll();
        held = null;
        while (WAKE.equals(b)) {
            b = queue.poll();
        }
        return b == null ? NONE : b;
    }

    @Override
    public synchronized boolean await(long nanos) {
        if (held != null || !queue.isEmpty()) {
            return true;
        }
        try {
            held = queue.poll(Math.max(0, nanos), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return held != null;
    }
}
