package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Firmware and kernels the board cannot run are refused with one line before anything runs. */
class BootInputRefusalTest {
    @TempDir
    Path dir;

    @Test
    void anEmptyBiosFile() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.bin"));
        assertThatThrownBy(() -> VirtMachine.create(MachineConfig.builder().bios(empty).build()))
                .isInstanceOf(ConfigException.class).hasMessage("-bios: " + empty + " is empty");
    }

    @Test
    void neitherFirmwareNorKernel() {
        assertThatThrownBy(() -> VirtMachine.run(MachineConfig.builder().build()))
                .isInstanceOf(ConfigException.class).hasMessage("nothing to run: give -bios, -kernel or -drive if=pflash");
    }

    @Test
    void aKernelThatIsNotAnArm64Image() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a kernel at all, just some words ".repeat(4));
        assertThatThrownBy(() -> VirtMachine.create(MachineConfig.builder().kernel(text).build()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("-kernel: " + text + " is not an arm64 Linux Image (no \"ARM\\x64\" magic at offset 0x38)"
                        + " nor a gzip-compressed one");
    }

    @Test
    void aCorruptGzipKernel() throws Exception {
        byte[] bad = new byte[64];
        bad[0] = 0x1f;
        bad[1] = (byte) 0x8b;
        bad[2] = 99; // no such compression method
        Path gz = Files.write(dir.resolve("Image.gz"), bad);
        assertThatThrownBy(() -> VirtMachine.create(MachineConfig.builder().kernel(gz).build()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("-kernel: " + gz + " is not a valid gzip file");
    }
}
