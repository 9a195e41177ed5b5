package dev.virtfw.devicetree.dts;

import java.util.function.Supplier;

/**
 * Runs the compiler's recursive passes (parser, checks, flattening, printing) on a thread of its
 * own with a stack that holds {@code DtsParser.MAX_NESTING} levels of nodes or parentheses,
 * whatever stack the caller's thread has (1 MiB by default, where 2000 parentheses would
 * overflow it). The caller waits; what the work throws is thrown to the caller.
 */
final class DeepStack {
    /** Reserved, not committed: a thread touches only the pages its depth needs. */
    static final long STACK_BYTES = 64L << 20;

    private DeepStack() {}

    static <T> T call(Supplier<T> work) {
        Object[] result = {null};
        Throwable[] failure = {null};
        Thread worker = new Thread(null, () -> {
            try {
                result[0] = work.get();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "dts-compiler", STACK_BYTES);
        worker.start();
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the work is bounded: let it finish, then restore the flag
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        switch (failure[0]) {
            case null -> {
                @SuppressWarnings("unchecked")
                T t = (T) result[0];
                return t;
            }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(failure[0]);
        }
    }
}
