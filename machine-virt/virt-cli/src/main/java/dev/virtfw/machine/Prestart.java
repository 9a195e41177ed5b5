package dev.virtfw.machine;

import dev.virtfw.fwcfg.FwCfgWarmUp;
import dev.virtfw.fwcfg.FwCfgWarmUpException;
import dev.virtfw.fwcfg.GuestAddress;
import dev.virtfw.machine.memory.BulkCopy;
import dev.virtfw.machine.memory.GuestRam;
import dev.virtfw.machine.memory.HostMapping;
import dev.virtfw.machine.memory.HostMemoryException;
import dev.virtfw.machine.unicorn.Unicorn;
import java.io.PrintWriter;
import java.util.Set;

/**
 * Start-up work that does not depend on the command line, done on a second thread while the main
 * thread parses it: loading Unicorn, binding its downcalls and the libc calls behind guest memory,
 * generating the FFM upcall code, and one fw_cfg DMA on a private device (class loading and
 * method-handle linkage the guest's first transfer would pay). A class-loading profile of
 * {@code ./virt} showed these (~80 ms) and the command-line parser (~120 ms) one after the other
 * on one core of two.
 * The main thread needs no result from here: the JVM's class initialisation makes it wait for
 * whatever is still in progress, and a failure to load or bind is reported by the main thread's own
 * use. The one exception is the fw_cfg warm-up: it checks every transfer, and a transfer that does
 * not do what the spec says is a device bug the guest may never show, so it is printed as one
 * warning line on standard error (the run goes on). Running out of memory for the warm-up's
 * scratch RAM only loses the optimisation and is not reported.
 */
final class Prestart {
    /** Arguments that only print something: no engine will run, so nothing to prepare. */
    private static final Set<String> INFO_ONLY = Set.of("--help", "-h", "-help", "--version", "-version", "-V",
            "--bench");

    private static final long SCRATCH_BASE = 0x4000_0000L;
    private static final long SCRATCH_BYTES = 2L << 20;

    private Prestart() {}

    /** Starts the preparing thread unless {@code args} ask only for help, a version, or the benchmark driver. */
    static boolean begin(String[] args) {
        for (String a : args) {
            if (INFO_ONLY.contains(a) || a.startsWith("--bench=")) {
                return false;
            }
        }
        try {
            // One thread: a second one for the upcall stubs measured no faster (A/B, 10 runs each),
            // the machine being CPU-bound at start-up with the JIT's threads.
            Thread.ofPlatform().daemon().name("virtfw-prestart").start(Prestart::prepare);
            return true;
        } catch (RuntimeException | OutOfMemoryError e) {
            return false;
        }
    }

    static void prepare() {
        HostMapping.prepare();
        Unicorn.prepare();
        Unicorn.prepareCallbacks();
        firstDma(SCRATCH_BYTES, new PrintWriter(System.err, true));
        Unicorn.prepareLate();
        BulkCopy.prepare();
    }

    /**
     * One round of checked fw_cfg transfers on a private device over {@code scratchBytes} of
     * private RAM (see FwCfgWarmUp); returns the transfers done, or -1 when it did not complete.
     * A failed check is one warning line on {@code err}.
     */
    static long firstDma(long scratchBytes, PrintWriter err) {
        try (GuestRam scratch = new GuestRam(SCRATCH_BASE, scratchBytes)) {
            return FwCfgWarmUp.run(scratch, new GuestAddress(SCRATCH_BASE), 1);
        } catch (HostMemoryException | OutOfMemoryError e) {
            return -1; // no scratch memory: only the optimisation is lost
        } catch (RuntimeException e) {
            // The check's own failure says what went wrong; anything else is named by its class too.
            err.println("virt: warning: the fw_cfg start-up check failed (a device bug; please report it): "
                    + (e instanceof FwCfgWarmUpException ? e.getMessage() : e.toString()));
            return -1;
        }
    }
}
