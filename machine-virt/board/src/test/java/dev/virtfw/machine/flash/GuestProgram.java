package dev.virtfw.machine.flash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a bare AArch64 program that performs a list of bus accesses and prints each read as 16
 * hex digits on the virt board's PL011, then powers off through PSCI SYSTEM_OFF on {@code hvc}, and
 * runs it in {@code qemu-system-aarch64 -M virt} with both flash banks given as image files.
 *
 * <p>The program is position independent (it finds its table with {@code adr}); QEMU loads a raw
 * {@code -kernel} file that has no arm64 Image header into RAM and jumps to its first byte.
 */
final class GuestProgram {
    private GuestProgram() {}

    private static final String ENGINE = """
                .text
                .global _start
            _start:
                adr     x19, ops                 // x19: next table entry {kind | size << 8, address, value}
                movz    x20, #0x0900, lsl #16    // x20: PL011 UART data register (virt: 0x0900_0000)
            next:
                ldp     x1, x2, [x19], #16
                ldr     x3, [x19], #8
                cbz     x1, done
                and     x4, x1, #0xff
                lsr     x5, x1, #8
                cmp     x4, #1
                b.eq    store
                cmp     x5, #1
                b.ne    1f
                ldrb    w0, [x2]
                b       print
            1:  cmp     x5, #2
                b.ne    2f
                ldrh    w0, [x2]
                b       print
            2:  cmp     x5, #4
                b.ne    3f
                ldr     w0, [x2]
                b       print
            3:  ldr     x0, [x2]
            print:
                mov     x6, #60
            4:  lsr     x7, x0, x6
                and     x7, x7, #0xf
                cmp     x7, #10
                add     x8, x7, #'0'
                add     x9, x7, #('a' - 10)
                csel    x8, x8, x9, lt
                strb    w8, [x20]
                subs    x6, x6, #4
                b.ge    4b
                mov     w8, #'\\n'
                strb    w8, [x20]
                b       next
            store:
                cmp     x5, #1
                b.ne    1f
                strb    w3, [x2]
                b       next
            1:  cmp     x5, #2
                b.ne    2f
                strh    w3, [x2]
                b       next
            2:  cmp     x5, #4
                b.ne    3f
                str     w3, [x2]
                b       next
            3:  str     x3, [x2]
                b       next
            done:
                movz    x0, #0x0008              // PSCI SYSTEM_OFF = 0x8400_0008
                movk    x0, #0x8400, lsl #16
                hvc     #0
            5:  b       5b
                .balign 8
            ops:
            """;

    private static final Pattern LINE = Pattern.compile("^([0-9a-f]{16})\\r?$", Pattern.MULTILINE);

    /** Assembles the program for {@code ops}; returns the raw binary. */
    static Path build(Path dir, List<QemuConformanceTest.Op> ops) throws IOException, InterruptedException {
        StringBuilder source = new StringBuilder(ENGINE);
        for (QemuConformanceTest.Op op : ops) {
            long kind = (op.write() ? 1 : 2) | (long) op.size() << 8;
            source.append(String.format("    .quad 0x%x, 0x%x, 0x%x%n", kind, op.address(), op.value()));
        }
        source.append("    .quad 0, 0, 0\n");
        Path asm = dir.resolve("flashops.s");
        Files.writeString(asm, source, StandardCharsets.US_ASCII);
        Path as = HostTools.require("aarch64-linux-gnu-as", "binutils-aarch64-linux-gnu");
        Path ld = HostTools.require("aarch64-linux-gnu-ld", "binutils-aarch64-linux-gnu");
        Path objcopy = HostTools.require("aarch64-linux-gnu-objcopy", "binutils-aarch64-linux-gnu");
        HostTools.check(dir, List.of(as.toString(), "-o", "flashops.o", "flashops.s"));
        HostTools.check(dir, List.of(ld.toString(), "-Ttext=0x40080000", "-o", "flashops.elf", "flashops.o"));
        HostTools.check(dir, List.of(objcopy.toString(), "-O", "binary", "flashops.elf", "flashops.bin"));
        return dir.resolve("flashops.bin");
    }

    /**
     * Runs {@code ops} in QEMU's virt with {@code bank1} as the second pflash drive; returns the
     * values read, in order. Bank 0 gets no drive: with one, QEMU would take it for firmware and
     * start the CPU in it instead of running the {@code -kernel} program.
     */
    static List<Long> runOnQemu(Path dir, List<QemuConformanceTest.Op> ops, Path bank1)
            throws IOException, InterruptedException {
        Path program = build(dir, ops);
        Path qemu = HostTools.require("qemu-system-aarch64", "qemu-system-arm");
        HostTools.Result result = HostTools.run(dir, List.of(qemu.toString(), "-M", "virt", "-cpu", "cortex-a57",
                "-nographic", "-nic", "none", "-monitor", "none", "-kernel", program.toString(),
                "-drive", "if=pflash,format=raw,index=1,file=" + bank1), null, 60);
        if (result.exitCode() != 0) {
            throw new AssertionError("QEMU failed (" + result.exitCode() + "):\n" + result.stdout());
        }
        List<Long> values = new ArrayList<>();
        Matcher m = LINE.matcher(result.stdout());
        while (m.find()) {
            values.add(Long.parseUnsignedLong(m.group(1), 16));
        }
        return values;
    }
}
