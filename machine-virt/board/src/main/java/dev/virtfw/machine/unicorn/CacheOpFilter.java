package dev.virtfw.machine.unicorn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The front of the engine's SYS-instruction hook, as machine code. Unicorn has one hook for all
 * SYS instructions and most are frequent: Debian's kernel runs about a million {@code DC ZVA} (its
 * page clearing), 70 000 {@code DC CVAU} and 50 000 {@code TLBI} on its way to {@code /init},
 * which as FFM upcalls cost it 0.4 s; the filter answers them itself. It passes the
 * instruction-cache invalidations (IC IVAU, IC IALLU, IC IALLUIS: CRn 7, CRm 5 or 1, op2 0 or 1)
 * on to the Java hook, except the common one it can serve: an IC IVAU whose address the guest can
 * run code from (EDK2 invalidates every image it loads a line at a time, 700 000 of them in a
 * boot; Linux 45 000, one per instruction it patches), whose page it drops with Unicorn's own
 * call, as the board would (see {@code Board#instructionCacheInvalidation}).
 *
 * <pre>
 *   uint32_t filter(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, struct control *c) {
 *       if (cp->crn != 7 || !((cp->crm == 5 &amp;&amp; cp->op2 &lt;= 1) || (cp->crm == 1 &amp;&amp; cp->op2 == 0)))
 *           return 0;                                               // the CPU performs it
 *       uint64_t pa;
 *       if (cp->crm == 5 &amp;&amp; cp->op2 == 1 &amp;&amp; cp->op1 == 3                  // IC IVAU
 *               &amp;&amp; c->translate(uc, cp->val, UC_PROT_EXEC, &amp;pa) == UC_ERR_OK) {
 *           uint64_t page = cp->val &amp; ~4095;
 *           c->uc_ctl(uc, c->remove_cache, page, page + 4096);
 *           return 0;
 *       }
 *       return c->java_hook(uc, reg, cp, c->user_data);             // tail call
 *   }
 * </pre>
 *
 * Written once per JVM into a page of its own, as {@link BlockCountdown}'s hook is, and only for
 * x86-64 Linux hosts; elsewhere {@link #code} is null and every SYS instruction reaches Java.
 */
final class CacheOpFilter {
    /**
     * The control block: the Java hook's upcall stub and the user data to call it with; the
     * addresses of uc_vmem_translate and uc_ctl; the uc_ctl command that drops translated code.
     */
    static final long TARGET = 0;
    static final long USER_DATA = 8;
    static final long TRANSLATE = 16;
    static final long CTL = 24;
    static final long REMOVE_CACHE_COMMAND = 32;
    static final long SIZE = 40;

    /**
     * x86-64 System V: cp in rdx (uc_arm64_cp_reg: crn, crm, op0, op1, op2 as uint32, then val),
     * the control block in rcx. The IC IVAU path saves what it needs in callee-saved registers and
     * keeps the stack 16-byte aligned at its two calls; its way to Java restores the arguments and
     * the stack, then jumps as the filter's own way does.
     */
    private static final byte[] X86_64 = {
        (byte) 0x8B, 0x02,                                      //   0: mov  eax, [rdx]              crn
        (byte) 0x83, (byte) 0xF8, 0x07,                         //   2: cmp  eax, 7
        0x75, 0x13,                                             //   5: jne  pass
        (byte) 0x8B, 0x42, 0x04,                                //   7: mov  eax, [rdx + 4]          crm
        (byte) 0x83, (byte) 0xF8, 0x05,                         //  10: cmp  eax, 5
        0x74, 0x0E,                                             //  13: je   crm5
        (byte) 0x83, (byte) 0xF8, 0x01,                         //  15: cmp  eax, 1
        0x75, 0x06,                                             //  18: jne  pass
        (byte) 0x83, 0x7A, 0x10, 0x00,                          //  20: cmp  dword [rdx + 16], 0     IC IALLUIS: op2 0
        0x74, 0x15,                                             //  24: je   java
        // pass:
        0x31, (byte) 0xC0,                                      //  26: xor  eax, eax                not skipped: the CPU performs it
        (byte) 0xC3,                                            //  28: ret
        // crm5:
        (byte) 0x8B, 0x42, 0x10,                                //  29: mov  eax, [rdx + 16]         op2
        (byte) 0x85, (byte) 0xC0,                               //  32: test eax, eax
        0x74, 0x0B,                                             //  34: jz   java                     IC IALLU
        (byte) 0x83, (byte) 0xF8, 0x01,                         //  36: cmp  eax, 1
        0x75, (byte) 0xF1,                                      //  39: jne  pass
        (byte) 0x83, 0x7A, 0x0C, 0x03,                          //  41: cmp  dword [rdx + 12], 3     op1 3: IC IVAU
        0x74, 0x0A,                                             //  45: je   ivau
        // java:
        0x49, (byte) 0x89, (byte) 0xC8,                         //  47: mov  r8, rcx                 control block
        0x49, (byte) 0x8B, 0x48, 0x08,                          //  50: mov  rcx, [r8 + 8]           the Java hook's user data
        0x41, (byte) 0xFF, 0x20,                                //  54: jmp  [r8]                    the Java hook
        // ivau:
        0x53,                                                   //  57: push rbx
        0x41, 0x54,                                             //  58: push r12
        0x41, 0x55,                                             //  60: push r13
        0x41, 0x56,                                             //  62: push r14
        0x41, 0x57,                                             //  64: push r15
        0x48, (byte) 0x83, (byte) 0xEC, 0x10,                   //  66: sub  rsp, 16                 the translation's result; rsp 16-aligned
        0x48, (byte) 0x89, (byte) 0xFB,                         //  70: mov  rbx, rdi                uc
        0x49, (byte) 0x89, (byte) 0xCC,                         //  73: mov  r12, rcx                control block
        0x49, (byte) 0x89, (byte) 0xD5,                         //  76: mov  r13, rdx                cp
        0x41, (byte) 0x89, (byte) 0xF6,                         //  79: mov  r14d, esi               reg
        0x4C, (byte) 0x8B, 0x7A, 0x18,                          //  82: mov  r15, [rdx + 24]         the line's virtual address
        0x4C, (byte) 0x89, (byte) 0xFE,                         //  86: mov  rsi, r15
        (byte) 0xBA, 0x04, 0x00, 0x00, 0x00,                    //  89: mov  edx, 4                  UC_PROT_EXEC
        0x48, (byte) 0x89, (byte) 0xE1,                         //  94: mov  rcx, rsp
        0x41, (byte) 0xFF, 0x54, 0x24, 0x10,                    //  97: call [r12 + 16]              uc_vmem_translate
        (byte) 0x85, (byte) 0xC0,                               // 102: test eax, eax
        0x75, 0x30,                                             // 104: jnz  slow                     not executable there: Java
        0x48, (byte) 0x89, (byte) 0xDF,                         // 106: mov  rdi, rbx
        0x41, (byte) 0x8B, 0x74, 0x24, 0x20,                    // 109: mov  esi, [r12 + 32]         TB_REMOVE_CACHE, write, 2 arguments
        0x4C, (byte) 0x89, (byte) 0xFA,                         // 114: mov  rdx, r15
        0x48, (byte) 0x81, (byte) 0xE2, 0x00, (byte) 0xF0, (byte) 0xFF, (byte) 0xFF,// 117: and  rdx, -4096              the page
        0x48, (byte) 0x8D, (byte) 0x8A, 0x00, 0x10, 0x00, 0x00, // 124: lea  rcx, [rdx + 4096]
        0x31, (byte) 0xC0,                                      // 131: xor  eax, eax                no vector arguments (variadic)
        0x41, (byte) 0xFF, 0x54, 0x24, 0x18,                    // 133: call [r12 + 24]              uc_ctl
        0x48, (byte) 0x83, (byte) 0xC4, 0x10,                   // 138: add  rsp, 16
        0x41, 0x5F,                                             // 142: pop  r15
        0x41, 0x5E,                                             // 144: pop  r14
        0x41, 0x5D,                                             // 146: pop  r13
        0x41, 0x5C,                                             // 148: pop  r12
        0x5B,                                                   // 150: pop  rbx
        0x31, (byte) 0xC0,                                      // 151: xor  eax, eax                not skipped
        (byte) 0xC3,                                            // 153: ret
        // slow:
        0x48, (byte) 0x89, (byte) 0xDF,                         // 154: mov  rdi, rbx
        0x44, (byte) 0x89, (byte) 0xF6,                         // 157: mov  esi, r14d
        0x4C, (byte) 0x89, (byte) 0xEA,                         // 160: mov  rdx, r13
        0x4D, (byte) 0x89, (byte) 0xE0,                         // 163: mov  r8, r12                 control block
        0x49, (byte) 0x8B, 0x4C, 0x24, 0x08,                    // 166: mov  rcx, [r12 + 8]          the Java hook's user data
        0x48, (byte) 0x83, (byte) 0xC4, 0x10,                   // 171: add  rsp, 16
        0x41, 0x5F,                                             // 175: pop  r15
        0x41, 0x5E,                                             // 177: pop  r14
        0x41, 0x5D,                                             // 179: pop  r13
        0x41, 0x5C,                                             // 181: pop  r12
        0x5B,                                                   // 183: pop  rbx
        0x41, (byte) 0xFF, 0x20,                                // 184: jmp  [r8]                    the Java hook
    };

    private static final MemorySegment CODE = build();

    private CacheOpFilter() {}

    /** The filter's entry point, or null when this host sends every SYS instruction to Java. */
    static MemorySegment code() {
        return CODE;
    }

    /**
     * A control block in {@code arena}: forwards to {@code javaHook} with {@code userData}, and
     * drops code with {@code ucCtl} and {@code removeCacheCommand} after {@code translate}.
     */
    static MemorySegment newControl(Arena arena, MemorySegment javaHook, long userData, MemorySegment translate,
                                    MemorySegment ucCtl, int removeCacheCommand) {
        MemorySegment c = arena.allocate(SIZE, Long.BYTES);
        c.set(ADDRESS, TARGET, javaHook);
        c.set(JAVA_LONG, USER_DATA, userData);
        c.set(ADDRESS, TRANSLATE, translate);
        c.set(ADDRESS, CTL, ucCtl);
        c.set(JAVA_INT, REMOVE_CACHE_COMMAND, removeCacheCommand);
        return c;
    }

    private static MemorySegment build() {
        return NativeCode.x86_64Page(X86_64);
    }
}
