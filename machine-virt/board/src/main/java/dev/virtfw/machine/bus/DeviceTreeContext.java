package dev.virtfw.machine.bus;

import dev.virtfw.devicetree.Node;
import java.util.Objects;
import java.util.Optional;

/**
 * What a device needs to describe itself: the node to add its own under (the root) and the nodes
 * its properties refer to, as QEMU's virt board links them.
 *
 * @param parent                the node to add the device's node under
 * @param apbClock              the fixed 24 MHz {@code apb-pclk} clock PrimeCell devices name
 * @param interruptController   the GIC, for {@code interrupt-parent} and interrupt maps
 * @param msiController         the MSI controller (the GICv2m frame) when the board has one
 */
public record DeviceTreeContext(Node parent, Node apbClock, Node interruptController, Optional<Node> msiController) {
    public DeviceTreeContext {
        Objects.requireNonNull(msiController, "msiController");
    }

    /**
     * The first phandle the board has not given away, for a device's own node: QEMU's virt numbers
     * phandles in the order it makes nodes (0x8000 the clock, 0x8001 the CPU, 0x8002 the GIC,
     * 0x8003 the MSI controller when there is one).
     */
    public int firstFreePhandle() {
        return msiController.isPresent() ? 0x8004 : 0x8003;
    }

    /** A context without an MSI controller. */
    public DeviceTreeContext(Node parent, Node apbClock, Node interruptController) {
        this(parent, apbClock, interruptController, Optional.empty());
    }
}
