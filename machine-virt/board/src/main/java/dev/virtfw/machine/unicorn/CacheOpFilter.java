package dev.virtfw.machine.unicorn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.virtfw.machine.memory.HostMapping;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * The front of the engine's SYS-instruction hook, as a few machine instructions: it passes the
 * instruction-cache invalidations (IC IVAU, IC IALLU, IC IALLUIS: CRn 7, CRm 5 or 1, op2 0 or 1)
 * on to the Java hook and answers every other SYS instruction itself. Unicorn has one hook for all
 * of them, and the others are frequent: Debian's kernel runs about a million {@code DC ZVA} (its
 * page clearing), 70 000 {@code DC CVAU} and 50 000 {@code TLBI} on its way to {@code /init}, which
 * as FFM upcalls cost it 0.4 s.
 *
 * <pre>
 *   uint32_t filter(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, struct control *c) {
 *       if (cp->crn == 7 &amp;&amp; (cp->crm == 5 || cp->crm == 1) &amp;&amp; cp->op2 &lt;= 1)
 *           return c->java_hook(uc, reg, cp, c->user_data);      // tail call
 *       return 0;                                                  // the CPU performs it
 *   }
 * </pre>
 *
 * Written once per JVM into a page of its own, as {@link BlockCountdown}'s hook is, and only for
 * x86-64 Linux hosts; elsewhere {@link #code} is null and every SYS instruction reaches Java.
 */
final class CacheOpFilter {
    /** The control block: the Java hook's upcall stub, then the user data to call it with. */
    static final long TARGET = 0;
    static final long USER_DATA = 8;
    static final long SIZE = 16;

    /**
     * x86-64 System V: cp in rdx (uc_arm64_cp_reg: crn, crm, op0, op1, op2 as uint32, then val),
     * the control block in rcx; r8 is free (the callback has four arguments).
     */
    private static final byte[] X86_64 = {
        (byte) 0x8B, 0x02,                          //  0: mov  eax, [rdx]          crn
        (byte) 0x83, (byte) 0xF8, 0x07,             //  2: cmp  eax, 7
        0x75, 0x1D,                                 //  5: jne  pass (36)
        (byte) 0x8B, 0x42, 0x04,                    //  7: mov  eax, [rdx + 4]      crm
        (byte) 0x83, (byte) 0xF8, 0x05,             // 10: cmp  eax, 5
        0x74, 0x05,                                 // 13: je   op2 (20)
        (byte) 0x83, (byte) 0xF8, 0x01,             // 15: cmp  eax, 1
        0x75, 0x10,                                 // 18: jne  pass (36)
        (byte) 0x83, 0x7A, 0x10, 0x01,              // 20: op2: cmp dword [rdx + 16], 1
        0x77, 0x0A,                                 // 24: ja   pass (36)
        0x49, (byte) 0x89, (byte) 0xC8,             // 26: mov  r8, rcx             control block
        0x49, (byte) 0x8B, 0x48, 0x08,              // 29: mov  rcx, [r8 + 8]       the Java hook's user data
        0x41, (byte) 0xFF, 0x20,                    // 33: jmp  [r8]                the Java hook
        0x31, (byte) 0xC0,                          // 36: pass: xor eax, eax       not skipped
        (byte) 0xC3,                                // 38: ret
    };

    private static final MemorySegment CODE = build();

    private CacheOpFilter() {}

    /** The filter's entry point, or null when this host sends every SYS instruction to Java. */
    static MemorySegment code() {
        return CODE;
    }

    /** A control block in {@code arena} that forwards to {@code javaHook} with {@code userData}. */
    static MemorySegment newControl(Arena arena, MemorySegment javaHook, long userData) {
        MemorySegment c = arena.allocate(SIZE, Long.BYTES);
        c.set(ADDRESS, TARGET, javaHook);
        c.set(JAVA_LONG, USER_DATA, userData);
        return c;
    }

    private static MemorySegment build() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!Boolean.parseBoolean(System.getProperty("virtfw.nativeBlockHook", "true"))
                || !(arch.equals("amd64") || arch.equals("x86_64")) || !os.contains("linux")) {
            return null;
        }
        return HostMapping.codePage(X86_64);
    }
}
