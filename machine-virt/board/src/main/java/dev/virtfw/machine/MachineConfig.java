package dev.virtfw.machine;

import dev.virtfw.machine.bus.DeviceSpec;
import dev.virtfw.machine.console.Console;
import dev.virtfw.machine.unicorn.CpuModel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a run of the virt machine needs, as QEMU's options name it. Build with
 * {@link #builder()}; files are checked when the machine is created, not here.
 *
 * @param cpu        {@code -cpu}
 * @param ramSize    {@code -m}, in bytes
 * @param bios       {@code -bios}: firmware for flash bank 0, or null
 * @param kernel     {@code -kernel}: an arm64 Image, or null
 * @param initrd     {@code -initrd}, or null
 * @param append     {@code -append}: the kernel command line, or null
 * @param dtb        {@code -dtb}: a device tree to use instead of the generated one, or null
 * @param dumpDtb    {@code -M virt,dumpdtb=FILE}: write the device tree there and run nothing, or null
 * @param highmem    {@code -M virt,highmem=on|off}: the PCIe host's high ECAM and 64-bit window
 *                   (on, QEMU's default), or the low ECAM, no 64-bit window and RAM below 4 GiB
 * @param gicVersion {@code -M virt,gic-version=2|3}: the interrupt controller (2, QEMU's default)
 * @param its        {@code -M virt,its=on|off}: with a GICv3, its ITS (on, QEMU's default); no
 *                   effect on a GICv2, whose MSI frame (GICv2m) is always there
 * @param fwCfg      {@code -fw_cfg} files, in order
 * @param devices    extra devices ({@code --device}), created by their providers
 * @param flashDrives {@code -drive if=pflash} images, each with its bank resolved
 * @param noReboot   {@code -no-reboot}: a guest reset ends the run
 * @param nographic  {@code -nographic} (fw_cfg NOGRAPHIC item)
 * @param limits     runaway bounds
 * @param console    the serial console
 * @param trace      names of devices whose register accesses are traced ({@code --trace fw_cfg}),
 *                   and of QEMU trace events ({@code fw_cfg_select})
 * @param traceOut   where traces go
 * @param traceTimestamps {@code -msg timestamp=on}: each trace line starts with QEMU's
 *                   {@code <id>@<seconds>.<microseconds>:}
 */
public record MachineConfig(
        CpuModel cpu,
        long ramSize,
        Path bios,
        Path kernel,
        Path initrd,
        String append,
        Path dtb,
        Path dumpDtb,
        boolean highmem,
        int gicVersion,
        boolean its,
        List<FwCfgEntry> fwCfg,
        List<DeviceSpec> devices,
        List<FlashDrive> flashDrives,
        boolean noReboot,
        boolean nographic,
        Limits limits,
        Console console,
        Set<String> trace,
        PrintStream traceOut,
        boolean traceTimestamps) {

    /** QEMU's default for {@code -M virt}: 128 MiB. */
    public static final long DEFAULT_RAM = 128L << 20;

    public MachineConfig {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(console, "console");
        if (gicVersion != 2 && gicVersion != 3) {
            throw new IllegalArgumentException("gic-version " + gicVersion + " (2 or 3)");
        }
        fwCfg = List.copyOf(fwCfg);
        devices = List.copyOf(devices);
        flashDrives = List.copyOf(flashDrives);
        trace = Set.copyOf(trace);
        Objects.requireNonNull(traceOut, "traceOut");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.cpu = cpu;
        b.ramSize = ramSize;
        b.bios = bios;
        b.kernel = kernel;
        b.initrd = initrd;
        b.append = append;
        b.dtb = dtb;
        b.dumpDtb = dumpDtb;
        b.highmem = highmem;
        b.gicVersion = gicVersion;
        b.its = its;
        b.fwCfg.addAll(fwCfg);
        b.devices.addAll(devices);
        b.flashDrives.addAll(flashDrives);
        b.noReboot = noReboot;
        b.nographic = nographic;
        b.limits = limits;
        b.console = console;
        b.trace.addAll(trace);
        b.traceOut = traceOut;
        b.traceTimestamps = traceTimestamps;
        return b;
    }

    /** Builds a {@link MachineConfig}; defaults: cortex-a57, 128 MiB, highmem, no console, no limits. */
    public static final class Builder {
        private CpuModel cpu = CpuModel.CORTEX_A57;
        private long ramSize = DEFAULT_RAM;
        private Path bios;
        private Path kernel;
        private Path initrd;
        private String append;
        private Path dtb;
        private Path dumpDtb;
        private boolean highmem = true;
        private int gicVersion = 2;
        private boolean its = true;
        private final List<FwCfgEntry> fwCfg = new ArrayList<>();
        private final List<DeviceSpec> devices = new ArrayList<>();
        private final List<FlashDrive> flashDrives = new ArrayList<>();
        private boolean noReboot;
        private boolean nographic;
        private Limits limits = Limits.NONE;
        private Console console = Console.none();
        private final Set<String> trace = new LinkedHashSet<>();
        private PrintStream traceOut = System.err;
        private boolean traceTimestamps;

        private Builder() {}

        public Builder cpu(CpuModel v) { cpu = v; return this; }
        public Builder ramSize(long v) { ramSize = v; return this; }
        public Builder bios(Path v) { bios = v; return this; }
        public Builder kernel(Path v) { kernel = v; return this; }
        public Builder initrd(Path v) { initrd = v; return this; }
        public Builder append(String v) { append = v; return this; }
        public Builder dtb(Path v) { dtb = v; return this; }
        public Builder dumpDtb(Path v) { dumpDtb = v; return this; }
        public Builder highmem(boolean v) { highmem = v; return this; }
        public Builder gicVersion(int v) { gicVersion = v; return this; }
        public Builder its(boolean v) { its = v; return this; }
        public Builder fwCfg(FwCfgEntry v) { fwCfg.add(v); return this; }
        public Builder device(DeviceSpec v) { devices.add(v); return this; }
        public Builder flashDrive(FlashDrive v) { flashDrives.add(v); return this; }
        public Builder noReboot(boolean v) { noReboot = v; return this; }
        public Builder nographic(boolean v) { nographic = v; return this; }
        public Builder limits(Limits v) { limits = v; return this; }
        public Builder console(Console v) { console = v; return this; }
        public Builder trace(String device) { trace.add(device); return this; }
        public Builder traceOut(PrintStream v) { traceOut = v; return this; }
        public Builder traceTimestamps(boolean v) { traceTimestamps = v; return this; }

        public MachineConfig build() {
            return new MachineConfig(cpu, ramSize, bios, kernel, initrd, append, dtb, dumpDtb, highmem, gicVersion, its, fwCfg, devices,
                    flashDrives, noReboot, nographic, limits, console, trace, traceOut,
                    traceTimestamps);
        }
    }
}
