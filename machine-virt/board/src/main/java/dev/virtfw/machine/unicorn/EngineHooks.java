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

    /**
     * An MSR to system register {@code encoding} ({@link SysReg#encoding()}) with {@code value}.
     * Returns true when the board performed the write itself (the instruction is then skipped),
     * false to let the CPU perform it. Default: the CPU does.
     */
    default boolean systemRegisterWrite(int encoding, long value) {
        return false;
    }

    /**
     * The guest is about to invalidate instruction caches: {@code encoding} ({@link SysReg#encode})
     * is IC IVAU (op1 3, CRn 7, CRm 5, op2 1; {@code value} is the virtual address of the line) by
     * an address the guest cannot run code from or that does not translate (the engine drops the
     * page of the others itself), IC IALLU (op1 0, CRm 5, op2 0) or IC IALLUIS (op1 0, CRm 1, op2
     * 0). The CPU then performs the instruction (a no-op in Unicorn). Only on an engine that
     * {@link Unicorn#reportInstructionCacheInvalidations reports them}. Default: nothing.
     */
    default void instructionCacheInvalidation(int encoding, long value) {}

    /** The instruction at {@code address} is about to run (only on an engine opened with a code hook). */
    default void instruction(long address) {}
}
