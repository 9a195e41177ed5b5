package dev.virtfw.machine;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.Dtb;
import dev.virtfw.devicetree.DtbFormatException;
import dev.virtfw.fwcfg.FwCfgConfigException;
import dev.virtfw.fwcfg.FwCfgItems;
import dev.virtfw.fwcfg.FwCfgSpec;
import dev.virtfw.fwcfg.GuestMemory;
import dev.virtfw.machine.boot.ArmImageHeader;
import dev.virtfw.machine.boot.InputFile;
import dev.virtfw.machine.boot.KernelLayout;
import dev.virtfw.machine.bus.DeviceEnvironment;
import dev.virtfw.machine.bus.DeviceSpec;
import dev.virtfw.machine.bus.MmioBus;
import dev.virtfw.machine.bus.MmioDevice;
import dev.virtfw.machine.bus.MmioDeviceProvider;
import dev.virtfw.machine.devices.FwCfgMmio;
import dev.virtfw.machine.devices.Pl011;
import dev.virtfw.machine.devices.Pl031;
import dev.virtfw.machine.devices.Pl061;
import dev.virtfw.machine.devices.VirtioMmio;
import dev.virtfw.machine.dt.HostEntropy;
import dev.virtfw.machine.dt.VirtDeviceTree;
import dev.virtfw.machine.irq.Gicv2;
import dev.virtfw.machine.irq.Gicv2m;
import dev.virtfw.machine.irq.Gicv3;
import dev.virtfw.machine.irq.Gicv3Its;
import dev.virtfw.machine.irq.InterruptController;
import dev.virtfw.machine.pci.Gpex;
import dev.virtfw.machine.pci.PcieLayout;
import dev.virtfw.machine.timer.GenericTimer;
import dev.virtfw.machine.memory.GuestRam;
import dev.virtfw.machine.memory.Preloader;
import dev.virtfw.machine.psci.Psci;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * QEMU's {@code -M virt} for one AArch64 CPU on Unicorn: flash at 0 (two 64 MiB banks), the GICv2
 * and its GICv2m MSI frame (or a GICv3 with {@code gic-version=3}), the PL011, PL031 RTC, fw_cfg and PL061 GPIO from 0x0900_0000, 32
 * virtio-mmio transports with nothing behind them at 0x0A00_0000, the generic PCIe host with an
 * empty bus, RAM at 0x4000_0000, PSCI over hvc, a generated device tree, and QEMU's two boot modes
 * (firmware with {@code -bios}, or a Linux Image with {@code -kernel}). {@link #create} checks the configuration and prepares everything;
 * {@link #run()} boots until power-off (resets start a new boot), a fault, or a bound.
 */
public final class VirtMachine implements AutoCloseable {
    public static final long FLASH_BASE = VirtDeviceTree.FLASH_BASE;
    public static final long FLASH_BANK_SIZE = VirtDeviceTree.FLASH_BANK_SIZE;
    public static final long UART_BASE = 0x0900_0000L;
    public static final long RTC_BASE = 0x0901_0000L;
    public static final long FW_CFG_BASE = 0x0902_0000L;
    public static final long GPIO_BASE = 0x0903_0000L;
    public static final long GIC_V2M_BASE = 0x0802_0000L;
    public static final long VIRTIO_MMIO_BASE = 0x0A00_0000L;
    /** QEMU's NUM_VIRTIO_TRANSPORTS. */
    public static final int VIRTIO_MMIO_TRANSPORTS = 32;
    public static final long RAM_BASE = 0x4000_0000L;
    /** Smallest RAM accepted: room for a device tree and a small guest. */
    public static final long MIN_RAM = 16L << 20;
    /** QEMU's virt limit without highmem redistribution: 255 GiB. */
    public static final long MAX_RAM = 255L << 30;
    /** RAM sizes are whole MiB. */
    public static final long RAM_GRANULE = 1L << 20;

    // QEMU's virt a15irqmap: the SPI of each device
    static final int SPI_UART = 1;
    static final int SPI_RTC = 2;
    static final int SPI_PCIE = 3;
    static final int SPI_GPIO = 7;
    static final int SPI_MMIO = 16;
    static final int SPI_GIC_V2M = 48;
    /** QEMU's NUM_GICV2M_SPIS. */
    static final int GIC_V2M_SPIS = 64;
    /** With highmem off, RAM must end below 4 GiB (QEMU: "Addressing limited to 32 bits"). */
    static final long LOW_MEMORY_TOP = 1L << 32;

    /** QEMU's virt: the boot CPU's MPIDR affinity is 0. */
    static final long BOOT_CPU_AFFINITY = 0;

    private final MachineConfig config;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final GuestRam ram;
    private final List<FlashBank> flash;
    private final MmioBus bus = new MmioBus();
    /**
     * QEMU's virt: the GICv2 distributor and CPU interface (VIRT_GIC_DIST, VIRT_GIC_CPU), or with
     * {@code gic-version=3} the GICv3 distributor and redistributor (VIRT_GIC_REDIST).
     */
    private final InterruptController gic;
    /** The EL1 physical timer on PPI 14 (INTID 30), the virtual timer on PPI 11 (INTID 27). */
    private final GenericTimer timer;
    private Pl011 uart;
    private Pl031 rtc;
    private Pl061 gpio;
    /** The fw_cfg device on the bus. */
    private FwCfgMmio fwCfg;
    private final InputFile bios;
    private final InputFile kernel;
    private final InputFile initrd;
    private final ArmImageHeader kernelHeader;
    private final DeviceTree userTree;
    /** QEMU's FDT_MAX_SIZE: the size of the tree it generates for the virt board. */
    static final int FDT_MAX_SIZE = 1 << 20;
    /** The total size QEMU gives a {@code -dtb} tree: (file size + 10000) * 2. */
    private final int userDtbRoom;
    private final RandomGenerator seeds = new HostEntropy();
    private volatile Board current;
    private volatile boolean quitRequested;
    /** The guest's accesses to unassigned addresses, over every boot of the run. */
    private final UnassignedAccesses unassigned;
    /** Where --trace lines go. */
    private final TraceLog traceLog;
    private byte[] lastDtb;

    private VirtMachine(MachineConfig config) {
        this.config = config;
        this.traceLog = new TraceLog(config.traceOut(), config.traceTimestamps());
        this.unassigned = new UnassignedAccesses(
                config.trace().contains(UnassignedAccesses.TRACE_NAME) ? traceLog : null);
        try {
            checkRam(config.ramSize(), config.highmem());
            this.bios = config.bios() == null ? null : own(InputFile.map(config.bios(), "-bios"));
            if (bios != null && bios.size() > FLASH_BANK_SIZE) {
                throw new ConfigException("-bios: " + config.bios() + " is " + bios.size()
                        + " bytes, larger than the 64 MiB flash bank");
            }
            InputFile kernelFile = config.kernel() == null ? null : own(InputFile.map(config.kernel(), "-kernel"));
            this.kernel = kernelFile == null ? null : decompressedKernel(kernelFile, config.bios() != null);
            if (bios != null && bios.size() == 0) {
                throw new ConfigException("-bios: " + config.bios() + " is empty");
            }
            this.initrd = config.initrd() == null ? null : own(InputFile.map(config.initrd(), "-initrd"));
            if (initrd != null && kernel == null) {
                throw new ConfigException("-initrd only allowed with -kernel option");
            }
            if (config.append() != null && kernel == null) {
                throw new ConfigException("-append only allowed with -kernel option");
            }
            this.kernelHeader = kernel == null ? null : ArmImageHeader.parse(kernel.contents()).orElse(null);
            this.userTree = config.dtb() == null ? null : readDtb(config.dtb());
            this.userDtbRoom = config.dtb() == null ? 0 : dtbRoom(config.dtb());
            if (directKernelBoot()) {
                layout(0); // refuses a kernel or initrd that does not fit before anything is mapped
            }
            if (kernel != null && bios == null && kernelHeader == null) {
                throw new ConfigException("-kernel: " + config.kernel() + " is not an arm64 Linux Image (no \"ARM\\x64\""
                        + " magic at offset 0x38) nor a gzip-compressed one");
            }


            this.ram = own(new GuestRam(RAM_BASE, config.ramSize()));
            this.flash = flashBanks();
            // The GICv3's LPI tables and the ITS's tables are guest RAM, reached through a view
            // that cannot replace the board's write listener.
            GuestMemory ramView = DeviceEnvironment.of(ram, config.console()).memory();
            this.gic = config.gicVersion() == 3
                    ? new Gicv3(VirtDeviceTree.GIC_DIST_BASE, VirtDeviceTree.GIC_REDIST_BASE, ramView)
                    : new Gicv2(VirtDeviceTree.GIC_DIST_BASE, VirtDeviceTree.GIC_CPU_BASE);
            this.timer = new GenericTimer(gic.line(30), gic.line(27));

            // In the order QEMU 7.2's machvirt_init creates them: the device tree lists them in reverse.
            switch (gic) {
                case Gicv2 v2 -> {
                    bus.register(v2.distributor());
                    bus.register(v2.cpuInterface());
                    bus.register(new Gicv2m(GIC_V2M_BASE, v2, SPI_GIC_V2M, GIC_V2M_SPIS));
                }
                case Gicv3 v3 -> {
                    bus.register(v3.distributor());
                    bus.register(v3.redistributor());
                    if (config.its()) {
                        bus.register(new Gicv3Its(VirtDeviceTree.GIC_ITS_BASE, ramView, v3));
                    }
                }
            }
            uart = new Pl011(UART_BASE, config.console(), gic.line(32 + SPI_UART));
            bus.register(uart);
            rtc = new Pl031(RTC_BASE, InstantSource.system(), gic.spi(SPI_RTC));
            bus.register(rtc);
            Gpex pcie = new Gpex(PcieLayout.virt(config.highmem()), SPI_PCIE);
            bus.register(pcie.ecam());
            pcie.windows().forEach(bus::register);
            gpio = new Pl061(GPIO_BASE, gic.spi(SPI_GPIO));
            bus.register(gpio);
            // QEMU creates the transports from 0 up but their nodes from the last down.
            for (int n = VIRTIO_MMIO_TRANSPORTS - 1; n >= 0; n--) {
                bus.register(new VirtioMmio(VIRTIO_MMIO_BASE + n * VirtioMmio.SIZE, gic.spi(SPI_MMIO + n)));
            }
            FwCfgItems items = fwCfgItems();
            DmaMemory dmaMemory = new DmaMemory(ram, bus, flash);
            FwCfgMmio fwCfg = own(new FwCfgMmio(FW_CFG_BASE, items, dmaMemory));
            dmaMemory.excludeSelf(fwCfg);
            bus.register(fwCfg);
            this.fwCfg = fwCfg;
            // Closed before the items (resources close in reverse order): the thread is done first.
            own(Preloader.start(items.mappedContents()));
            for (DeviceSpec spec : config.devices()) {
                // Its DMA sees the board's memory map, as fw_cfg's does, without reaching itself.
                DmaMemory view = dmaMemory.forAnotherDevice();
                MmioDevice device = createDevice(spec, DeviceEnvironment.of(view, config.console()));
                view.excludeSelf(device);
                if (device instanceof AutoCloseable c) {
                    own(c);
                }
                bus.register(device);
            }
            installTracer();
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * The two flash banks as QEMU's virt builds them: bank 0 from {@code -bios} or the first pflash
     * drive, bank 1 from the second; a bank without either is volatile and all zero.
     */
    private List<FlashBank> flashBanks() {
        FlashDrive[] drives = new FlashDrive[FlashDrive.BANKS];
        for (FlashDrive d : config.flashDrives()) {
            if (drives[d.bank()] != null) {
                throw new ConfigException("-drive if=pflash,file=" + d.file() + ": drive with bus=0, unit=" + d.bank()
                        + " (index=" + d.bank() + ") exists");
            }
            drives[d.bank()] = d;
        }
        if (bios != null && drives[0] != null) {
            // QEMU 7.2's words (hw/arm/virt.c).
            throw new ConfigException("The contents of the first flash device may be specified with -bios or with"
                    + " -drive if=pflash... but you cannot use both options at once");
        }
        List<FlashBank> banks = new ArrayList<>();
        for (int i = 0; i < FlashDrive.BANKS; i++) {
            FlashBank bank;
            if (i == 0 && bios != null) {
                bank = FlashBank.withFirmware(bios.contents());
            } else if (drives[i] != null) {
                bank = FlashBank.withDrive(drives[i]);
            } else {
                bank = FlashBank.empty(i);
            }
            banks.add(own(bank));
        }
        return List.copyOf(banks);
    }

    /** Checks {@code config}, maps the files and RAM, and builds the devices. */
    public static VirtMachine create(MachineConfig config) {
        return new VirtMachine(config);
    }

    /** Runs one machine with {@code config} and releases it. */
    public static RunResult run(MachineConfig config) {
        try (VirtMachine m = create(config)) {
            return m.run();
        }
    }

    /** Takes ownership: released by {@link #close()}, also when the constructor fails part way. */
    private <T extends AutoCloseable> T own(T resource) {
        resources.add(resource);
        return resource;
    }

    static void checkRam(long size, boolean highmem) {
        checkRam(size);
        long excess = RAM_BASE + size - LOW_MEMORY_TOP;
        if (!highmem && excess > 0) {
            // QEMU 7.2's words (hw/arm/virt.c)
            throw new ConfigException("Addressing limited to 32 bits, but memory exceeds it by " + excess + " bytes");
        }
    }

    static void checkRam(long size) {
        if (size < MIN_RAM || size > MAX_RAM) {
            throw new ConfigException("-m: RAM size " + size + " bytes is out of range (" + (MIN_RAM >> 20)
                    + " MiB to " + (MAX_RAM >> 30) + " GiB)");
        }
        if (size % RAM_GRANULE != 0) {
            throw new ConfigException("-m: RAM size " + size + " bytes is not a whole number of MiB");
        }
    }

    private static DeviceTree readDtb(java.nio.file.Path path) {
        try {
            return Dtb.parse(Files.readAllBytes(path));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException("-dtb: " + path + ": no such file");
        } catch (IOException e) {
            throw new ConfigException("-dtb: cannot read " + path + ": " + e.getMessage());
        } catch (DtbFormatException e) {
            throw new ConfigException("-dtb: " + path + " is not a device tree blob: " + e.getMessage());
        }
    }

    private static int dtbRoom(java.nio.file.Path path) {
        try {
            long size = Files.size(path);
            return (int) Math.min(Integer.MAX_VALUE - 16, (size + 10_000) * 2);
        } catch (IOException e) {
            throw new ConfigException("-dtb: cannot read " + path + ": " + e.getMessage());
        }
    }

    /** The items QEMU's virt offers: its defaults, the -fw_cfg files, and for firmware the kernel boot items. */
    private FwCfgItems fwCfgItems() {
        FwCfgItems items = FwCfgItems.create();
        try {
            // QEMU's default -uuid is all zeros; -smp 1.
            items.addQemuDefaults(new UUID(0, 0), config.nographic(), false, 1);
            items.addQemuDefaultFiles();
            for (FwCfgEntry e : config.fwCfg()) {
                try {
                    if (e.file() != null) {
                        if (!Files.isRegularFile(e.file())) {
                            throw new ConfigException("-fw_cfg " + e.name() + ": " + e.file() + ": no such file");
                        }
                        items.addFile(e.name(), e.file());
                    } else {
                        items.addFileString(e.name(), e.string());
                    }
                } catch (FwCfgConfigException ex) {
                    throw new ConfigException("-fw_cfg: " + ex.getMessage(), ex);
                }
            }
            if (bios != null && kernel != null) {
                try {
                    Path initrdPath = initrd == null ? null : initrd.path();
                    if (kernel.isMapping()) {
                        items.addKernelBoot(kernel.path(), initrdPath, config.append());
                    } else {
                        items.addKernelBoot(kernel.contents(), initrdPath, config.append());   // decompressed
                    }
                } catch (FwCfgConfigException ex) {
                    throw new ConfigException("-kernel: " + ex.getMessage(), ex);
                }
            }
            return items;
        } catch (RuntimeException e) {
            items.close();
            throw e;
        }
    }

    private static MmioDevice createDevice(DeviceSpec spec, DeviceEnvironment env) {
        Map<String, MmioDeviceProvider> providers = new HashMap<>();
        for (MmioDeviceProvider p : ServiceLoader.load(MmioDeviceProvider.class)) {
            providers.putIfAbsent(p.type(), p);
        }
        MmioDeviceProvider p = providers.get(spec.type());
        if (p == null) {
            throw new ConfigException("--device " + spec.type() + ": no such device type (known: "
                    + String.join(", ", new TreeSet<>(providers.keySet())) + ")");
        }
        return p.create(spec, env);
    }

    private void installTracer() {
        if (config.trace().isEmpty()) {
            return;
        }
        TreeSet<String> names = new TreeSet<>();
        bus.devices().forEach(d -> names.add(d.name()));
        for (String t : config.trace()) {
            if (!names.contains(t) && !t.equals(UnassignedAccesses.TRACE_NAME) && !t.equals(FW_CFG_SELECT_EVENT)) {
                throw new ConfigException("--trace " + t + ": no such device, log or event (devices: "
                        + String.join(", ", names) + "; also " + UnassignedAccesses.TRACE_NAME + " and QEMU's event "
                        + FW_CFG_SELECT_EVENT + ")");
            }
        }
        if (config.trace().contains(FW_CFG_SELECT_EVENT)) {
            // QEMU 7.2's event and format (hw/nvram/trace-events); where QEMU prints its device
            // object's address, the device's base address.
            String self = "0x" + Long.toHexString(fwCfg.base());
            fwCfg.observeSelects((key, valid) -> {
                Instant at = traceLog.timestamps() ? Instant.now() : null;   // before the text is built
                String hex = Integer.toHexString(key);
                traceLog.line(at, FW_CFG_SELECT_EVENT + " " + self + " key 0x" + "0000".substring(hex.length()) + hex
                        + " '" + FwCfgSpec.keyName(key) + "', ret: " + (valid ? 1 : 0));
            });
        }
        names.retainAll(config.trace());
        if (names.isEmpty()) {
            return;
        }
        bus.setTracer((device, isWrite, offset, size, value) -> {
            if (config.trace().contains(device.name())) {
                traceLog.line(String.format("%s: %s offset 0x%x size %d %s 0x%x", device.name(), isWrite ? "write" : "read",
                        offset, size, isWrite ? "<-" : "->", value));
            }
        });
    }

    /** QEMU's trace event for a fw_cfg select, which {@code -trace fw_cfg_select} turns on. */
    public static final String FW_CFG_SELECT_EVENT = "fw_cfg_select";

    /** Guest RAM (for tests and tools: inspect what the guest wrote). */
    public GuestRam ram() {
        return ram;
    }

    /** The bus with every device. */
    public MmioBus bus() {
        return bus;
    }

    /**
     * The device tree the guest gets: the generated one (or {@code -dtb}'s) with the boot information
     * of this configuration. Fresh random seeds on each call, as on each reset.
     */
    public byte[] deviceTree() {
        DeviceTree tree = userTree != null ? Dtb.parse(Dtb.write(userTree))
                : VirtDeviceTree.build(config.cpu(), config.gicVersion(), RAM_BASE, config.ramSize(), bus.devices(), seeds);
        long initrdStart = 0;
        long initrdSize = 0;
        if (directKernelBoot() && initrd != null) {
            initrdStart = layout(0).initrdAddress();
            initrdSize = initrd.size();
        }
        VirtDeviceTree.applyBootInfo(tree, RAM_BASE, config.ramSize(), config.append(), initrdStart, initrdSize);
        // QEMU hands the guest its tree unpacked, with free space firmware may grow it into in
        // place: a generated tree is FDT_MAX_SIZE (1 MiB) in all, laid out by libfdt's fdt_create
        // (reservation map at 0x30), and a -dtb file gets (file size + 10000) * 2 and keeps the
        // layout dtc gave it (device_tree.c, load_device_tree).
        return userTree != null ? Dtb.write(tree, userDtbRoom) : Dtb.writeAsLibfdt(tree, FDT_MAX_SIZE);
    }

    /** The last device tree placed in guest RAM (null before the first boot). */
    public byte[] lastDeviceTree() {
        return lastDtb;
    }

    /** Without firmware, a -kernel is booted directly as QEMU does. */
    private boolean directKernelBoot() {
        return kernel != null && bios == null;
    }

    /**
     * A gzip-compressed Image (Image.gz) decompressed as QEMU's hw/arm/boot.c does: for a direct
     * boot (a bad gzip file is refused), and for firmware's fw_cfg kernel item, where QEMU offers a
     * file it cannot decompress as it is.
     */
    private InputFile decompressedKernel(InputFile file, boolean forFirmware) {
        if (!file.isGzip()) {
            return file;
        }
        try {
            return own(file.gunzipped("-kernel"));
        } catch (ConfigException e) {
            if (forFirmware) {
                return file;
            }
            throw e;
        }
    }

    private KernelLayout layout(long dtbSize) {
        return KernelLayout.compute(RAM_BASE, config.ramSize(), kernel.size(), kernelHeader,
                initrd == null ? 0 : initrd.size(), dtbSize);
    }

    /**
     * Boots until the guest powers off, faults or a bound is reached; a guest reset starts a new boot
     * (or ends the run with -no-reboot). With {@code -M virt,dumpdtb=FILE}, writes the tree and runs nothing.
     */
    public RunResult run() {
        if (config.dumpDtb() != null) {
            try {
                Files.write(config.dumpDtb(), deviceTree());
            } catch (IOException e) {
                throw new ConfigException("dumpdtb: cannot write " + config.dumpDtb() + ": " + e.getMessage());
            }
            return RunResult.ok(RunResult.Reason.DTB_DUMPED, "device tree written to " + config.dumpDtb());
        }
        if (kernel == null && bios == null && config.flashDrives().isEmpty()) {
            throw new ConfigException("nothing to run: give -bios, -kernel or -drive if=pflash");
        }
        Thread watchdog = startWatchdog();
        config.console().input().onQuit(this::quitFromConsole);
        config.console().input().onReset(this::resetFromConsole);
        config.console().input().onPowerdown(this::powerdownFromConsole);
        try {
            while (true) {
                RunResult result = quitRequested ? RunResult.ok(RunResult.Reason.TERMINATED, "Terminated (Ctrl-A x)")
                        : boot();
                if (result.reason() != RunResult.Reason.RESET || config.noReboot()) {
                    String summary = unassigned.summary();
                    if (summary != null) {
                        config.traceOut().println("virt: " + summary);
                    }
                    flash.forEach(FlashBank::checkSaved);
                    return result;
                }
            }
        } finally {
            if (watchdog != null) {
                watchdog.interrupt();
                try {
                    watchdog.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            config.console().input().onQuit(() -> { });
            config.console().input().onReset(() -> { });
            config.console().input().onPowerdown(() -> { });
            config.console().output().flush();
        }
    }

    /** Ctrl-A x on the console: the current boot stops, and no other starts. */
    private synchronized void quitFromConsole() {
        quitRequested = true;
        if (current != null) {
            current.stopForQuit();
        }
    }

    /** The monitor's system_reset: the current boot ends as a guest's reset would end it. */
    private synchronized void resetFromConsole() {
        if (current != null) {
            current.stopForReset();
        }
    }

    /** The monitor's system_powerdown: the current boot's power key is pressed. */
    private synchronized void powerdownFromConsole() {
        if (current != null) {
            current.pressPowerKey();
        }
    }

    private RunResult boot() {
        bus.reset();
        // QEMU's system reset: each bank back in read-array mode, and -bios copied in again as
        // QEMU's ROM reset does (the rest of the flash keeps what the guest wrote).
        flash.forEach(FlashBank::reset);
        byte[] dtb = deviceTree();
        long pc;
        long[] args;
        if (directKernelBoot()) {
            KernelLayout l = layout(dtb.length);
            ram.load(l.kernelAddress(), kernel.contents());
            if (initrd != null) {
                ram.load(l.initrdAddress(), initrd.contents());
            }
            ram.load(l.dtbAddress(), MemorySegment.ofArray(dtb));
            pc = l.kernelAddress();
            // arm64 booting protocol: x0 = device tree, x1..x3 = 0.
            args = new long[] {l.dtbAddress(), 0, 0, 0};
        } else {
            if (dtb.length > config.ramSize()) {
                throw new ConfigException("the device tree (" + dtb.length + " bytes) does not fit in RAM");
            }
            ram.load(RAM_BASE, MemorySegment.ofArray(dtb));
            pc = FLASH_BASE;
            args = new long[] {0, 0, 0, 0};
        }
        lastDtb = dtb;
        Board.Interrupts interrupts = new Board.Interrupts(gic, timer, uart, rtc, gpio, config.console().input());
        try (Board board = new Board(config.cpu(), ram, flash, bus, new Psci(BOOT_CPU_AFFINITY), interrupts,
                config.limits().maxInstructions())) {
            synchronized (this) {
                current = board;
            }
            board.logUnassignedTo(unassigned);
            return board.run(pc, args);
        } finally {
            synchronized (this) {
                current = null;
            }
        }
    }

    private String timeLimitMessage() {
        return "guest stopped: time limit of " + config.limits().wallTime() + " reached";
    }

    /**
     * Stops the running guest when the wall-time bound passes (the machine ends, so an asynchronous
     * stop is acceptable here; see DESIGN.md). It repeats the stop until the run ends, because a stop
     * that arrives while no engine is running (between boots, or just before uc_emu_start) is lost.
     */
    private Thread startWatchdog() {
        var limit = config.limits().wallTime();
        if (limit == null) {
            return null;
        }
        long deadline = System.nanoTime() + limit.toNanos();
        return Thread.ofPlatform().daemon().name("virt-watchdog").start(() -> {
            try {
                long left;
                while ((left = deadline - System.nanoTime()) > 0) {
                    Thread.sleep(java.time.Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                while (true) {
                    synchronized (this) {
                        Board b = current;
                        if (b != null) {
                            b.stopForLimit(timeLimitMessage());
                        }
                    }
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                // the run has ended
            }
        });
    }

    /**
     * Releases everything the machine owns, newest first, and carries on past a failure so that
     * nothing stays mapped or locked. A flash image that could not be made durable is reported
     * after the rest is released ({@link FlashNotSavedException}); any other failure to release is
     * a {@link MachineFailureException}. Further failures are suppressed into the first.
     */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            AutoCloseable resource = resources.get(i);
            try {
                resource.close();
            } catch (MachineException e) {
                failure = first(failure, e);
            } catch (Exception e) {
                failure = first(failure, new MachineFailureException("could not release " + resource + ": " + e, e));
            }
        }
        resources.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException first(RuntimeException earlier, RuntimeException now) {
        if (earlier == null) {
            return now;
        }
        earlier.addSuppressed(now);
        return earlier;
    }
}
