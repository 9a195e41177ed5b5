package dev.virtfw.machine.bus;

import dev.virtfw.fwcfg.GuestAddress;
import dev.virtfw.fwcfg.GuestMemory;
import dev.virtfw.machine.console.Console;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * What the board offers a device it creates from configuration: guest memory to look up and slice
 * (for DMA), and the console. A device sees only {@link GuestMemory}'s calls, never the board's
 * RAM object: it cannot map or load RAM, nor replace the board's write listener, which drops
 * translated guest code a device overwrote (a device that could replace it would leave the CPU
 * running stale code).
 *
 * @param memory  guest memory as a DMA sees it: how much of a range is RAM, a bounds-checked view
 *                of it, {@link GuestMemory#written} after a device wrote into it, and the rest of
 *                the board's memory map ({@link GuestMemory#storeOutsideRam},
 *                {@link GuestMemory#loadOutsideRam}: the flash and the other devices)
 * @param console the machine's console (input and output)
 */
public record DeviceEnvironment(GuestMemory memory, Console console) {
    public DeviceEnvironment {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(console, "console");
    }

    /**
     * An environment over {@code ram} that hands devices a view forwarding its calls, so that
     * the board's own object stays out of reach (no cast gets back to it).
     */
    public static DeviceEnvironment of(GuestMemory ram, Console console) {
        return new DeviceEnvironment(new MemoryView(Objects.requireNonNull(ram, "ram")), console);
    }

    private record MemoryView(GuestMemory ram) implements GuestMemory {
        @Override
        public long ramBytesAt(GuestAddress gpa, long length) {
            return ram.ramBytesAt(gpa, length);
        }

        @Override
        public MemorySegment slice(GuestAddress gpa, long length) {
            return ram.slice(gpa, length);
        }

        @Override
        public void copyToRam(MemorySegment src, long srcOffset, GuestAddress gpa, long length) {
            ram.copyToRam(src, srcOffset, gpa, length);
        }

        @Override
        public void copyFromRam(GuestAddress gpa, MemorySegment dst, long dstOffset, long length) {
            ram.copyFromRam(gpa, dst, dstOffset, length);
        }

        @Override
        public void written(GuestAddress gpa, long length) {
            ram.written(gpa, length);
        }

        @Override
        public Outside storeOutsideRam(GuestAddress gpa, MemorySegment data) {
            return ram.storeOutsideRam(gpa, data);
        }

        @Override
        public Outside loadOutsideRam(GuestAddress gpa, MemorySegment into) {
            return ram.loadOutsideRam(gpa, into);
        }

        @Override
        public String toString() {
            return "guest memory";
        }
    }
}
