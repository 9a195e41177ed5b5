package dev.virtfw.machine.unicorn;

/**
 * What the engine reports back while the guest runs. Each method may throw: the engine catches
 * everything in its upcall, records it ({@link Unicorn#takeFailure()}) and stops emulation.
 */
public interface EngineHooks {
    /** An exception the CPU raised ({@code EXCP_*} number of QEMU's target/arm/cpu.h). */
    void interrupt(int intno);

    /**
     * An access to unmapped or protected memory. {@code type} is unicorn.h's {@code uc_mem_type}.
     * Returning normally stops emulation with the matching {@code uc_err}.
     */
    void invalidMemory(int type, long address, int size, long value);
}
