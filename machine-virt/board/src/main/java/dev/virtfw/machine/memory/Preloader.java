package dev.virtfw.machine.memory;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Faults file mappings in on a background thread, so the guest's first DMA from a kernel, an
 * initrd or a {@code -fw_cfg file=} item copies from memory already in this process's page tables
 * instead of taking a page fault every 64 KiB. QEMU pays the same cost when it reads those files at
 * start-up; here it overlaps with the JVM's own start. The contents are never copied.
 *
 * <p>{@link #close()} stops the thread between chunks and waits for it, so the mappings may be
 * unmapped right after. A failure (a file truncated under us) only ends the preloading: the
 * guest's own read then reports it as it would have anyway.
 */
public final class Preloader implements AutoCloseable {
    /** Work between two looks at the stop flag: small enough that close() waits a few ms at most. */
    static final long CHUNK = 8L << 20;

    private final Thread thread;
    private volatile boolean stop;

    private Preloader(List<MemorySegment> segments) {
        List<MemorySegment> work = segments.stream().filter(s -> s.isMapped() && s.byteSize() > 0).toList();
        this.thread = work.isEmpty() ? null
                : Thread.ofPlatform().daemon().name("virtfw-preload").start(() -> load(work));
    }

    /** Starts faulting in the mapped segments of {@code segments} (others are skipped). */
    public static Preloader start(List<MemorySegment> segments) {
        return new Preloader(List.copyOf(segments));
    }

    private void load(List<MemorySegment> work) {
        try {
            for (MemorySegment s : work) {
                for (long off = 0; off < s.byteSize() && !stop; off += CHUNK) {
                    s.asSlice(off, Math.min(CHUNK, s.byteSize() - off)).load();
                }
            }
        } catch (Throwable t) {
            // Advisory only: the guest's reads are correct without it.
        }
    }

    /** Waits for the preloading to finish (used by tests and benchmarks). */
    public void awaitDone() throws InterruptedException {
        if (thread != null) {
            thread.join();
        }
    }

    /** Stops after the current chunk and waits for the thread, so the mappings can be closed. */
    @Override
    public void close() {
        stop = true;
        if (thread == null) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
