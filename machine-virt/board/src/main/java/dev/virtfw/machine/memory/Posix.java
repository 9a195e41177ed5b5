package dev.virtfw.machine.memory;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The libc calls behind guest memory: mmap, madvise, mprotect and munmap (Linux x86-64/AArch64 values), and
 * memcpy for bulk copies ({@link BulkCopy}).
 */
@SuppressWarnings("restricted")
final class Posix {
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int PROT_EXEC = 4;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_NORESERVE = 0x4000;
    static final int MADV_HUGEPAGE = 14;
    static final long MAP_FAILED = -1L;

    private static final Linker LINKER = Linker.nativeLinker();
    /** void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) */
    static final MethodHandle mmap = bind("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    /** int madvise(void *addr, size_t length, int advice) */
    static final MethodHandle madvise = bind("madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    /** int mprotect(void *addr, size_t length, int prot): bound on first use ({@link HostMapping#codePage}). */
    static final class Mprotect {
        static final MethodHandle HANDLE = bind("mprotect", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    /** int munmap(void *addr, size_t length): bound on first use (a mapping's close), off the start-up path. */
    static final class Munmap {
        static final MethodHandle HANDLE = bind("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    }

    /**
     * void *memcpy(void *dest, const void *src, size_t n), the result ignored. A critical call: no
     * switch of the thread's state around it and heap arrays may be passed (pinned for the call),
     * which a copy that never blocks or calls back may use. Bound on first use or by {@link
     * BulkCopy#prepare()}.
     */
    static final class Memcpy {
        static final MethodHandle HANDLE = bind("memcpy", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG),
                Linker.Option.critical(true));
    }

    private Posix() {}

    private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }
}
