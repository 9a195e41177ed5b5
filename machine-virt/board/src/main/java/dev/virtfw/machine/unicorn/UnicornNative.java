package dev.virtfw.machine.unicorn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every downcall into {@code libunicorn.so.2}, hand-written and named after the C function
 * (unicorn/unicorn.h of Unicorn 2.1). The variadic {@code uc_hook_add} and {@code uc_ctl} get one
 * handle per argument shape. Nothing else in the project calls native Unicorn code.
 */
@SuppressWarnings("restricted")
final class UnicornNative {
    /** System property naming the library file; the scripts set it. */
    static final String LIBRARY_PROPERTY = "virtfw.unicorn.lib";

    // unicorn.h: uc_arch, uc_mode
    static final int UC_ARCH_ARM64 = 2;
    static final int UC_MODE_ARM = 0;

    // unicorn.h: uc_prot
    static final int UC_PROT_READ = 1;
    static final int UC_PROT_WRITE = 2;
    static final int UC_PROT_EXEC = 4;

    // unicorn.h: uc_hook_type
    static final int UC_HOOK_INTR = 1;
    static final int UC_HOOK_INSN = 1 << 1;
    static final int UC_HOOK_CODE = 1 << 2;
    static final int UC_HOOK_BLOCK = 1 << 3;
    static final int UC_HOOK_MEM_READ_UNMAPPED = 1 << 4;
    static final int UC_HOOK_MEM_WRITE_UNMAPPED = 1 << 5;
    static final int UC_HOOK_MEM_FETCH_UNMAPPED = 1 << 6;
    static final int UC_HOOK_MEM_READ_PROT = 1 << 7;
    static final int UC_HOOK_MEM_WRITE_PROT = 1 << 8;
    static final int UC_HOOK_MEM_FETCH_PROT = 1 << 9;
    static final int UC_HOOK_MEM_INVALID = UC_HOOK_MEM_READ_UNMAPPED | UC_HOOK_MEM_WRITE_UNMAPPED
            | UC_HOOK_MEM_FETCH_UNMAPPED | UC_HOOK_MEM_READ_PROT | UC_HOOK_MEM_WRITE_PROT
            | UC_HOOK_MEM_FETCH_PROT;

    // unicorn.h: uc_control_type and the UC_CTL(type, nr, rw) encoding
    static final int UC_CTL_CPU_MODEL = 7;
    static final int UC_CTL_TB_REMOVE_CACHE = 9;
    static final int UC_CTL_IO_WRITE = 1;

    static int ucCtlWrite(int type, int argCount) {
        return type | (argCount << 26) | (UC_CTL_IO_WRITE << 30);
    }

    static final Linker LINKER = Linker.nativeLinker();

    private static final UnicornException LOAD_FAILURE;
    static final String LIBRARY_PATH;
    private static final SymbolLookup LIBRARY;

    static final MethodHandle uc_version;
    static final MethodHandle uc_open;
    static final MethodHandle uc_ctl_int;
    static final MethodHandle uc_mem_map_ptr;
    static final MethodHandle uc_mmio_map;
    static final MethodHandle uc_reg_read;
    static final MethodHandle uc_reg_write;
    static final MethodHandle uc_emu_start;
    static final MethodHandle uc_hook_add;
    static final MethodHandle uc_hook_add_insn;

