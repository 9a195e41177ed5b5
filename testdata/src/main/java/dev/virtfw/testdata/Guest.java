package dev.virtfw.testdata;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The exception and interrupt guests ({@code src/main/firmware/guest-*}): small
 * {@code -bios} images that each test one mechanism of the board (synchronous
 * exception entry, GICv2, generic timer, WFI) and print one line per check.
 * Their console, with {@code \r\n} line ends, is exactly:
 *
 * <pre>
 * virtfw &lt;name&gt;
 * CHECK &lt;check&gt;: ok                                   one per check, in {@link #checks()} order
 * CHECK &lt;check&gt;: FAIL got=0x&lt;hex&gt; want=0x&lt;hex&gt;     instead, when a check fails
 * UNEXPECTED &lt;slot&gt; esr=0x.. elr=0x.. far=0x.. spsr=0x..  an exception no check asked for (then DONE)
 * DONE &lt;n&gt; passed, &lt;m&gt; failed
 * </pre>
 *
 * then PSCI {@code SYSTEM_OFF} (exit status 0). No line depends on timing, so the
 * same image run on another board with the same {@link #arguments(Path) arguments}
 * must print {@link #expectedLines()}, as QEMU 7.2 ({@code -cpu cortex-a57}) does.
 */
public enum Guest {
    /** SVC from EL1 (vector offset 0x200) and from EL0 (offset 0x400): ESR, ELR, SPSR, the handler's stack, eret back. */
    SVC(Firmware.GUEST_SVC, "guest-svc", List.of(
            "svc-el1-taken",
            "svc-el1-vector",
            "svc-el1-esr",
            "svc-el1-ec",
            "svc-el1-imm16",
            "svc-el1-elr",
            "svc-el1-spsr",
            "svc-el1-spsr-mode",
            "svc-el1-continues",
            "svc-el0-taken",
            "svc-el0-vector",
            "svc-el0-esr",
            "svc-el0-ec",
            "svc-el0-elr",
            "svc-el0-spsr",
            "svc-el0-handler-on-sp-el1",
            "svc-el0-sp-el0-kept",
            "svc-el0-continues",
            "svc-back-at-el1")),
    /** UDF and an EL2 register read at EL1 and EL0 (EC 0x00), BRK (EC 0x3c) at EL1 and EL0: ESR, ELR at the instruction, skipped by the handler. */
    UNDEF(Firmware.GUEST_UNDEF, "guest-undef", List.of(
            "undef-el1-taken",
            "undef-el1-vector",
            "undef-el1-esr",
            "undef-el1-elr",
            "undef-el1-spsr-mode",
            "brk-el1-taken",
            "brk-el1-vector",
            "brk-el1-esr",
            "brk-el1-elr",
            "brk-el1-ec",
            "brk-el1-comment",
            "mrs-hcr-el2-at-el1-taken",
            "mrs-hcr-el2-at-el1-vector",
            "mrs-hcr-el2-at-el1-esr",
            "mrs-hcr-el2-at-el1-elr",
            "mrs-hcr-el2-at-el1-x0-unchanged",
            "undef-el0-taken",
            "undef-el0-vector",
            "undef-el0-esr",
            "undef-el0-elr",
            "undef-el0-spsr-mode",
            "undef-el0-continues",
            "mrs-midr-at-el0-taken",
            "mrs-midr-at-el0-vector",
            "mrs-midr-at-el0-esr",
            "mrs-midr-at-el0-elr",
            "mrs-midr-at-el0-continues",
            "brk-el0-taken",
            "brk-el0-vector",
            "brk-el0-esr",
            "brk-el0-elr",
            "brk-el0-continues")),
    /** Synchronous external abort at the unassigned 0x0b00_0000 (MMU off, load and store), then with an identity map: translation faults at levels 1, 2 and 3, a permission fault, an instruction abort: ESR (architectural fields), FAR, ELR. */
    ABORT(Firmware.GUEST_ABORT, "guest-abort", List.of(
            "ext-abort-load-taken",
            "ext-abort-load-vector",
            "ext-abort-load-esr",
            "ext-abort-load-far",
            "ext-abort-load-elr",
            "ext-abort-load-skipped",
            "ext-abort-store-taken",
            "ext-abort-store-vector",
            "ext-abort-store-esr",
            "ext-abort-store-far",
            "ext-abort-store-elr",
            "mmu-on",
            "mmu-on-ram-read",
            "mmu-on-readonly-page-read",
            "mmu-on-no-trap-yet",
            "translation-l1-load-taken",
            "translation-l1-load-vector",
            "translation-l1-load-esr",
            "translation-l1-load-far",
            "translation-l1-load-elr",
            "translation-l1-load-skipped",
            "translation-l2-load-taken",
            "translation-l2-load-vector",
            "translation-l2-load-esr",
            "translation-l2-load-far",
            "translation-l2-load-elr",
            "translation-l3-store-taken",
            "translation-l3-store-vector",
            "translation-l3-store-esr",
            "translation-l3-store-far",
            "translation-l3-store-elr",
            "permission-l3-store-taken",
            "permission-l3-store-vector",
            "permission-l3-store-esr",
            "permission-l3-store-far",
            "permission-l3-store-elr",
            "permission-l3-store-not-written",
            "instruction-abort-l3-taken",
            "instruction-abort-l3-vector",
            "instruction-abort-l3-esr",
            "instruction-abort-l3-far",
            "instruction-abort-l3-elr",
            "instruction-abort-l3-returned",
            "mmu-off",
            "traps-in-all")),
    /** Both counters near zero at power-on and equal; the virtual (PPI 27, deadline by CVAL) and physical EL1 (PPI 30, deadline by TVAL) timers through the GICv2: IRQ at offset 0x280 no earlier than the deadline, IAR, ISTATUS, RPR, active and pending state, EOIR. */
    TIMER(Firmware.GUEST_TIMER, "guest-timer", List.of(
            "counter-starts-near-zero",
            "counters-agree",
            "gic-ppi-enabled",
            "gic-priority",
            "gic-nothing-pending",
            "timer-virt-cval-readback",
            "timer-virt-ctl-enabled",
            "timer-virt-istatus-consistent",
            "timer-virt-irq-taken",
            "timer-virt-irq-count",
            "timer-virt-vector",
            "timer-virt-spsr",
            "timer-virt-iar",
            "timer-virt-istatus-in-handler",
            "timer-virt-not-early",
            "timer-virt-rpr-in-handler",
            "timer-virt-active-in-handler",
            "timer-virt-ctl-after",
            "timer-virt-not-pending-after",
            "timer-virt-not-active-after",
            "timer-virt-hppir-after",
            "timer-virt-rpr-after",
            "timer-virt-masked-stays-quiet",
            "timer-phys-tval-sets-cval",
            "timer-phys-ctl-enabled",
            "timer-phys-istatus-consistent",
            "timer-phys-irq-taken",
            "timer-phys-irq-count",
            "timer-phys-vector",
            "timer-phys-iar",
            "timer-phys-istatus-in-handler",
            "timer-phys-not-early",
            "timer-phys-rpr-in-handler",
            "timer-phys-ctl-after",
            "timer-phys-tval-negative-after",
            "timer-phys-not-pending-after",
            "timer-phys-hppir-after",
            "timer-phys-cval-kept")),
    /** WFI with IRQs masked sleeps until the virtual timer's deadline 50 ms ahead; one WFI, woken no earlier than the deadline and within a second of it. */
    WFI(Firmware.GUEST_WFI, "guest-wfi", List.of(
            "wfi-irq-taken",
            "wfi-woke-once",
            "wfi-iar",
            "wfi-woke-after-deadline",
            "wfi-handler-after-deadline",
            "wfi-not-late")),
    /** With PSTATE.I set the fired virtual timer stays pending (GICD_ISPENDR0, GICC_HPPIR, ISR_EL1.I) and no vector is taken; unmasking takes it at once. */
    PENDING(Firmware.GUEST_PENDING, "guest-pending", List.of(
            "pending-istatus",
            "pending-counter-reached-cval",
            "pending-gicd-ispendr",
            "pending-gicc-hppir",
            "pending-isr-el1-i",
            "pending-no-vector-taken",
            "pending-taken-at-unmask",
            "pending-vector",
            "pending-iar",
            "pending-not-early",
            "pending-gicd-ispendr-after",
            "pending-gicc-hppir-after",
            "pending-isr-el1-after")),
    /** GICD_TYPER as QEMU's virt, a spurious IAR, SGIs to self and by target list: pending while masked, taken on unmask, IAR with source CPU 0. */
    SGI(Firmware.GUEST_SGI, "guest-sgi", List.of(
            "gic-typer",
            "gic-spurious-iar",
            "sgi-self-pending",
            "sgi-self-hppir",
            "sgi-self-no-vector-yet",
            "sgi-self-taken-at-unmask",
            "sgi-self-vector",
            "sgi-self-iar",
            "sgi-self-rpr-in-handler",
            "sgi-self-hppir-after",
            "sgi-self-not-pending-after",
            "sgi-target-list-pending",
            "sgi-target-list-hppir",
            "sgi-target-list-no-vector-yet",
            "sgi-target-list-taken-at-unmask",
            "sgi-target-list-vector",
            "sgi-target-list-iar",
            "sgi-target-list-rpr-in-handler",
            "sgi-target-list-hppir-after",
            "sgi-target-list-not-pending-after",
            "sgi-irqs")),
    /**
     * The devices no other guest touches, with QEMU 7.2's values: PL031 (counter range and pace,
     * load, match interrupt on SPI 2 waking WFI, IDs), PL061 (data address mask, direction, level and edge
     * interrupts on SPI 7, AFSEL, IDs), virtio-mmio transports 0 and 31 (magic, legacy version,
     * no device, vendor), the PCIe ECAM (host bridge 00:00.0 and its write masks, empty functions
     * all ones), the PCIe windows (all ones), the GICv2m frame (TYPER, IIDR, SETSPI), and the
     * external aborts where nothing is mapped (low ECAM, platform bus, past the windows).
     */
    DEVICES(Firmware.GUEST_DEVICES, "guest-devices", List.of(
            "rtc-counter-after-2020",
            "rtc-mr-reset",
            "rtc-lr-reset",
            "rtc-cr-enabled",
            "rtc-imsc-reset",
            "rtc-ris-reset",
            "rtc-mis-reset",
            "rtc-icr-reads-zero",
            "rtc-reserved-reads-zero",
            "rtc-periph-ids-4-7-zero",
            "rtc-ids",
            "rtc-id-byte-read",
            "rtc-counter-advances-1-or-2",
            "rtc-match-fired",
            "rtc-match-masked",
            "rtc-masked-not-pending-at-gic",
            "rtc-imsc-set",
            "rtc-mis-set",
            "rtc-pending-at-gic",
            "rtc-icr-clears",
            "rtc-icr-lowers-line",
            "rtc-load-moves-counter",
            "rtc-lr-readback",
            "rtc-match-now-fires",
            "rtc-match-now-pending-at-gic",
            "rtc-cr-ignores-writes",
            "rtc-imsc-clear-lowers-line",
            "rtc-alarm-wakes-wfi",
            "rtc-alarm-irqs",
            "rtc-alarm-iar",
            "rtc-alarm-cleared",
            "gpio-registers-reset-zero",
            "gpio-periph-ids-4-7-zero",
            "gpio-ids",
            "gpio-dir",
            "gpio-data-all",
            "gpio-data-read-masked",
            "gpio-data-write-masked",
            "gpio-data-write-outputs-only",
            "gpio-afsel",
            "gpio-level-ris",
            "gpio-level-mis-unmasked-none",
            "gpio-level-not-pending-at-gic",
            "gpio-ie",
            "gpio-level-mis",
            "gpio-level-pending-at-gic",
            "gpio-level-latches-again-after-clear",
            "gpio-level-high-event",
            "gpio-level-high-not-in-mask",
            "gpio-clear",
            "gpio-edge-ris",
            "gpio-edge-clear",
            "gpio-clear-lowers-line",
            "virtio0-magic",
            "virtio0-version-legacy",
            "virtio0-device-id-none",
            "virtio0-vendor-qemu",
            "virtio0-other-registers-zero",
            "virtio0-magic-byte-0",
            "virtio0-magic-byte-1",
            "virtio0-magic-halfword-2",
            "virtio0-magic-and-version-64",
            "virtio0-status-write-ignored",
            "virtio31-magic",
            "virtio31-version-legacy",
            "virtio31-device-id-none",
            "virtio31-vendor-qemu",
            "virtio-past-last-transport-taken",
            "virtio-past-last-transport-esr",
            "virtio-past-last-transport-far",
            "virtio-past-last-transport-skipped",
            "pcie-bridge-ids",
            "pcie-bridge-command-status",
            "pcie-bridge-class-revision",
            "pcie-bridge-header-type",
            "pcie-bridge-no-bars",
            "pcie-bridge-subsystem",
            "pcie-bridge-rest-zero",
            "pcie-bridge-past-256-ones",
            "pcie-bridge-last-word-ones",
            "pcie-bridge-device-id-halfword",
            "pcie-bridge-base-class-byte",
            "pcie-bridge-64-bit-read",
            "pcie-bridge-write-ones-0x00",
            "pcie-bridge-write-ones-0x04",
            "pcie-bridge-write-ones-0x08",
            "pcie-bridge-write-ones-0x0c",
            "pcie-bridge-write-ones-0x10",
            "pcie-bridge-write-ones-0x14",
            "pcie-bridge-write-ones-0x18",
            "pcie-bridge-write-ones-0x1c",
            "pcie-bridge-write-ones-0x20",
            "pcie-bridge-write-ones-0x24",
            "pcie-bridge-write-ones-0x28",
            "pcie-bridge-write-ones-0x2c",
            "pcie-bridge-write-ones-0x30",
            "pcie-bridge-write-ones-0x34",
            "pcie-bridge-write-ones-0x38",
            "pcie-bridge-write-ones-0x3c",
            "pcie-bridge-command-write",
            "pcie-bridge-status-write-one-to-clear",
            "pcie-bridge-device-specific-write",
            "pcie-dev0-fn1-ones",
            "pcie-dev1-ones",
            "pcie-dev1-halfword-ones",
            "pcie-bus1-ones",
            "pcie-bus255-ones",
            "pcie-dev1-write-ignored",
            "pcie-low-ecam-unmapped-taken",
            "pcie-low-ecam-unmapped-esr",
            "pcie-low-ecam-unmapped-far",
            "pcie-low-ecam-unmapped-skipped",
            "pcie-mmio-ones",
            "pcie-mmio-64-ones",
            "pcie-mmio-last-byte-ones",
            "pcie-mmio-write-dropped",
            "pcie-pio-ones",
            "pcie-pio-last-ones",
            "pcie-mmio-high-ones",
            "pcie-mmio-high-last-ones",
            "pcie-past-mmio-high-taken",
            "pcie-past-mmio-high-esr",
            "pcie-past-mmio-high-far",
            "pcie-past-mmio-high-skipped",
            "v2m-typer",
            "v2m-iidr",
            "v2m-reserved-zero",
            "v2m-typer-halfword-zero",
            "v2m-setspi-level-not-pending",
            "v2m-setspi-edge-pending",
            "v2m-setspi-halfword-pending",
            "v2m-setspi-outside-frame-ignored",
            "v2m-past-frame-taken",
            "v2m-past-frame-esr",
            "v2m-past-frame-far",
            "v2m-past-frame-skipped",
            "platform-bus-empty-taken",
            "platform-bus-empty-esr",
            "platform-bus-empty-far",
            "platform-bus-empty-skipped",
            "platform-bus-empty-end-taken",
            "platform-bus-empty-end-esr",
            "platform-bus-empty-end-far",
            "platform-bus-empty-end-skipped",
            "platform-bus-store-taken",
            "platform-bus-store-esr")),
    /**
     * With {@code -M virt,gic-version=3}: ID_AA64PFR0_EL1's GIC field, the distributor, the
     * redistributor's two frames and the ICC_*_EL1 CPU interface with QEMU 7.2's values; SGIs by
     * ICC_SGI1R (IRQ) and ICC_SGI0R (group 0: FIQ), an SPI routed by GICD_IROUTER and held back by
     * the priority mask, the virtual timer's PPI; the ITS (reset values, tables, MAPD, MAPC, MAPTI,
     * SYNC, INT and a GITS_TRANSLATER write each giving an LPI taken at its property priority);
     * external aborts at the GICv2 CPU interface's address and past the only redistributor.
     */
    GICV3(Firmware.GUEST_GICV3, "guest-gicv3", 3, List.of(
            "pfr0-gic-sysregs",
            "pfr0-no-el2-el3",
            "gicd-ctlr-reset",
            "gicd-typer",
            "gicd-iidr",
            "gicd-ids",
            "gicd-pidr4",
            "gicd-igroupr-spi-reset",
            "gicd-icfgr-spi-reset",
            "gicd-private-bits-raz",
            "gicd-ctlr-writable",
            "gicd-irouter-64",
            "gicd-ipriorityr-byte",
            "gicr-typer",
            "gicr-iidr",
            "gicr-ctlr-reset",
            "gicr-waker-reset",
            "gicr-waker-awake",
            "gicr-ids",
            "gicr-propbaser",
            "gicr-sgi-icfgr0",
            "gicr-sgi-icfgr1",
            "gicr-sgi-icfgr0-read-only",
            "gicr-sgi-igroupr0-reset",
            "gicr-sgi-isenabler0-reset",
            "icc-sre",
            "icc-sre-fixed",
            "icc-ctlr",
            "icc-ctlr-writable",
            "icc-pmr-reset",
            "icc-pmr-5-bits",
            "icc-bpr0-reset",
            "icc-bpr1-reset",
            "icc-bpr-minimums",
            "icc-igrpen-reset",
            "icc-rpr-idle",
            "icc-iar1-spurious",
            "icc-hppir1-none",
            "icc-ap1r1-undefined",
            "icc-ap1r1-esr",
            "icc-ap1r1-kept-x",
            "gicv2-cpu-address-aborts",
            "gicv2-cpu-address-esr",
            "past-redistributor-aborts",
            "past-redistributor-esr",
            "sgi1r-pending",
            "sgi1r-hppir1",
            "sgi1r-isr-i",
            "sgi1r-taken",
            "sgi1r-vector",
            "sgi1r-iar1",
            "sgi1r-rpr-in-handler",
            "sgi1r-rpr-after",
            "sgi1r-not-pending-after",
            "sgi1r-not-active-after",
            "sgi1r-ignores-group0-sgi",
            "sgi0r-pending",
            "sgi0r-hppir0",
            "sgi0r-hppir1-not-group1",
            "sgi0r-isr-f",
            "sgi0r-fiq-taken",
            "sgi0r-fiq-vector",
            "sgi0r-iar0",
            "sgi0r-rpr-in-handler",
            "spi-pending",
            "spi-routed-away-hppir1",
            "spi-routed-here-hppir1",
            "spi-masked-by-pmr-isr",
            "spi-masked-iar1-spurious",
            "spi-taken",
            "spi-iar1",
            "spi-rpr-in-handler",
            "spi-not-pending-after",
            "timer-woke",
            "timer-iar1",
            "timer-rpr-in-handler",
            "timer-irqs",
            "its-ctlr-reset",
            "its-iidr",
            "its-typer",
            "its-baser0-device-table",
            "its-baser1-collection-table",
            "its-baser2-none",
            "its-ids",
            "gicr-ctlr-lpis-enabled",
            "its-enabled",
            "its-device-table-kept",
            "its-mapping-commands-read",
            "its-device-table-entry-valid",
            "its-int-read",
            "its-int-hppir1",
            "its-int-pending-table-bit",
            "its-int-taken",
            "its-int-iar1",
            "its-int-rpr-in-handler",
            "its-int-pending-table-bit-cleared",
            "its-translater-taken",
            "its-translater-iar1",
            "its-translater-rpr-in-handler",
            "its-rpr-after"));

    /**
     * The command-line arguments every guest runs with, before {@code -bios}. {@code acpi=off}: with
     * firmware and ACPI on (its default), QEMU 7.2 replaces the PL061 by an ACPI event device and
     * adds ACPI tables; the board builds no ACPI and always has the PL061.
     */
    public static final List<String> BOARD_ARGUMENTS = List.of("-M", "virt,acpi=off", "-cpu", "cortex-a57", "-m", "128",
            "-nographic", "-nic", "none");

    private final Firmware firmware;
    private final String name;
    private final List<String> checks;
    private final int gicVersion;

    Guest(Firmware firmware, String name, List<String> checks) {
        this(firmware, name, 2, checks);
    }

    Guest(Firmware firmware, String name, int gicVersion, List<String> checks) {
        this.firmware = firmware;
        this.name = name;
        this.gicVersion = gicVersion;
        this.checks = checks;
    }

    /** The GIC the guest is written for: 2 (QEMU's default) or 3 ({@code -M virt,gic-version=3}). */
    public int gicVersion() {
        return gicVersion;
    }

    /** The image. */
    public Firmware firmware() {
        return firmware;
    }

    /** The guest's name, as its first console line says: {@code virtfw <name>}. */
    public String guestName() {
        return name;
    }

    /** The names of its checks, in the order it prints them. */
    public List<String> checks() {
        return checks;
    }

    /** The console of a run in which every check passes (lines without their ends). */
    public List<String> expectedLines() {
        List<String> lines = new ArrayList<>();
        lines.add("virtfw " + name);
        checks.forEach(c -> lines.add("CHECK " + c + ": ok"));
        lines.add("DONE " + checks.size() + " passed, 0 failed");
        return List.copyOf(lines);
    }

    /**
     * The arguments (without the executable) to run the image at {@code bios}:
     * {@link #BOARD_ARGUMENTS} then {@code -bios bios}. The same list is given to
     * {@code qemu-system-aarch64} and to {@code ./virt}.
     */
    public static List<String> arguments(Path bios) {
        List<String> args = new ArrayList<>(BOARD_ARGUMENTS);
        args.add("-bios");
        args.add(bios.toString());
        return List.copyOf(args);
    }

    /**
     * The arguments this guest runs with: {@link #arguments(Path)}, with {@code gic-version=3}
     * added to the machine for a GICv3 guest.
     */
    public List<String> argumentsFor(Path bios) {
        List<String> args = new ArrayList<>(arguments(bios));
        if (gicVersion == 3) {
            int m = args.indexOf("-M") + 1;
            args.set(m, args.get(m) + ",gic-version=3");
        }
        return List.copyOf(args);
    }

    /**
     * How {@code console} (lines as {@link QemuRunner.Result#lines()} gives them)
     * differs from {@link #expectedLines()}: one entry per differing line
     * ({@code line <n>: got "<...>" want "<...>"}, missing or extra lines included);
     * empty when they are identical.
     */
    public List<String> differences(List<String> console) {
        return differences(expectedLines(), console);
    }

    /**
     * Line-for-line differences between two consoles (for example ours and
     * QEMU's for the same guest); empty when they are identical.
     */
    public static List<String> differences(List<String> want, List<String> got) {
        Objects.requireNonNull(want);
        Objects.requireNonNull(got);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            String w = i < want.size() ? "\"" + want.get(i) + "\"" : "nothing";
            String g = i < got.size() ? "\"" + got.get(i) + "\"" : "nothing";
            if (!w.equals(g)) {
                out.add("line " + (i + 1) + ": got " + g + " want " + w);
            }
        }
        return out;
    }

    /** Runs the guest on {@code qemu-system-aarch64}, its image extracted into {@code dir}. */
    public QemuRunner.Result runOnQemu(Path dir, Duration timeout) throws IOException, QemuException, InterruptedException {
        return QemuRunner.run(argumentsFor(TestData.extract(firmware, dir)), timeout);
    }
}
