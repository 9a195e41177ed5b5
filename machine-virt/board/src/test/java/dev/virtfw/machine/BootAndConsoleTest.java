package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.devicetree.Dtb;
import dev.virtfw.devicetree.DeviceTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Booting firmware and kernels as QEMU does; each guest runs on QEMU too and the consoles must agree. */
class BootAndConsoleTest {
    static Path bios(String asmFile) {
        return Assembler.toFile(Assembler.assembleFile(asmFile, VirtMachine.FLASH_BASE), ".bin");
    }

    static Path kernelImage(long textOffset) {
        return Assembler.toFile(Assembler.assembleFile("kernel-image.S", 0,
                "#define TEXT_OFFSET 0x" + Long.toHexString(textOffset)), ".img");
    }

    @Test
    void firmwarePrintsThroughPl011AndPowersOff() {
        var run = Guest.run(Guest.firmware("""
                    adr x0, msg
                    bl puts
                    b power_off
                msg: .asciz "hello from flash\\n"
                    .balign 4
                """));
        assertThat(run.console()).isEqualTo("hello from flash\n");
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(run.result().exitStatus()).isZero();
    }

    @Test
    void consoleInputReachesTheGuestThroughThePl011() {
        var run = Guest.run(bios("echo.S"), "Hello, virt. ignored", b -> b);
        assertThat(run.console()).isEqualTo("HELLO, VIRT");
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
    }

    @Nested
    class Reset {
        @Test
        void systemResetRestartsTheMachineKeepingRamLikeQemu() {
            Path fw = bios("reset.S");
            var run = Guest.run(fw);
            assertThat(run.console()).isEqualTo("""
                    boot 0000000000000001
                    boot 0000000000000002
                    boot 0000000000000003
                    """);
            assertThat(run.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
            var qemu = Qemu.runVirt("-bios", fw.toString());
            assertThat(run.console()).isEqualTo(qemu.stdout());
            assertThat(qemu.status()).isZero();
        }

        @Test
        void withNoRebootAResetEndsTheRunWithStatusZero() {
            Path fw = bios("reset.S");
            var run = Guest.run(fw, "", b -> b.noReboot(true));
            assertThat(run.console()).isEqualTo("boot 0000000000000001\n");
            assertThat(run.result().reason()).isEqualTo(RunResult.Reason.RESET);
            assertThat(run.result().exitStatus()).isZero();
            var qemu = Qemu.runVirt("-bios", fw.toString(), "-no-reboot");
            assertThat(run.console()).isEqualTo(qemu.stdout());
            assertThat(qemu.status()).isZero();
        }
    }

    @Nested
    class Firmware {
        @Test
        void findsTheDeviceTreeAtTheStartOfRam() {
            Path fw = bios("dtb-model.S");
            var run = Guest.run(fw);
            assertThat(run.console()).isEqualTo("00000000d00dfeed\nlinux,dummy-virt\n");
            assertThat(run.console()).isEqualTo(Qemu.runVirt("-bios", fw.toString()).stdout());
        }

        @Test
        void aDtbGivenWithDtbReplacesTheGeneratedOne(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
            Path qemuDtb = dir.resolve("qemu.dtb");
            Qemu.run(java.util.List.of(Qemu.BINARY, "-M", "virt,dumpdtb=" + qemuDtb, "-m", "512", "-nic", "none", "-nographic"));
            DeviceTree tree = Dtb.parse(Files.readAllBytes(qemuDtb));
            tree.root().putString("model", "from -dtb");
            Path mine = dir.resolve("mine.dtb");
            Files.write(mine, Dtb.write(tree));
            var run = Guest.run(bios("dtb-model.S"), "", b -> b.dtb(mine));
            assertThat(run.console()).isEqualTo("00000000d00dfeed\nfrom -dtb\n");
        }

