package dev.virtfw.devicetree.dts;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.Dtb;
import java.util.List;

/** A compiled source: the tree dtc would write, as a blob, as DTS text or as the library's model. */
public final class CompiledDts {
    private final LiveNode root;
    private final List<DtsParser.Reserve> reserves;
    private final int bootCpuid;
    private final boolean plugin;

    CompiledDts(LiveNode root, List<DtsParser.Reserve> reserves, int bootCpuid, boolean plugin) {
        this.root = root;
        this.reserves = List.copyOf(reserves);
        this.bootCpuid = bootCpuid;
        this.plugin = plugin;
    }

    /** The blob {@code dtc -I dts -O dtb} writes. */
    public byte[] toDtb() {
        return toDtb(BlobLayout.compact());
    }

    /** The blob dtc writes with the given layout options ({@code -R}, {@code -S}, {@code -p}, {@code -a}). */
    public byte[] toDtb(BlobLayout layout) {
        return DeepStack.call(() -> BlobFlattener.flatten(root, reserves, bootCpuid, layout));
    }

    /** What {@code dtc -I dts -O dts} prints (Latin-1 text: one char per output byte). */
    public String toDts() {
        return DeepStack.call(() -> SourcePrinter.print(root, reserves));
    }

    /** The tree in the library's model (read back from {@link #toDtb()}). */
    public DeviceTree toDeviceTree() {
        return Dtb.parse(toDtb());
    }

    /** Whether the source declared /plugin/ (an overlay). */
    public boolean plugin() {
        return plugin;
    }

    /** The header's boot_cpuid_phys: {@code -b}, else the reg of the first node under /cpus. */
    public int bootCpuid() {
        return bootCpuid;
    }
}
