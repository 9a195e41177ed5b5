package dev.virtfw.testdata;

/**
 * The firmware images built from {@code src/main/firmware} and kept as
 * resources of this module.
 */
public enum Firmware {
    /**
     * fw_cfg test firmware for {@code -bios}: checks the legacy and DMA
     * interfaces and every file against the manifest in
     * {@link TestData#CRC32_MANIFEST_FILE}; prints {@code CHECK}, {@code TIME}
     * and {@code SUMMARY} lines and powers off.
     */
    FWCFG_TEST("fwcfg-test.bin"),
    /**
     * Boot loader for {@code -bios}: loads kernel, initrd and command line from
     * fw_cfg (DMA, or legacy 8-byte reads when {@link TestData#LEGACY_SWITCH_FILE}
     * exists), edits {@code /chosen} of a copy of the device tree and enters the
     * kernel as booti does.
     */
    BOOTLOADER("bootloader.bin"),
    /**
     * A position-independent arm64 Image that prints its registers, the
     * device tree's bootargs and initrd (with a CRC-32) and powers off; pad it
     * with {@link TestKernel#write}.
     */
    TEST_KERNEL("test-kernel.bin"),
    /**
     * fw_cfg benchmark firmware for {@code -bios}: follows the plan in the fw_cfg file
     * {@code opt/virtfw/bench-plan} (DMA, legacy 1- and 8-byte loads, single MMIO accesses),
     * timing each step with the generic timer, and prints {@code TIME bench-...} lines.
     */
    BENCH("bench.bin"),
    /** The same benchmark firmware relocated into RAM by a stub in flash, so its code runs from RAM as U-Boot's and UEFI's do. */
    BENCH_RAM("bench-ram.bin"),
    /** Exception guest for {@code -bios}: SVC from EL1 and EL0; see {@link Guest#SVC}. */
    GUEST_SVC("guest-svc.bin"),
    /** Exception guest for {@code -bios}: undefined instructions and BRK; see {@link Guest#UNDEF}. */
    GUEST_UNDEF("guest-undef.bin"),
    /** Exception guest for {@code -bios}: external, translation and permission aborts; see {@link Guest#ABORT}. */
    GUEST_ABORT("guest-abort.bin"),
    /** Interrupt guest for {@code -bios}: virtual and physical timer IRQs through the GICv2; see {@link Guest#TIMER}. */
    GUEST_TIMER("guest-timer.bin"),
    /** Interrupt guest for {@code -bios}: WFI until a timer deadline; see {@link Guest#WFI}. */
    GUEST_WFI("guest-wfi.bin"),
    /** Interrupt guest for {@code -bios}: a masked interrupt stays pending; see {@link Guest#PENDING}. */
    GUEST_PENDING("guest-pending.bin"),
    /** Interrupt guest for {@code -bios}: software-generated interrupts; see {@link Guest#SGI}. */
    GUEST_SGI("guest-sgi.bin"),
    /** Device guest for {@code -bios}: RTC, GPIO, virtio-mmio, PCIe, GICv2m; see {@link Guest#DEVICES}. */
    GUEST_DEVICES("guest-devices.bin"),
    /** Interrupt guest for {@code -bios} with {@code gic-version=3}: the GICv3; see {@link Guest#GICV3}. */
    GUEST_GICV3("guest-gicv3.bin"),
    /**
     * Guest for {@code -bios} that waits for the power key (PL061 GPIO 3, rising edge, SPI 7) and
     * checks the press and the release 100 ms later; someone must press it: the monitor's
     * {@code system_powerdown} after the line {@link #POWER_KEY_READY}.
     */
    GUEST_POWERKEY("guest-powerkey.bin");

    /** What guest-powerkey prints when it waits for the key. */
    public static final String POWER_KEY_READY = "READY press the power key";

    private final String fileName;

    Firmware(String fileName) {
        this.fileName = fileName;
    }

    /** The image's file name, also its resource name beside {@link TestData}. */
    public String fileName() {
        return fileName;
    }
}
