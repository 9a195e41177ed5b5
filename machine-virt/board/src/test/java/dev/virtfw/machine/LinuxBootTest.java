package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.console.Console;
import dev.virtfw.machine.console.ConsoleInput;
import dev.virtfw.machine.console.ConsoleOutput;
import dev.virtfw.testdata.FwCfgSysfsReport;
import dev.virtfw.testdata.LinuxAssets;
import dev.virtfw.testdata.LinuxGuest;
import dev.virtfw.testdata.QemuRunner;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian 12's unmodified arm64 kernel on the board: it boots to a busybox initramfs whose /init
 * loads the kernel's own {@code qemu_fw_cfg.ko} and reads the device through sysfs, then powers off
 * with PSCI SYSTEM_OFF. The values Linux reads are the ones it reads on QEMU 7.2 with the same
 * command line (QEMU also offers ACPI and SMBIOS files, which this board does not model).
 */
class LinuxBootTest {
    @TempDir
    static Path dir;
    static LinuxGuest.Boot boot;

    @BeforeAll
    static void prepare() throws Exception {
        boot = LinuxGuest.prepare(LinuxAssets.fromSystemProperties(), dir);
    }

    /** One run of the board with the guest's command line; {@code tweak} picks the boot path. */
    private static Guest.Run run(Console console, ByteArrayOutputStream out,
                                 java.util.function.UnaryOperator<MachineConfig.Builder> tweak) {
        MachineConfig.Builder b = MachineConfig.builder()
                .ramSize(512L << 20)
                .kernel(boot.kernel())
                .initrd(boot.initramfs())
                .append(boot.append())
                .fwCfg(FwCfgEntry.ofString(LinuxGuest.STRING_ITEM, boot.string()))
                .fwCfg(FwCfgEntry.ofFile(LinuxGuest.FILE_ITEM, boot.blob()))
                .noReboot(true)
                .nographic(true)
                .console(console)
                .limits(new Limits(0, Duration.ofSeconds(240)));
        RunResult r = VirtMachine.run(tweak.apply(b).build());
        return new Guest.Run(r, out.toString(StandardCharsets.ISO_8859_1));
    }

