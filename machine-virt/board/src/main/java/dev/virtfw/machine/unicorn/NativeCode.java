package dev.virtfw.machine.unicorn;

import dev.virtfw.machine.memory.HostMapping;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * Where the engine's hooks may run as machine code of the board's own ({@link BlockCountdown},
 * {@link CacheOpFilter}): on x86-64 Linux hosts, whose instruction cache needs no maintenance
 * after the code is written, unless the JVM property {@code virtfw.nativeBlockHook} is false
 * (which keeps every hook in Java, for comparison).
 */
final class NativeCode {
    private NativeCode() {}

    /**
     * {@code x86_64} in a page of its own ({@link HostMapping#codePage}: written, then made
     * read-execute), or null on another host, when the property says no, or when the host refuses
     * executable pages.
     */
    static MemorySegment x86_64Page(byte[] x86_64) {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!Boolean.parseBoolean(System.getProperty("virtfw.nativeBlockHook", "true"))
                || !(arch.equals("amd64") || arch.equals("x86_64")) || !os.contains("linux")) {
            return null;
        }
        return HostMapping.codePage(x86_64);
    }
}
