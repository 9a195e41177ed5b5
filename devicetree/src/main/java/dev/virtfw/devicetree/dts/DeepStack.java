package dev.virtfw.devicetree.dts;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs the compiler's recursive passes (parser, checks, flattening, printing) on threads with a
 * stack that holds {@code DtsParser.MAX_NESTING} levels of nodes or parentheses, whatever stack
 * the caller's thread has (1 MiB by default, where 2000 parentheses would overflow it). The caller
 * waits; what the work throws is thrown to the caller. The threads are kept for a while and
 * reused (starting one costs more than compiling a small source), one per concurrent caller;
 * a call made on one of them runs in place.
 */
final class DeepStack {
    /** Reserved, not committed: a thread touches only the pages its depth needs. */
    static final long STACK_BYTES = 64L << 20;

    private static final class DeepThread extends Thread {
        DeepThread(Runnable r) {
            super(null, r, "dts-compiler", STACK_BYTES);
            setDaemon(true);
        }
    }

    private static final ThreadPoolExecutor THREADS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30,
            TimeUnit.SECONDS, new SynchronousQueue<>(), DeepThread::new);

    private DeepStack() {}

    static <T> T call(Supplier<T> work) {
        if (Thread.currentThread() instanceof DeepThread) {
            return work.get();
        }
        Future<T> result = THREADS.submit(work::get);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the work is bounded: let it finish, then restore the flag
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case RuntimeException r -> throw r;
                        case Error r -> throw r;
                        default -> throw new IllegalStateException(e.getCause());
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
