package dev.virtfw.machine.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.virtfw.devicetree.Dtb;
import dev.virtfw.fwcfg.GuestAddress;
import dev.virtfw.machine.Assembler;
import dev.virtfw.machine.ConfigException;
import dev.virtfw.machine.MachineConfig;
import dev.virtfw.machine.RunResult;
import dev.virtfw.machine.VirtMachine;
import dev.virtfw.machine.bus.DeviceSpec;
import dev.virtfw.machine.console.Console;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A device from the test class path, added by configuration alone and driven by a guest, at
 * 0x0a10_0000: free on QEMU's virt, after the virtio-mmio transports.
 */
class PluginDeviceTest {
    static final String PROGRAM = """
                ldr     x27, =0x0a100000
                ldr     x0, [x27]               // one 8-byte read of the ID
                bl      print_hex
                ldr     w0, [x27]               // the same ID as two 4-byte reads
                ldr     w1, [x27, #4]
                orr     x0, x0, x1, lsl #32
                bl      print_hex
                ldr     x0, =0x1122334455667788
                str     x0, [x27, #8]           // one 8-byte write
                ldr     x0, [x27, #8]
                bl      print_hex
                ldr     w0, =0xcafef00d
                str     w0, [x27, #12]          // 4-byte write of the upper half
                ldr     x0, [x27, #8]
                bl      print_hex
                b       power_off
            #include "lib.S"
            """;

    @Test
    void aProviderOnTheClassPathAddsADeviceTheGuestDrives() {
        Path fw = Assembler.toFile(Assembler.assemble(PROGRAM, 0), ".bin");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig config = MachineConfig.builder().bios(fw)
                .device(DeviceSpec.parse("test-scratch,base=0x0a100000,id=0xfeedface12345678"))
                .console(Console.scripted("", out)).build();
        try (VirtMachine m = VirtMachine.create(config)) {
            assertThat(m.run().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
            var node = Dtb.parse(m.lastDeviceTree()).find("/scratch@a100000").orElseThrow();
            assertThat(node.property("compatible").orElseThrow().asString()).isEqualTo("virtfw,test-scratch");
        }
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("""
                feedface12345678
                feedface12345678
                1122334455667788
                cafef00d55667788
                """);
    }

    @Test
    void aDeviceThatThrowsStopsTheMachineWithATypedFailureAndTheJvmLives() {
        Path fw = Assembler.toFile(Assembler.assemble("""
                    ldr x1, =0x0a100000
                    ldr w0, [x1, #0x10]
                """, 0), ".bin");
        MachineConfig config = MachineConfig.builder().bios(fw).device(DeviceSpec.parse("test-faulty,base=0x0a100000")).build();
        assertThatThrownBy(() -> VirtMachine.run(config)).isInstanceOf(dev.virtfw.machine.MachineFailureException.class)
                .hasMessage("internal error while the guest ran (pc 0x4): java.lang.IllegalStateException: device bug at offset 16")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void aDeviceSeesGuestMemoryToLookUpAndSliceButNotTheBoardsRam() {
        MachineConfig config = MachineConfig.builder()
                .device(DeviceSpec.parse("test-scratch,base=0x0a100000,id=1")).build();
        try (VirtMachine m = VirtMachine.create(config)) {
            var memory = ScratchDeviceProvider.lastEnvironment.memory();
            assertThat(memory).isNotInstanceOf(dev.virtfw.machine.memory.GuestRam.class);
            assertThat(memory.ramBytesAt(new GuestAddress(VirtMachine.RAM_BASE), 16)).isEqualTo(16);
            assertThat(memory.ramBytesAt(new GuestAddress(VirtMachine.RAM_BASE - 16), 16)).isZero();
            memory.slice(new GuestAddress(VirtMachine.RAM_BASE + 8), 8).fill((byte) 0x5a);
            assertThat(m.ram().slice(VirtMachine.RAM_BASE + 8, 8).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                    .containsOnly(0x5a);
        }
    }

    @Test
    void aDevicesDmaSeesTheBoardsMemoryMapButNeverItself() {
        MachineConfig config = MachineConfig.builder()
                .device(DeviceSpec.parse("test-scratch,base=0x0a100000,id=1"))
                .device(DeviceSpec.parse("test-scratch,base=0x0a101000,id=2")).build();
        try (VirtMachine m = VirtMachine.create(config)) {
            var memory = ScratchDeviceProvider.lastEnvironment.memory();   // device 2's
            var bytes = java.lang.foreign.MemorySegment.ofArray(new byte[] {0x11, 0x22, 0x33, 0x44});
            var other = memory.storeOutsideRam(new GuestAddress(0x0a100008L), bytes);
            assertThat(other.decoded()).isTrue();
            assertThat(m.bus().read(0x0a100008L, 4)).isEqualTo(0x4433_2211L);

            var itself = memory.storeOutsideRam(new GuestAddress(0x0a101008L), bytes);
            assertThat(itself.bytes()).isEqualTo(4);
            assertThat(m.bus().read(0x0a101008L, 4)).as("not performed on itself").isZero();

            var into = java.lang.foreign.MemorySegment.ofArray(new byte[4]);
            assertThat(memory.loadOutsideRam(new GuestAddress(0x0a100000L), into).decoded()).isTrue();
            assertThat(into.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0)).isEqualTo(1);   // device 1's ID
            assertThat(memory.loadOutsideRam(new GuestAddress(0x0a200000L), into).decoded()).as("unassigned").isFalse();
            assertThat(into.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).containsOnly(0);
        }
    }

    @Test
    void anUnknownTypeNamesTheKnownOnes() {
        MachineConfig config = MachineConfig.builder().device(DeviceSpec.parse("nosuch,base=0x0a100000")).build();
        assertThatThrownBy(() -> VirtMachine.create(config)).isInstanceOf(ConfigException.class)
                .hasMessage("--device nosuch: no such device type (known: pl011, test-faulty, test-scratch)");
    }

    @Test
    void aDeviceOverlappingABuiltInOneIsRefused() {
        MachineConfig config = MachineConfig.builder()
                .device(DeviceSpec.parse("test-scratch,base=0x09000800,id=1")).build();
        assertThatThrownBy(() -> VirtMachine.create(config)).isInstanceOf(ConfigException.class)
                .hasMessage("device scratch at [0x9000800, 0x9001800) overlaps pl011 at [0x9000000, 0x9001000)");
    }
}
