package dev.virtfw.devicetree;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A whole devicetree: the root node, the memory reservation entries and the header's boot_cpuid_phys. */
public final class DeviceTree {
    private final Node root;
    private final List<MemoryReservation> reservations = new ArrayList<>();
    private int bootCpuidPhys;

    public DeviceTree(Node root) {
        this.root = Objects.requireNonNull(root, "root");
        if (root.parent().isPresent()) {
            throw new IllegalArgumentException("not a root node: " + root.path());
        }
    }

    public DeviceTree(Node root, List<MemoryReservation> reservations, int bootCpuidPhys) {
        this(root);
        this.reservations.addAll(reservations);
        this.bootCpuidPhys = bootCpuidPhys;
    }

    public Node root() {
        return root;
    }

    /** The memory reservation entries (modifiable, in block order; the terminating entry is implicit). */
    public List<MemoryReservation> reservations() {
        return reservations;
    }

    public DeviceTree addReservation(long address, long size) {
        reservations.add(new MemoryReservation(address, size));
        return this;
    }

    public int bootCpuidPhys() {
        return bootCpuidPhys;
    }

    public DeviceTree setBootCpuidPhys(int id) {
        this.bootCpuidPhys = id;
        return this;
    }

    /** Shorthand for {@code root().find(path)}. */
    public java.util.Optional<Node> find(String path) {
        return root.find(path);
    }
}
