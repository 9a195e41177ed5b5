package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.console.Console;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fw_cfg on the board (src/test/asm/fwcfg.S): the kernel boot items firmware sees, and a file read
 * with 8-byte legacy reads (split into two 4-byte accesses by the emulator), 4-byte reads and DMA,
 * all giving the host file's bytes; the same firmware on QEMU prints the same.
 */
class FwCfgOnTheBoardTest {
    static final long BUF_A = 0x4020_0000L;
    static final long BUF_B = 0x4030_0000L;
    static final long BUF_C = 0x4040_0000L;

    static long checksum(byte[] data) {
        long h = 0;
        for (byte b : data) {
            h = h * 31 + (b & 0xff);
        }
        return h;
    }

    @Test
    void legacyAndDmaReadsGiveTheHostFileAndMatchQemu(@TempDir Path dir) throws IOException {
        Path fw = Assembler.toFile(Assembler.assembleFile("fwcfg.S", 0), ".bin");
        Path kernel = Assembler.toFile(Assembler.assembleFile("kernel-image.S", 0, "#define TEXT_OFFSET 0"), ".img");
        byte[] blob = new byte[1000];
        new Random(42).nextBytes(blob);
        Path blobFile = dir.resolve("blob");
        Files.write(blobFile, blob);
        String append = "console=ttyAMA0 root=/dev/vda";

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig config = MachineConfig.builder().ramSize(512L << 20).bios(fw).kernel(kernel).append(append)
                .fwCfg(FwCfgEntry.ofFile("opt/virtfw/blob", blobFile))
                .console(Console.scripted("", out)).build();
        try (VirtMachine m = VirtMachine.create(config)) {
            assertThat(m.run().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
            for (long buf : new long[] {BUF_A, BUF_B, BUF_C}) {
                assertThat(m.ram().slice(buf, blob.length).toArray(ValueLayout.JAVA_BYTE))
                        .as("buffer at 0x%x", buf).isEqualTo(blob);
            }
        }
        List<String> ours = out.toString(StandardCharsets.ISO_8859_1).lines().toList();
        String sum = String.format("%016x", checksum(blob));
        assertThat(ours).containsExactly(
                "00000000554d4551",                                    // "QEMU"
                "0000000000000003",                                    // ID: traditional + DMA
                String.format("%016x", Files.size(kernel)),            // KERNEL_SIZE
                "0000000000000000",                                    // INITRD_SIZE: none
                String.format("%016x", append.length() + 1),           // CMDLINE_SIZE with its NUL
                append,
                ours.get(6),                                           // the file's key: see below
                "00000000000003e8",                                    // its size
                "0000000000000000",                                    // DMA control: done
                sum, sum, sum);

        var qemu = Qemu.runVirt("-bios", fw.toString(), "-kernel", kernel.toString(), "-append", append,
                "-fw_cfg", "name=opt/virtfw/blob,file=" + blobFile);
        List<String> theirs = qemu.stdout().lines().toList();
        // The one expected difference: the file's selector. QEMU 7.2 also publishes ACPI, SMBIOS and
        // other files this board does not have, so the same name sorts to a later key there.
        assertThat(ours.subList(0, 6)).isEqualTo(theirs.subList(0, 6));
        assertThat(ours.subList(7, ours.size())).isEqualTo(theirs.subList(7, theirs.size()));
        assertThat(Long.parseLong(ours.get(6), 16)).isBetween(0x20L, 0x30L);
    }

    @Test
    void aGzipKernelIsOfferedDecompressedToFirmwareAsQemuDoes(@TempDir Path dir) throws IOException {
        Path fw = Assembler.toFile(Assembler.assembleFile("fwcfg.S", 0), ".bin");
        byte[] image = Files.readAllBytes(
                Assembler.toFile(Assembler.assembleFile("kernel-image.S", 0, "#define TEXT_OFFSET 0"), ".img"));
        Path gz = dir.resolve("Image.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(image);
        }
        assertThat(Files.size(gz)).isNotEqualTo(image.length);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig config = MachineConfig.builder().bios(fw).kernel(gz).append("x")
                .console(Console.scripted("", out)).build();
        try (VirtMachine m = VirtMachine.create(config)) {
            assertThat(m.run().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        }
        String kernelSize = out.toString(StandardCharsets.ISO_8859_1).lines().toList().get(2);
        assertThat(kernelSize).isEqualTo(String.format("%016x", image.length));
        var qemu = Qemu.runVirt("-bios", fw.toString(), "-kernel", gz.toString(), "-append", "x");
        assertThat(qemu.stdout().lines().toList().get(2)).isEqualTo(kernelSize);
    }
}
