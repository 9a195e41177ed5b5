package dev.virtfw.machine.unicorn;

/**
 * What the CPU computed for a synchronous exception before Unicorn's interrupt hook took it over:
 * the AArch64 syndrome (ESR format), the faulting virtual address for aborts (FAR), and the
 * exception level the architecture sends it to.
 *
 * @param syndrome  the ESR value (EC in bits 31:26, IL bit 25, ISS below)
 * @param vaddress  the fault address, meaningful for instruction and data aborts
 * @param targetEl  the exception level the exception is taken to
 */
public record ExceptionRecord(int syndrome, long vaddress, int targetEl) {
    /** The exception class, ESR bits 31:26. */
    public int exceptionClass() {
        return syndrome >>> 26;
    }
}