    private static Guest.Run run(java.util.function.UnaryOperator<MachineConfig.Builder> tweak) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return run(Console.scripted("", out), out, tweak);
    }

    private static void assertReadTheDevice(Guest.Run run) throws Exception {
        assertThat(run.result().exitStatus()).as(run.console()).isZero();
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        FwCfgSysfsReport report = FwCfgSysfsReport.parse(run.console());
        assertThat(report.errors()).isEmpty();
        assertThat(report.rev()).hasValue(3);
        assertThat(report.names()).contains(LinuxGuest.STRING_ITEM, LinuxGuest.FILE_ITEM, "bootorder", "etc/boot-fail-wait");
        assertThat(report.item(LinuxGuest.STRING_ITEM).orElseThrow().text()).hasValue(boot.string());
        FwCfgSysfsReport.Item blob = report.item(LinuxGuest.FILE_ITEM).orElseThrow();
        assertThat(blob.size()).isEqualTo(boot.blobSize());
        assertThat(blob.sha256()).isEqualTo(LinuxGuest.sha256(boot.blob()));
    }

    @Test
    void directBootReadsFwCfgThroughSysfsAsOnQemu() throws Exception {
        Guest.Run ours = run(b -> b);
        assertReadTheDevice(ours);
        assertThat(ours.console()).contains("earlycon: pl11 at MMIO 0x0000000009000000",
                "Root IRQ handler: gic_handle_irq", "arch_timer: cp15 timer(s) running at 62.50MHz (virt).",
                "9000000.pl011: ttyAMA0 at MMIO 0x9000000");

        List<String> args = new java.util.ArrayList<>(QemuRunner.virtArgs());
        args.addAll(boot.arguments());
        QemuRunner.Result qemu = QemuRunner.run(args, Duration.ofSeconds(120));
        assertThat(qemu.exitCode()).as(qemu.output()).isZero();
        FwCfgSysfsReport theirs = FwCfgSysfsReport.parse(qemu.output());
        FwCfgSysfsReport mine = FwCfgSysfsReport.parse(ours.console());
        assertThat(mine.rev()).isEqualTo(theirs.rev());
        for (String name : mine.names()) {
            if (name.startsWith("opt/") || name.equals("bootorder") || name.equals("etc/boot-fail-wait")) {
                // Keys are numbered in order of creation: QEMU's ACPI and SMBIOS files come first there.
                FwCfgSysfsReport.Item a = mine.item(name).orElseThrow();
                FwCfgSysfsReport.Item b = theirs.item(name).orElseThrow();
                assertThat(List.of(a.size(), a.sha256(), a.contentHex())).as(name)
                        .isEqualTo(List.of(b.size(), b.sha256(), b.contentHex()));
            }
        }
    }

    @Test
    void aGzipCompressedImageIsDecompressedAsQemuDoes() throws Exception {
        Path gz = LinuxGuest.writeGzipped(boot.kernel(), dir.resolve("Image.gz"));
        Guest.Run ours = run(b -> b.kernel(gz));
        assertReadTheDevice(ours);
    }

    @Test
    void throughUefiItsKernelLoaderTakesEverythingOverFwCfgDmaAsOnQemu() throws Exception {
        Path uefi = QemuRunner.findUefi().orElseThrow(() -> new AssertionError(
                "EDK2's QEMU_EFI.fd not found (Debian package " + QemuRunner.UEFI_PACKAGE + "; ./test installs it)"));
        Guest.Run ours = run(b -> b.bios(uefi));
        assertThat(ours.console()).contains("EFI stub: Booting Linux Kernel...",
                "EFI stub: Loaded initrd from LINUX_EFI_INITRD_MEDIA_GUID device path", "EFI stub: Exiting boot services");
        assertReadTheDevice(ours);

        // QEMU with the same firmware; acpi=off as this board has no ACPI tables, so both hand Linux the device tree
        List<String> args = new java.util.ArrayList<>(QemuRunner.virtArgs());
        args.set(args.indexOf("virt"), "virt,acpi=off");
        args.addAll(boot.arguments());
        args.addAll(List.of("-bios", uefi.toString()));
        QemuRunner.Result qemu = QemuRunner.run(args, Duration.ofSeconds(180));
        assertThat(qemu.exitCode()).as(qemu.output()).isZero();
        FwCfgSysfsReport theirs = FwCfgSysfsReport.parse(qemu.output());
        FwCfgSysfsReport mine = FwCfgSysfsReport.parse(ours.console());
        assertThat(mine.rev()).isEqualTo(theirs.rev());
        for (String name : List.of(LinuxGuest.STRING_ITEM, LinuxGuest.FILE_ITEM)) {
            FwCfgSysfsReport.Item a = mine.item(name).orElseThrow();
            FwCfgSysfsReport.Item b = theirs.item(name).orElseThrow();
            assertThat(List.of(a.size(), a.sha256(), a.contentHex())).as(name)
                    .isEqualTo(List.of(b.size(), b.sha256(), b.contentHex()));
        }
    }

    @Test
    void cpuMaxBootsTheSameKernelWithPointerAuthenticationAndWithoutSve() throws Exception {
        Guest.Run ours = run(b -> b.cpu(dev.virtfw.machine.unicorn.CpuModel.MAX));
        assertReadTheDevice(ours);
        assertThat(ours.console()).contains("CPU features: detected: Address authentication")
                .doesNotContain("SVE: maximum available vector length");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "its={0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"on", "off"})
    void withGicVersion3TheKernelTakesItsInterruptsThroughTheSystemRegisters(String its) throws Exception {
        Guest.Run ours = run(b -> b.gicVersion(3).its(its.equals("on")));
        assertReadTheDevice(ours);
        assertThat(ours.console()).contains("GICv3: 224 SPIs implemented", "GICv3: 0 Extended SPIs implemented",
                "GICv3: CPU0: found redistributor 0 region 0:0x00000000080a0000", "Root IRQ handler: gic_handle_irq",
                "arch_timer: cp15 timer(s) running at 62.50MHz (virt).", "9000000.pl011: ttyAMA0 at MMIO 0x9000000");

        List<String> args = new java.util.ArrayList<>(QemuRunner.virtArgs());
        args.set(args.indexOf("virt"), "virt,gic-version=3,its=" + its);
        args.addAll(boot.arguments());
        QemuRunner.Result qemu = QemuRunner.run(args, Duration.ofSeconds(120));
        assertThat(qemu.exitCode()).as(qemu.output()).isZero();
        for (String prefix : List.of("GICv3:", "ITS", "GIC: ")) {
            assertThat(kernelLines(ours.console(), prefix)).as(prefix).isEqualTo(kernelLines(qemu.output(), prefix));
        }
    }

    @Test
    void throughUefiWithGicVersion3BothTheFirmwareAndTheKernelUseTheGicv3() throws Exception {
        Path uefi = QemuRunner.findUefi().orElseThrow();
        Guest.Run ours = run(b -> b.bios(uefi).gicVersion(3));
        assertThat(ours.console()).contains("EFI stub: Booting Linux Kernel...", "GICv3: 224 SPIs implemented",
                "ITS@0x0000000008080000: allocated 8192 Devices");
        assertReadTheDevice(ours);
    }

    /** The kernel's log lines whose message starts with {@code prefix}, without their timestamps. */
    private static List<String> kernelLines(String console, String prefix) {
        return console.lines().map(l -> l.replaceFirst("^\\[ *[0-9.]+\\] ", "").strip())
                .filter(l -> l.startsWith(prefix)).toList();
    }

    @Test
    void throughUBootItsAutobootLoadsEverythingOverFwCfgDma() throws Exception {
        Path uboot = QemuRunner.findUBoot().orElseThrow();
        Guest.Run ours = run(b -> b.bios(uboot));
        assertThat(ours.console()).contains("Starting kernel");
        assertReadTheDevice(ours);
    }

    @Test
    void theShellOnTtyAMA0TakesKeyboardInputThroughReceiveInterrupts() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Typing waits for the prompt, as a person does: bytes sent before the shell opens the
        // terminal are dropped by the driver.
        ArrayDeque<Integer> typed = new ArrayDeque<>();
        for (byte c : "echo $((6*7))-typed\nexit\n".getBytes(StandardCharsets.US_ASCII)) {
            typed.add(c & 0xFF);
        }
        boolean[] prompted = {false};
        ConsoleInput keyboard = () -> {
            if (!prompted[0]) {
                String seen = out.toString(StandardCharsets.ISO_8859_1);
                int shell = seen.indexOf(LinuxGuest.SHELL_LINE);
                if (shell < 0 || !seen.substring(shell).contains(LinuxGuest.SHELL_PROMPT)) {
                    return ConsoleInput.NONE;
                }
                prompted[0] = true;
            }
            Integer c = typed.poll();
            return c == null ? ConsoleInput.NONE : c;
        };
        ConsoleOutput screen = out::write;
        Guest.Run run = run(new Console(keyboard, screen), out,
                b -> b.append(boot.append() + " " + LinuxGuest.SHELL_OPTION));
        assertThat(run.console()).contains("42-typed");
        assertThat(run.result().exitStatus()).as(run.console()).isZero();
    }
}
