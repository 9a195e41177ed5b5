package dev.virtfw.machine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.virtfw.devicetree.Dtb;
import dev.virtfw.machine.Assembler;
import dev.virtfw.machine.console.Console;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ./virt's command line: QEMU's spellings, one error line and a non-zero status for bad input. */
class VirtCommandTest {
    record Outcome(int status, String stdout, String stderr, String console) {}

    static Path hello;

    @BeforeAll
    static void firmware() {
        hello = Assembler.toFile(Assembler.assemble("""
                    adr x0, msg
                    bl puts
                    b power_off
                msg: .asciz "hi\\n"
                    .balign 4
                #include "lib.S"
                """, 0), ".bin");
    }

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int status = VirtCommand.run(args, Console.scripted("", console), new PrintWriter(out), new PrintWriter(err));
        return new Outcome(status, out.toString(), err.toString(), console.toString(StandardCharsets.ISO_8859_1));
    }

    static void assertOneErrorLine(Outcome o, int status, String line) {
        assertThat(o.status()).isEqualTo(status);
        assertThat(o.stderr()).isEqualTo(line + System.lineSeparator());
        assertThat(o.stderr()).doesNotContain("\tat ", "Exception");
    }

    @Test
    void theSameCommandLineAsQemuRunsFirmware() {
        Outcome o = run("-M", "virt", "-cpu", "cortex-a57", "-m", "512", "-nographic", "-serial", "stdio",
                "-nic", "none", "-display", "none", "-no-reboot", "-bios", hello.toString());
        assertThat(o.status()).isZero();
        assertThat(o.console()).isEqualTo("hi\n");
        assertThat(o.stderr()).isEmpty();
    }

    @Test
    void dumpdtbWritesTheTreeAndRunsNothing(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("virt.dtb");
        Outcome o = run("-M", "virt,dumpdtb=" + f, "-m", "1G");
        assertThat(o.status()).isZero();
        assertThat(o.stderr()).isEqualTo("virt: device tree written to " + f + System.lineSeparator());
        var memory = Dtb.parse(Files.readAllBytes(f)).find("/memory@40000000").orElseThrow();
        assertThat(memory.property("reg").orElseThrow().asU64Array()).containsExactly(0x4000_0000L, 1L << 30);
    }

    @Test
    @DisplayName("QEMU's spellings: -machine and -no-reboot with one dash, -help, -version")
    void qemuSpellings(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("virt.dtb");
        Outcome o = run("-machine", "virt,dumpdtb=" + f, "-no-reboot", "-nographic");
        assertThat(o.status()).as(o.stderr()).isZero();
        assertThat(Files.exists(f)).isTrue();
        assertThat(run("-help").stdout()).startsWith("usage: virt [options]");
        Outcome v = run("-version");
        assertThat(v.status()).isZero();
        assertThat(v.stdout()).isEqualTo(VirtCommand.VERSION + System.lineSeparator());
    }

    @Test
    @DisplayName("-M given several times merges its properties, as QEMU's -machine does")
    void machinePropertiesMerge(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("virt.dtb");
        Outcome o = run("-M", "highmem=off", "-machine", "virt-7.2,dumpdtb=" + f, "-M", "acpi=off,its=off,gic-version=2");
        assertThat(o.status()).as(o.stderr()).isZero();
        var pcie = Dtb.parse(Files.readAllBytes(f)).find("/pcie@10000000").orElseThrow();
        assertThat(pcie.property("reg").orElseThrow().asU64Array()).containsExactly(0x3f00_0000L, 0x100_0000L);

        o = run("-M", "virt,highmem=off,dumpdtb=" + f, "-M", "highmem=on", "-M", "acpi=auto");
        assertThat(o.status()).as(o.stderr()).isZero();
        pcie = Dtb.parse(Files.readAllBytes(f)).find("/pcie@10000000").orElseThrow();
        assertThat(pcie.property("reg").orElseThrow().asU64Array()).containsExactly(0x40_1000_0000L, 0x1000_0000L);
    }

    @Test
    @DisplayName("gic-version=3 and max give QEMU's GICv3 node; its=off merges in; gic-version=2 takes it back")
    void gicVersion(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("virt.dtb");
        for (String version : List.of("3", "max")) {
            Outcome o = run("-M", "virt,gic-version=" + version + ",dumpdtb=" + f, "-M", "its=off");
            assertThat(o.status()).as(o.stderr()).isZero();
            var gic = Dtb.parse(Files.readAllBytes(f)).find("/intc@8000000").orElseThrow();
            assertThat(gic.property("compatible").orElseThrow().asString()).isEqualTo("arm,gic-v3");
            assertThat(gic.property("reg").orElseThrow().asU64Array())
                    .containsExactly(0x800_0000L, 0x1_0000L, 0x80a_0000L, 0xf6_0000L);
        }
        Outcome o = run("-M", "virt,gic-version=3,dumpdtb=" + f, "-M", "gic-version=2");
        assertThat(o.status()).as(o.stderr()).isZero();
        var gic = Dtb.parse(Files.readAllBytes(f)).find("/intc@8000000").orElseThrow();
        assertThat(gic.property("compatible").orElseThrow().asString()).isEqualTo("arm,cortex-a15-gic");
    }

    @Test
    @DisplayName("as in QEMU, an option given twice takes its last value; -fw_cfg and -drive add up")
    void lastValueWins(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("virt.dtb");
        Outcome o = run("-m", "64", "-M", "virt,dumpdtb=/nonexistent/never.dtb", "-m", "1G", "-M", "virt,dumpdtb=" + f);
        assertThat(o.status()).as(o.stderr()).isZero();
        var memory = Dtb.parse(Files.readAllBytes(f)).find("/memory@40000000").orElseThrow();
        assertThat(memory.property("reg").orElseThrow().asU64Array()).containsExactly(0x4000_0000L, 1L << 30);
        // Two -fw_cfg of one name: both reach the machine, which refuses the second.
        assertOneErrorLine(run("-bios", hello.toString(), "-fw_cfg", "opt/a,string=1", "-fw_cfg", "opt/a,string=2"), 2,
                "virt: error: -fw_cfg: fw_cfg file \"opt/a\": a file of this name is already there");
    }

    @Test
    void aGuestFaultIsOneLineAndStatus3() {
        Path fw = Assembler.toFile(Assembler.assemble("udf #1\n", 0), ".bin");
        assertOneErrorLine(run("-bios", fw.toString()), 3, "virt: guest fault: undefined instruction, pc 0x0");
    }

    @Test
    void theInstructionLimitEndsARunawayGuest() {
        Path fw = Assembler.toFile(Assembler.assemble("b .\n", 0), ".bin");
        assertOneErrorLine(run("-bios", fw.toString(), "--max-instructions", "5000"), 3,
                "virt: guest stopped: instruction limit of 5000 reached, pc 0x0");
    }

    @Test
    void traceFwCfgPrintsEachRegisterAccess() {
        Path fw = Assembler.toFile(Assembler.assemble("""
                    ldr x1, =0x09020000
                    mov w0, #0x0100
                    strh w0, [x1, #8]
                    ldr w0, [x1]
                    b power_off
                #include "lib.S"
                """, 0), ".bin");
        // the trace goes to the process's standard error, as QEMU's does
        assertThat(traced("-bios", fw.toString(), "--trace", "fw_cfg*")).containsExactly(
                "fw_cfg: write offset 0x8 size 2 <- 0x100",
                "fw_cfg: read offset 0x0 size 4 -> 0x3");
    }

    /** Runs {@code args} and returns what went to the process's standard error (the trace). */
    private static List<String> traced(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream traced = new ByteArrayOutputStream();
        var previous = System.err;
        System.setErr(new java.io.PrintStream(traced, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = VirtCommand.run(args, Console.none(), new PrintWriter(out), new PrintWriter(err));
        } finally {
            System.setErr(previous);
        }
        assertThat(status).as(err.toString()).isZero();
        return traced.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static Path selectingFirmware() {
        return Assembler.toFile(Assembler.assemble("""
                    ldr x1, =0x09020000
                    mov w0, #0x1100
                    strh w0, [x1, #8]
                    mov w0, #0x4000
                    strh w0, [x1, #8]
                    mov w0, #0x0b00
                    strh w0, [x1, #8]
                    b power_off
                #include "lib.S"
                """, 0), ".bin");
    }

    @Test
    void traceFwCfgSelectPrintsQemusEventLines() {
        // QEMU 7.2: the reset's select of the signature, then each of the guest's (0x4000 is past the slots)
        assertThat(traced("-bios", selectingFirmware().toString(), "-trace", "fw_cfg_select")).containsExactly(
                "fw_cfg_select 0x9020000 key 0x0000 'signature', ret: 1",
                "fw_cfg_select 0x9020000 key 0x0011 'kernel_data', ret: 1",
                "fw_cfg_select 0x9020000 key 0x0040 'unknown', ret: 0",
                "fw_cfg_select 0x9020000 key 0x000b 'initdr_size', ret: 1");
    }

    @Test
    void msgTimestampOnPrefixesEachTraceLineAsQemuDoes() {
        long before = System.currentTimeMillis() / 1000;
        List<String> lines = traced("-bios", selectingFirmware().toString(), "-trace", "enable=fw_cfg_select",
                "--trace", "fw_cfg", "-msg", "timestamp=on");
        long after = System.currentTimeMillis() / 1000 + 1;
        assertThat(lines).hasSize(7);
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("^(\\d+)@(\\d+)\\.(\\d{6}):(fw_cfg.*)$");
        double previous = 0;
        for (String line : lines) {
            var m = p.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            assertThat(Long.parseLong(m.group(1))).isEqualTo(ProcessHandle.current().pid());
            assertThat(Long.parseLong(m.group(2))).isBetween(before, after);
            double t = Double.parseDouble(m.group(2) + "." + m.group(3));
            assertThat(t).isGreaterThanOrEqualTo(previous);
            previous = t;
        }
        assertThat(lines.get(1)).endsWith(":fw_cfg: write offset 0x8 size 2 <- 0x1100");
        assertThat(lines.get(2)).endsWith(":fw_cfg_select 0x9020000 key 0x0011 'kernel_data', ret: 1");
        assertThat(traced("-bios", selectingFirmware().toString(), "-trace", "fw_cfg_select", "-msg", "timestamp=off"))
                .first().isEqualTo("fw_cfg_select 0x9020000 key 0x0000 'signature', ret: 1");
    }

    @Test
    void minusDWritesTheTraceToAFileAndLeavesStandardErrorAlone(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("trace.log");
        Files.writeString(log, "an older log that -D replaces\n");
        assertThat(traced("-bios", selectingFirmware().toString(), "-trace", "fw_cfg_select", "-D", log.toString()))
                .isEmpty();
        assertThat(Files.readAllLines(log)).containsExactly(
                "fw_cfg_select 0x9020000 key 0x0000 'signature', ret: 1",
                "fw_cfg_select 0x9020000 key 0x0011 'kernel_data', ret: 1",
                "fw_cfg_select 0x9020000 key 0x0040 'unknown', ret: 0",
                "fw_cfg_select 0x9020000 key 0x000b 'initdr_size', ret: 1");
    }

    @Nested
    class Sizes {
        @ParameterizedTest(name = "-m {0}")
        @CsvSource({"512, 536870912", "512M, 536870912", "512m, 536870912", "1G, 1073741824", "1.5G, 1610612736",
                "size=256M, 268435456", "65536K, 67108864", "2147483648B, 2147483648", "1.0G, 1073741824",
                "8796093022207M, 9223372036853727232", "0.5K, 512"})
        void qemuSizeSyntax(String text, long bytes) {
            assertThat(dev.virtfw.machine.cli.Sizes.parseMegabytesDefault("-m", text)).isEqualTo(bytes);
        }

        @ParameterizedTest(name = "-m {0}")
        @CsvSource(delimiter = '|', value = {"8796093022208M|the size is too large", "9223372036854775808B|the size is too large",
                "1.5B|not a whole number of bytes", "-1|a size cannot be negative", "M|not a size (a number of mib, or with a k/m/g/t suffix)"})
        void sizesThatAreRefused(String text, String why) {
            assertThatThrownBy(() -> dev.virtfw.machine.cli.Sizes.parseMegabytesDefault("-m", text))
                    .isInstanceOf(CliException.class).hasMessage("-m " + text + ": " + why);
        }
    }

    @Nested
    class BadInput {
        @Test
        void unknownOption() {
            assertOneErrorLine(run("-bios", hello.toString(), "-frobnicate"), 2,
                    "virt: error: Unknown option: '-frobnicate' (see --help)");
        }

        @Test
        @DisplayName("a value missing, a stray argument, a partial option name and a bad number are one line each")
        void malformedCommandLines() {
            assertOneErrorLine(run("-nographic", "-bios"), 2, "virt: error: option '-bios' needs a value (FILE) (see --help)");
            assertOneErrorLine(run("-bios", hello.toString(), "extra"), 2,
                    "virt: error: unexpected argument 'extra' (options take one value each; see --help)");
            assertOneErrorLine(run("-nographi", "-bios", hello.toString()), 2,
                    "virt: error: Unknown option: '-nographi' (see --help)");
            assertOneErrorLine(run("-bios", hello.toString(), "--max-instructions", "many"), 2,
                    "virt: error: --max-instructions many: not a number");
            assertOneErrorLine(run("-bios", hello.toString(), "--time-limit", "soon"), 2,
                    "virt: error: --time-limit soon: not a number");
            assertOneErrorLine(run("-bios", "bad\u0000name"), 2,
                    "virt: error: -bios bad\u0000name: not a file name (Nul character not allowed)");
        }

        @ParameterizedTest(name = "{0} {1}")
        @CsvSource(delimiter = '|', value = {
            "-msg|timestamp=yes|virt: error: -msg timestamp=yes: Parameter 'timestamp' expects 'on' or 'off'",
            "-msg|guest-name=on|virt: error: -msg guest-name=on: Invalid parameter 'guest-name'",
            "-trace|events=list.txt|virt: error: -trace events=list.txt: events= is not supported (give the event or device name; -D FILE sends the traces to a file)",
            "-trace|fw_cfg_select,file=t.log|virt: error: -trace fw_cfg_select,file=t.log: file= is not supported (give the event or device name; -D FILE sends the traces to a file)",
            "-trace|fw_cfg_select,level=3|virt: error: -trace fw_cfg_select,level=3: Invalid parameter 'level'",
        })
        void badTraceAndMsgOptions(String option, String value, String line) {
            assertOneErrorLine(run("-bios", hello.toString(), option, value), 2, line);
        }

        @Test
        void aLogFileThatCannotBeWrittenIsOneLine(@TempDir Path dir) {
            assertOneErrorLine(run("-bios", hello.toString(), "-D", dir.resolve("missing/trace.log").toString()), 2,
                    "virt: error: -D " + dir.resolve("missing/trace.log") + ": cannot write the log file (no such directory)");
        }

        @Test
        void aTraceNamingNothingSaysWhatThereIs() {
            Outcome o = run("-bios", hello.toString(), "-trace", "fw_cfg_read");
            assertThat(o.status()).isEqualTo(2);
            assertThat(o.stderr().lines().toList()).singleElement().asString()
                    .startsWith("virt: error: --trace fw_cfg_read: no such device, log or event (devices: ")
                    .endsWith("; also unassigned and QEMU's event fw_cfg_select)");
        }

        @Test
        void missingFirmwareFile() {
            assertOneErrorLine(run("-bios", "/nonexistent/fw.bin"), 2, "virt: error: -bios: /nonexistent/fw.bin: no such file");
        }

        @Test
        void missingKernelFile() {
            assertOneErrorLine(run("-kernel", "/nonexistent/Image"), 2, "virt: error: -kernel: /nonexistent/Image: no such file");
        }

        @Test
        void firmwareLargerThanTheFlashBank(@TempDir Path dir) throws IOException {
            Path big = dir.resolve("big.bin");
            try (var f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
                f.setLength((64L << 20) + 4096);
            }
            assertOneErrorLine(run("-bios", big.toString()), 2,
                    "virt: error: -bios: " + big + " is 67112960 bytes, larger than the 64 MiB flash bank");
        }

        @ParameterizedTest(name = "-m {0}")
        @CsvSource(delimiter = '|', value = {
            "8|virt: error: -m: RAM size 8388608 bytes is out of range (16 MiB to 255 GiB)",
            "256G|virt: error: -m: RAM size 274877906944 bytes is out of range (16 MiB to 255 GiB)",
            "100.5|virt: error: -m: RAM size 105381888 bytes is not a whole number of MiB",
            "lots|virt: error: -m lots: not a size (a number of mib, or with a k/m/g/t suffix)",
            "-5|virt: error: -m -5: a size cannot be negative",
        })
        void ramSizeOutOfRange(String size, String line) {
            assertOneErrorLine(run("-m", size, "-bios", hello.toString()), 2, line);
        }

        @ParameterizedTest(name = "-fw_cfg {0}")
        @CsvSource(delimiter = '|', value = {
            "opt/x|virt: error: -fw_cfg opt/x: file=PATH or string=STR is missing",
            "opt/x,data=1|virt: error: -fw_cfg opt/x,data=1: expected file=PATH or string=STR after the name",
            "name=,string=a|virt: error: -fw_cfg name=,string=a: the name is empty",
            "opt/x,file=|virt: error: -fw_cfg opt/x,file=: file= is empty",
        })
        void malformedFwCfg(String spec, String line) {
            assertOneErrorLine(run("-bios", hello.toString(), "-fw_cfg", spec), 2, line);
        }

        @Test
        void duplicateFwCfgName() {
            assertOneErrorLine(run("-bios", hello.toString(), "-fw_cfg", "opt/x,string=1", "-fw_cfg", "name=opt/x,string=2"),
                    2, "virt: error: -fw_cfg: fw_cfg file \"opt/x\": a file of this name is already there");
        }

        @Test
        void tooLongFwCfgName() {
            String name = "opt/" + "n".repeat(60);
            assertOneErrorLine(run("-bios", hello.toString(), "-fw_cfg", name + ",string=1"), 2,
                    "virt: error: -fw_cfg: fw_cfg file \"" + name + "\": name is 64 bytes; the directory holds at most 55 plus the NUL");
        }

        @Test
        void missingFwCfgFile() {
            assertOneErrorLine(run("-bios", hello.toString(), "-fw_cfg", "opt/x,file=/nonexistent/blob"), 2,
                    "virt: error: -fw_cfg opt/x: /nonexistent/blob: no such file");
        }

        @Test
        void otherMachinesAndOptions() {
            assertOneErrorLine(run("-M", "sbsa-ref"), 2, "virt: error: -M sbsa-ref: only the virt machine is supported");
            assertOneErrorLine(run("-M", "virt,gic-version=4"), 2, "virt: error: -M virt,gic-version=4:"
                    + " gic-version=4 requires virtualization enabled, which this board does not emulate");
            assertOneErrorLine(run("-M", "virt,gic-version=host"), 2,
                    "virt: error: -M virt,gic-version=host: gic-version=host requires KVM");
            assertOneErrorLine(run("-M", "virt,gic-version=7"), 2,
                    "virt: error: -M virt,gic-version=7: gic-version: valid values are 2, 3, 4, host and max");
            assertOneErrorLine(run("-M", "virt,acpi=on"), 2,
                    "virt: error: -M virt,acpi=on: ACPI tables are not generated (only acpi=off or auto)");
            assertOneErrorLine(run("-M", "virt,highmem=maybe"), 2,
                    "virt: error: -M virt,highmem=maybe: parameter 'highmem' expects 'on' or 'off'");
            assertOneErrorLine(run("-M", "virt,secure=on"), 2, "virt: error: -M virt,secure=on: unsupported machine"
                    + " option 'secure=on' (supported: dumpdtb, highmem, acpi, its, gic-version)");
            assertOneErrorLine(run("-M", "virt,highmem"), 2,
                    "virt: error: -M virt,highmem: expected '=' after parameter 'highmem'");
            assertOneErrorLine(run("-M", "virt,highmem=off", "-m", "4G"), 2,
                    "virt: error: Addressing limited to 32 bits, but memory exceeds it by 1073741824 bytes");
            assertOneErrorLine(run("-cpu", "cortex-a15"), 2,
                    "virt: error: -cpu cortex-a15: unknown CPU (known: cortex-a57, cortex-a53, cortex-a72, max)");
            assertOneErrorLine(run("-serial", "pty"), 2, "virt: error: -serial pty: only stdio or mon:stdio is supported");
            assertOneErrorLine(run("-nic", "user"), 2, "virt: error: -nic user: only none is supported");
        }

        @Test
        void moreThanOneCpu() {
            assertOneErrorLine(run("-smp", "2"), 2, "virt: error: -smp 2: only one CPU is emulated (cpus=2 asks for more)");
            assertOneErrorLine(run("-smp", "cpus=1,cores=4"), 2,
                    "virt: error: -smp cpus=1,cores=4: only one CPU is emulated (cores=4 asks for more)");
            assertOneErrorLine(run("-smp", "1,bogus=1"), 2, "virt: error: -smp 1,bogus=1: unknown property 'bogus'");
        }

        @Test
        void oneCpuIsAcceptedAsQemuSpellsIt() {
            for (String spec : List.of("1", "cpus=1", "1,sockets=1,cores=1,threads=1,maxcpus=1")) {
                assertThatNoException().as(spec).isThrownBy(() -> VirtCommand.oneCpu(spec));
            }
        }

        @Test
        void aKernelThatDoesNotFitInRam(@TempDir Path dir) throws IOException {
            Path big = dir.resolve("Image");
            try (var f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
                f.setLength(16L << 20);
            }
            assertOneErrorLine(run("-m", "16", "-kernel", big.toString()), 2,
                    "virt: error: -kernel: the kernel (16777216 bytes at RAM offset 0x80000) does not fit in 16 MiB of RAM");
        }

        @Test
        void initrdOrAppendWithoutKernel() {
            assertOneErrorLine(run("-bios", hello.toString(), "-append", "quiet"), 2,
                    "virt: error: -append only allowed with -kernel option");
        }

        @Test
        void badDeviceOption() {
            assertOneErrorLine(run("--device", "pl011"), 2, "virt: error: --device pl011: base=ADDRESS is missing");
            assertOneErrorLine(run("--device", "pl011,base=zz"), 2,
                    "virt: error: --device pl011,base=zz: base: 'zz' is not a number (decimal or 0x hexadecimal)");
        }

        @Test
        void noArgumentsAndNoDemoAsksForSome() {
            assertOneErrorLine(run(), 2, "virt: error: no arguments: give -bios FILE or -kernel FILE (see --help)");
        }
    }

    @Nested
    class ConfigFileOption {
        @Test
        void jsonConfigurationRunsTheMachine(@TempDir Path dir) throws IOException {
            Files.copy(hello, dir.resolve("fw.bin"));
            Path json = dir.resolve("machine.json");
            Files.writeString(json, """
                    { "cpu": "cortex-a53", "memory": "256M", "bios": "fw.bin",
                      "fwCfg": [ {"name": "opt/greeting", "string": "hi"} ],
                      "devices": [ "pl011,base=0x9040000" ], "noReboot": true,
                      "limits": { "seconds": 30 } }
                    """);
            Outcome o = run("--config", json.toString());
            assertThat(o.stderr()).isEmpty();
            assertThat(o.status()).isZero();
            assertThat(o.console()).isEqualTo("hi\n");
        }

        @Test
        void unknownSettingIsOneLine(@TempDir Path dir) throws IOException {
            Path json = dir.resolve("machine.json");
            Files.writeString(json, "{ \"ram\": 512 }");
            Outcome o = run("--config", json.toString());
            assertThat(o.status()).isEqualTo(2);
            assertThat(o.stderr()).startsWith("virt: error: --config " + json + ": unknown setting \"ram\" (known: ")
                    .endsWith(System.lineSeparator()).hasLineCount(1);
        }

        @Test
        void malformedJsonIsOneLine(@TempDir Path dir) throws IOException {
            Path json = dir.resolve("machine.json");
            Files.writeString(json, "{ \"cpu\": ");
            Outcome o = run("--config", json.toString());
            assertThat(o.status()).isEqualTo(2);
            assertThat(o.stderr()).startsWith("virt: error: --config " + json + ": line ").hasLineCount(1);
        }

        @Test
        void missingConfigFile() {
            assertOneErrorLine(run("--config", "/nonexistent/machine.json"), 2,
                    "virt: error: --config /nonexistent/machine.json: no such file");
        }
    }

    @Test
    void helpListsEveryOption() {
        Outcome o = run("--help");
        assertThat(o.status()).isZero();
        List<String> expected = new ArrayList<>(List.of("-M", "-cpu", "-m", "-bios", "-kernel", "-initrd", "-append", "-dtb",
                "-fw_cfg", "-nographic", "-serial", "-no-reboot", "-nic", "-display", "--trace", "--config", "--device",
                "--max-instructions", "--time-limit"));
        for (String option : expected) {
            assertThat(o.stdout()).contains(option);
        }
    }
}
