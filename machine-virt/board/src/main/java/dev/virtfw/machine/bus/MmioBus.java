package dev.virtfw.machine.bus;

import dev.virtfw.machine.ConfigException;
import dev.virtfw.machine.GuestFaultException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The board's MMIO bus: an ordered map of device windows. Registration rejects overlaps; an access
 * must lie wholly inside one device and be one the device accepts, otherwise it is a guest fault
 * (the machine stops and says what happened; it never reaches a device).
 */
public final class MmioBus {
    /** Granularity of emulator MMIO regions (Unicorn needs 1 KiB alignment in base and size). */
    public static final long REGION_ALIGN = 0x400;

    /** Sees every access that reached a device (for {@code --trace}). */
    @FunctionalInterface
    public interface Tracer {
        void access(MmioDevice device, boolean isWrite, long offset, int size, long value);
    }

    /** A range of guest-physical addresses, [start, end). */
    public record Window(long start, long end) {
        public long size() {
            return end - start;
        }
    }

    private final TreeMap<Long, MmioDevice> devices = new TreeMap<>();
    private final List<MmioDevice> registered = new ArrayList<>();
    private Tracer tracer;
    /** The device of the previous access (accesses come in runs to one device); null before the first. */
    private MmioDevice last;

    /** Adds a device; throws {@link ConfigException} when its window is empty, wraps or overlaps another. */
    public void register(MmioDevice device) {
        long base = device.base();
        long size = device.size();
        if (size <= 0 || base < 0 || base > Long.MAX_VALUE - size) {
            throw new ConfigException("device " + device.name() + ": window [" + hex(base) + ", +" + hex(size)
                    + ") is empty or not addressable");
        }
        Map.Entry<Long, MmioDevice> below = devices.floorEntry(base + size - 1);
        if (below != null && below.getKey() + below.getValue().size() > base) {
            MmioDevice other = below.getValue();
            throw new ConfigException("device " + device.name() + " at [" + hex(base) + ", " + hex(base + size)
                    + ") overlaps " + other.name() + " at [" + hex(other.base()) + ", " + hex(other.base() + other.size()) + ")");
        }
        devices.put(base, device);
        registered.add(device);
    }

    /** Only accesses that reach a device are traced; null switches tracing off. */
    public void setTracer(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Every device, in the order they were registered. */
    public List<MmioDevice> devices() {
        return Collections.unmodifiableList(registered);
    }

    /**
     * The emulator regions covering every device: each device window rounded out to
     * {@link #REGION_ALIGN}, touching or overlapping ones merged. Addresses in a region but outside
     * every device fault like unmapped memory.
     */
    public List<Window> regions() {
        List<Window> out = new ArrayList<>();
        for (MmioDevice d : devices.values()) {
            long start = d.base() & -REGION_ALIGN;
            long end = (d.base() + d.size() + REGION_ALIGN - 1) & -REGION_ALIGN;
            if (!out.isEmpty() && out.getLast().end() >= start) {
                Window last = out.removeLast();
                out.add(new Window(last.start(), Math.max(last.end(), end)));
            } else {
                out.add(new Window(start, end));
            }
        }
        return out;
    }

    public long read(long address, int size) {
        MmioDevice d = target(address, size, false);
        long offset = address - d.base();
        long value = d.read(offset, size) & mask(size);
        if (tracer != null) {
            tracer.access(d, false, offset, size, value);
        }
        return value;
    }

    public void write(long address, int size, long value) {
        MmioDevice d = target(address, size, true);
        long offset = address - d.base();
        long v = value & mask(size);
        if (tracer != null) {
            tracer.access(d, true, offset, size, v);
        }
        d.write(offset, size, v);
    }

    /**
     * The device whose window holds all of {@code [address, address + size)} and that takes this
     * access, or null: what a DMA store may write to (never a fault).
     */
    public MmioDevice deviceFor(long address, int size, boolean isWrite) {
        Map.Entry<Long, MmioDevice> e = devices.floorEntry(address);
        if (e == null || address - e.getKey() > e.getValue().size() - size) {
            return null;
        }
        MmioDevice d = e.getValue();
        return d.accepts(address - d.base(), size, isWrite) ? d : null;
    }

    /** The base of the first device above {@code address}, or -1 (unsigned order) when there is none. */
    public long nextDeviceAfter(long address) {
        Long next = devices.higherKey(address);
        return next == null ? -1 : next;
    }

    /** Resets every device (system reset). */
    public void reset() {
        devices.values().forEach(MmioDevice::reset);
    }

    private MmioDevice target(long address, int size, boolean isWrite) {
        // Every guest access comes here: the last device hit is tried before the map, and the
        // fault text is built only for a fault.
        MmioDevice d = last;
        if (d == null || address - d.base() < 0 || address - d.base() > d.size() - size) {
            Map.Entry<Long, MmioDevice> e = devices.floorEntry(address);
            if (e == null || address - e.getKey() > e.getValue().size() - size) {
                throw new GuestFaultException(access(isWrite, size) + " at unmapped address " + hex(address), address);
            }
            d = e.getValue();
            last = d;
        }
        long offset = address - d.base();
        if (!d.accepts(offset, size, isWrite)) {
            throw new GuestFaultException(access(isWrite, size) + " at " + hex(address) + " refused by " + d.name()
                    + " (offset " + hex(offset) + ")", address);
        }
        return d;
    }

    private static String access(boolean isWrite, int size) {
        return (isWrite ? "write of " : "read of ") + size + " byte" + (size == 1 ? "" : "s");
    }

    private static long mask(int size) {
        return size >= 8 ? -1L : (1L << (size * 8)) - 1;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
