package dev.virtfw.machine.unicorn;

import java.util.Arrays;
import java.util.Optional;

/**
 * The AArch64 CPU models Unicorn 2.1 offers (unicorn/arm64.h {@code uc_cpu_arm64}), by the name
 * QEMU's {@code -cpu} uses and the compatible string QEMU's virt puts in the cpu node.
 */
public enum CpuModel {
    CORTEX_A57("cortex-a57", 0, "arm,cortex-a57"),
    CORTEX_A53("cortex-a53", 1, "arm,cortex-a53"),
    CORTEX_A72("cortex-a72", 2, "arm,cortex-a72"),
    /** QEMU's "max" CPU; QEMU 7.2's virt declares it as a Cortex-A57 in the device tree (measured). */
    MAX("max", 3, "arm,cortex-a57");

    private final String qemuName;
    private final int ucCpu;
    private final String compatible;

    CpuModel(String qemuName, int ucCpu, String compatible) {
        this.qemuName = qemuName;
        this.ucCpu = ucCpu;
        this.compatible = compatible;
    }

    /** Whether the model implements FEAT_PAN (Armv8.1): only QEMU's "max" among these. */
    public boolean hasPan() {
        return this == MAX;
    }

    /** The {@code -cpu} spelling. */
    public String qemuName() {
        return qemuName;
    }

    /** The {@code UC_CPU_ARM64_*} value. */
    public int ucCpu() {
        return ucCpu;
    }

    /** The cpu node's {@code compatible}. */
    public String compatible() {
        return compatible;
    }

    public static Optional<CpuModel> byName(String name) {
        return Arrays.stream(values()).filter(m -> m.qemuName.equals(name)).findFirst();
    }
}
