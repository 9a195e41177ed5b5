package dev.virtfw.machine.devices;

import dev.virtfw.fwcfg.FwCfgWarmUp;
import dev.virtfw.machine.memory.GuestRam;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts, once per JVM, {@link FwCfgWarmUp} on a background thread over a private scratch
 * {@link GuestRam} (the class the real device's DMA goes through, so the JIT's type profile is the
 * board's). Without it the guest's first few DMA transfers run in the interpreter: ./virt --bench
 * measured 1 MiB transfers at a third of QEMU's speed, with tens of µs of fixed cost each.
 */
public final class FwCfgJit {
    /** Rounds of the warm-up: the DMA path compiled (C1, then C2) in ~80 ms of one core, measured. */
    static final int ROUNDS = 1500;
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final long SCRATCH_BASE = 0x4000_0000L;

    private FwCfgJit() {}

    /** Starts the warm-up thread unless an earlier call did. Never throws, never blocks. */
    public static void warmUpOnce() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        try {
            Thread.ofPlatform().daemon().name("virtfw-jit-warmup").priority(Thread.MIN_PRIORITY).start(FwCfgJit::run);
        } catch (RuntimeException | OutOfMemoryError e) {
            // An optimisation only: the device is correct without it.
        }
    }

    /** Runs the warm-up on the calling thread; the number of checked DMA transfers. */
    static long run() {
        try (GuestRam scratch = new GuestRam(SCRATCH_BASE, 2L << 20)) {
            return FwCfgWarmUp.run(scratch, SCRATCH_BASE, ROUNDS);
        } catch (RuntimeException | OutOfMemoryError e) {
            return -1;
        }
    }
}