    static {
        UnicornException failure = null;
        String path = null;
        SymbolLookup lib = null;
        try {
            path = libraryPath();
            lib = SymbolLookup.libraryLookup(Path.of(path), Arena.global());
        } catch (UnicornException e) {
            failure = e;
        } catch (IllegalArgumentException | IllegalCallerException e) {
            failure = new UnicornException(UnicornException.NO_LIBRARY, "dlopen",
                    "cannot load Unicorn from " + path + ": " + e.getMessage(), e);
        }
        LOAD_FAILURE = failure;
        LIBRARY_PATH = path;
        LIBRARY = lib;
        uc_version = bind(lib, "uc_version", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        uc_open = bind(lib, "uc_open", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        uc_ctl_int = bind(lib, "uc_ctl", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
        uc_mem_map_ptr = bind(lib, "uc_mem_map_ptr",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS));
        uc_mmio_map = bind(lib, "uc_mmio_map",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        uc_reg_read = bind(lib, "uc_reg_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        uc_reg_write = bind(lib, "uc_reg_write", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        uc_emu_start = bind(lib, "uc_emu_start",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        // uc_hook_add(uc, uc_hook *hh, int type, void *callback, void *user_data, uint64_t begin, uint64_t end, ...):
        // the hooks used here take no variadic argument.
        uc_hook_add = bind(lib, "uc_hook_add",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(7));
        // The same call for an instruction hook: its variadic argument is the instruction id
        // (MRS/MSR/SYS/SYSL on AArch64). Every engine installs one, so it is bound with the others.
        uc_hook_add_insn = bind(lib, "uc_hook_add",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG,
                        JAVA_INT),
                Linker.Option.firstVariadicArg(7));
    }

    private UnicornNative() {}

    // Downcalls a run does not need before the guest's first instruction, bound on first use: each
    // distinct shape costs the linker ~4 ms of class generation (a class-loading time line of the
    // start-up thread). A holder class per handle: the JVM initialises it once, on first access.

    /** uc_close(uc): at the end of a run. */
    static final class UcClose {
        static final MethodHandle HANDLE = bind(LIBRARY, "uc_close", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /** The CPU-state snapshot calls: where the board reads the syndrome of an exception it delivers. */
    static final class UcContext {
        /** uc_context_alloc(uc, uc_context **context) */
        static final MethodHandle ALLOC = bind(LIBRARY, "uc_context_alloc",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        /** uc_context_save(uc, context) */
        static final MethodHandle SAVE = bind(LIBRARY, "uc_context_save",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        /** size_t uc_context_size(uc) */
        static final MethodHandle SIZE = bind(LIBRARY, "uc_context_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        /** uc_context_free(context) */
        static final MethodHandle FREE = bind(LIBRARY, "uc_context_free", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /** uc_emu_stop(uc): when the board stops the guest. */
    static final class UcEmuStop {
        static final MethodHandle HANDLE = bind(LIBRARY, "uc_emu_stop", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /** uc_strerror(err): for an error message. */
    static final class UcStrerror {
        static final MethodHandle HANDLE = bind(LIBRARY, "uc_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /** uc_mem_unmap(uc, address, size): when flash leaves read-array mode. */
    static final class UcMemUnmap {
        static final MethodHandle HANDLE = bind(LIBRARY, "uc_mem_unmap",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    }

    /** uc_mem_protect(uc, address, size, perms): when the guest first runs code from RAM. */
    static final class UcMemProtect {
        static final MethodHandle HANDLE = bind(LIBRARY, "uc_mem_protect",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT));
    }

    /** uc_hook_del(uc, hh): when the board narrows its memory hooks (see Unicorn#leaveUnhooked). */
    static final class UcHookDel {
        static final MethodHandle HANDLE = bind(LIBRARY, "uc_hook_del",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    }

    /** uc_vmem_translate(uc, address, prot, uint64_t *paddress): an instruction-cache invalidation's address. */
    static final class UcVmemTranslate {
        static final MethodHandle HANDLE = bind(LIBRARY, "uc_vmem_translate",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
    }

    /** uc_vmem_read(uc, address, prot, bytes, size): an instruction the board emulates (a GICv3 system register). */
    static final class UcVmemRead {
        static final MethodHandle HANDLE = bind(LIBRARY, "uc_vmem_read",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    /** uc_ctl(uc, type, u64, u64), variadic: TB_REMOVE_CACHE when written memory may hold translated code. */
    static final class UcCtlU64U64 {
        static final MethodHandle HANDLE = bind(LIBRARY, "uc_ctl",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(2));
    }

    /** The address of one of the library's functions (to pass as a function pointer). */
    static MemorySegment symbol(String name) {
        requireLoaded();
        return LIBRARY.find(name).orElseThrow(() -> new UnicornException(UnicornException.TOO_OLD, "dlsym",
                "the Unicorn library " + LIBRARY_PATH + " has no " + name));
    }

    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd, Linker.Option... options) {
        if (lib == null) {
            return null;
        }
        MemorySegment symbol = lib.find(name).orElse(null);
        return symbol == null ? null : LINKER.downcallHandle(symbol, fd, options);
    }

    /** Loads the library and binds the start-up downcalls (this class's initialisation); whether it loaded. */
    static boolean load() {
        return LOAD_FAILURE == null;
    }

    /** Throws the recorded failure when the library could not be loaded. */
    static void requireLoaded() {
        if (LOAD_FAILURE != null) {
            throw LOAD_FAILURE;
        }
        if (uc_mmio_map == null || uc_ctl_int == null || uc_version == null) {
            throw new UnicornException(UnicornException.TOO_OLD, "dlsym",
                    "the Unicorn library " + LIBRARY_PATH + " lacks uc_mmio_map/uc_ctl: Unicorn 2.1 or newer is needed");
        }
    }

    /**
     * The library file: the system property, else the copy the scripts keep in
     * ${XDG_CACHE_HOME:-~/.cache}/virtfw/unicorn/root/, else a clear error.
     */
    static String libraryPath() {
        String configured = System.getProperty(LIBRARY_PROPERTY, "").strip();
        if (!configured.isEmpty()) {
            if (!Files.isReadable(Path.of(configured))) {
                throw new UnicornException(UnicornException.NO_LIBRARY, "dlopen",
                        "Unicorn library not found at " + configured + " (system property " + LIBRARY_PROPERTY + ")");
            }
            return configured;
        }
        return cachedLibrary().orElseThrow(() -> new UnicornException(UnicornException.NO_LIBRARY, "dlopen",
                "Unicorn 2.1 (libunicorn.so.2) not found: run ./virt or ./test once to fetch it, or set -D"
                        + LIBRARY_PROPERTY + "=/path/to/libunicorn.so.2"));
    }

    private static Optional<String> cachedLibrary() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = (xdg == null || xdg.isBlank())
                ? Path.of(System.getProperty("user.home"), ".cache")
                : Path.of(xdg);
        Path root = cache.resolve("virtfw").resolve("unicorn").resolve("root");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().equals("libunicorn.so.2"))
                    .sorted(Comparator.naturalOrder())
                    .map(Path::toString)
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** uc_strerror's text for a {@code uc_err}. */
    static String strerror(int err) {
        try {
            MemorySegment s = (MemorySegment) UcStrerror.HANDLE.invokeExact(err);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "uc_err " + err;
        }
    }

    /** Turns a non-zero {@code uc_err} into a {@link UnicornException} naming the call. */
    static void check(int err, String operation) {
        if (err != 0) {
            throw new UnicornException(err, operation, operation + " failed: " + strerror(err) + " (uc_err " + err + ")");
        }
    }

    /** A failure inside a downcall that is not a {@code uc_err} (a linkage problem). */
    static UnicornException linkageFailure(String operation, Throwable t) {
        return new UnicornException(UnicornException.NO_LIBRARY, operation, operation + " could not be called: " + t, t);
    }
}
