/**
 * QEMU's ARM {@code virt} board for one AArch64 CPU, emulated with Unicorn 2.1 through Java's FFM API.
 *
 * <h2>Running a machine</h2>
 * <pre>{@code
 * MachineConfig config = MachineConfig.builder()
 *         .cpu(CpuModel.CORTEX_A57).ramSize(512L << 20)
 *         .bios(Path.of("u-boot.bin"))                    // or .kernel(image) for a direct Linux boot
 *         .kernel(image).initrd(initrd).append("console=ttyAMA0")
 *         .fwCfg(FwCfgEntry.ofFile("opt/blob", blob))
 *         .device(DeviceSpec.parse("pl011,base=0x9040000"))
 *         .console(Console.scripted("", out))             // or Console.stdio()
 *         .limits(new Limits(0, Duration.ofSeconds(30)))
 *         .build();
 * RunResult r = VirtMachine.run(config);                   // r.exitStatus(): 0 off/reset, 3 fault/limit
 * }</pre>
 * {@link dev.virtfw.machine.VirtMachine#create} keeps the machine for inspection after the run
 * ({@code ram()}, {@code lastDeviceTree()}, {@code bus()}).
 *
 * <h2>Pieces</h2>
 * <ul>
 * <li>{@code unicorn}: the FFM binding ({@code UnicornNative} holds every downcall) and the typed engine.</li>
 * <li>{@code memory}: guest RAM, an anonymous 2 MiB-aligned mapping shared by guest, devices and host.</li>
 * <li>{@code bus}: the MMIO bus and the device SPI ({@code MmioDevice}, {@code MmioDeviceProvider}
 *     found by {@link java.util.ServiceLoader}).</li>
 * <li>{@code devices}: the PL011 and fw_cfg (module device-fwcfg) on the bus.</li>
 * <li>{@code psci}, {@code dt}, {@code boot}: PSCI over hvc, the device tree, QEMU's boot placement.</li>
 * <li>{@code console}: the serial console's input and output.</li>
 * <li>{@code cli}: {@code ./virt}'s QEMU-style command line.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * Bad configuration throws {@link dev.virtfw.machine.ConfigException}; a missing or old Unicorn
 * {@link dev.virtfw.machine.unicorn.UnicornException}; a device bug
 * {@link dev.virtfw.machine.MachineFailureException}. What the guest does never throws: it ends the
 * run with a {@link dev.virtfw.machine.RunResult} whose message is one line.
 */
package dev.virtfw.machine;