        @Test
        void aDtbThatIsNotADeviceTreeIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
            Path junk = dir.resolve("junk.dtb");
            Files.writeString(junk, "not a device tree");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Guest.run(bios("dtb-model.S"), "", b -> b.dtb(junk)))
                    .isInstanceOf(ConfigException.class).hasMessageStartingWith("-dtb: " + junk + " is not a device tree blob: ");
        }

        @Test
        void waitForInterruptWithNothingToWaitForContinues() {
            // QEMU would sleep forever (no timer or interrupt is armed); this board has no interrupt
            // source yet, so WFI returns to the run loop and the guest goes on.
            var run = Guest.run(Guest.firmware("""
                        wfi
                        adr x0, msg
                        bl puts
                        b power_off
                    msg: .asciz "after wfi\\n"
                        .balign 4
                    """));
            assertThat(run.console()).isEqualTo("after wfi\n");
        }

        @Test
        void firmwareLargerThanTheFlashBankIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
            Path big = dir.resolve("big.bin");
            try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[1]), VirtMachine.FLASH_BANK_SIZE); // sparse, 64 MiB + 1
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Guest.run(big))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("-bios: " + big + " is 67108865 bytes, larger than the 64 MiB flash bank");
        }
    }

    @Nested
    class DirectKernelBoot {
        @Test
        void imageIsLoadedAtTextOffsetPlus2MiBAndGetsTheDeviceTreeInX0LikeQemu() {
            Path image = kernelImage(0);
            var run = Guest.run(null, "", b -> b.kernel(image));
            assertThat(run.console()).isEqualTo("""
                    0000000048000000
                    0000000040200000
                    00000000d00dfeed
                    """);
            assertThat(run.console()).isEqualTo(Qemu.runVirt("-kernel", image.toString()).stdout());
        }

        @Test
        void aTextOffsetAboveTheBootStubIsUsedAsItIs() {
            Path image = kernelImage(0x80000);
            var run = Guest.run(null, "", b -> b.kernel(image));
            assertThat(run.console()).contains("0000000040080000\n");
            assertThat(run.console()).isEqualTo(Qemu.runVirt("-kernel", image.toString()).stdout());
        }

        @Test
        void theDeviceTreeFollowsTheInitrdAndNamesItAndTheCommandLine(@org.junit.jupiter.api.io.TempDir Path dir)
                throws IOException {
            Path image = kernelImage(0);
            Path initrd = dir.resolve("initrd");
            byte[] initrdBytes = new byte[3_000_000];
            new Random(7).nextBytes(initrdBytes);
            Files.write(initrd, initrdBytes);
            MachineConfig config = MachineConfig.builder().ramSize(512L << 20).kernel(image).initrd(initrd)
                    .append("console=ttyAMA0 quiet").console(dev.virtfw.machine.console.Console.scripted("",
                            new java.io.ByteArrayOutputStream())).build();
            try (VirtMachine m = VirtMachine.create(config)) {
                assertThat(m.run().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
                DeviceTree tree = Dtb.parse(m.lastDeviceTree());
                var chosen = tree.find("/chosen").orElseThrow();
                assertThat(chosen.property("bootargs").orElseThrow().asString()).isEqualTo("console=ttyAMA0 quiet");
                // one cell each, as QEMU 7.2 writes them
                assertThat(chosen.property("linux,initrd-start").orElseThrow().asU32()).isEqualTo(0x4800_0000);
                assertThat(chosen.property("linux,initrd-end").orElseThrow().asU32()).isEqualTo(0x4800_0000 + 3_000_000);
                byte[] inRam = m.ram().slice(0x4800_0000L, initrdBytes.length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                assertThat(inRam).isEqualTo(initrdBytes);
            }
            var out = Guest.run(null, "", b -> b.kernel(image).initrd(initrd));
            assertThat(out.console()).startsWith("0000000048400000\n");
            assertThat(out.console()).isEqualTo(
                    Qemu.runVirt("-kernel", image.toString(), "-initrd", initrd.toString()).stdout());
        }
    }
}
