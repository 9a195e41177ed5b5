package dev.virtfw.machine.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.cli.VirtCommand;
import dev.virtfw.machine.console.Console;
import dev.virtfw.machine.console.ConsoleInput;
import dev.virtfw.testdata.Firmware;
import dev.virtfw.testdata.QemuRunner;
import dev.virtfw.testdata.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -trace fw_cfg_select} against QEMU 7.2's own trace of the same run: the fw_cfg test
 * firmware (every well-known key, every file of the directory by legacy and DMA selects, keys past
 * the slots, the write channel) selects the same things in the same order, and each line says the
 * same key name and result. File keys are compared by the file they name (QEMU's SMBIOS files shift
 * the keys of the files after them, see {@link QemuSideBySideTest#QEMU_ONLY_FILES}).
 */
class TraceVsQemuTest {
    static final Pattern SELECT = Pattern.compile(
            "^fw_cfg_select 0x[0-9a-f]+ key 0x([0-9a-f]{4}) '([a-z_]+)', ret: ([01])$");
    static final Pattern FILE = Pattern.compile("^FILE 0x([0-9a-f]{4}) \\d+ (\\S+)$");

    @Test
    void theFwCfgTestFirmwareSelectsTheSameOnBothAndEachLineReadsAsQemus(@TempDir Path dir) throws Exception {
        Path fw = TestData.extract(Firmware.FWCFG_TEST, dir);
        Path hello = Files.writeString(dir.resolve("hello.txt"), "hello from the trace test\n");
        List<String> args = SideBySideRun.commandLine(List.of("-bios", fw.toString(),
                "-fw_cfg", "name=opt/hello,file=" + hello, "-trace", "fw_cfg_select"));
        QemuRunner.Result qemu = QemuRunner.run(args, QemuSideBySideTest.TIMEOUT);
        assertThat(qemu.exitCode()).as(qemu.errors()).isZero();

        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ByteArrayOutputStream traced = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        PrintStream previous = System.err;
        System.setErr(new PrintStream(traced, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = VirtCommand.run(args.toArray(String[]::new), new Console(ConsoleInput.none(), console::write),
                    new PrintWriter(new StringWriter()), new PrintWriter(err));
        } finally {
            System.setErr(previous);
        }
        assertThat(status).as(err.toString()).isZero();

        List<String> theirs = selects(qemu.errors(), qemu.lines());
        List<String> ours = selects(traced.toString(StandardCharsets.UTF_8),
                console.toString(StandardCharsets.ISO_8859_1).lines().toList());
        assertThat(theirs).hasSizeGreaterThan(40).contains("file:opt/hello 'unknown' 1", "0x3fff 'unknown' 0",
                "0x0019 'file_dir' 1");
        assertThat(ours).containsExactlyElementsOf(theirs);
    }

    /**
     * The select lines of a run as "key 'name' ret", a file's key replaced by "file:" and its name
     * from the firmware's directory listing, QEMU's own files left out.
     */
    static List<String> selects(String trace, List<String> console) {
        Map<Integer, String> files = new HashMap<>();
        for (String line : console) {
            Matcher m = FILE.matcher(line);
            if (m.matches()) {
                files.put(Integer.parseInt(m.group(1), 16), m.group(2));
            }
        }
        List<String> out = new ArrayList<>();
        for (String line : trace.lines().toList()) {
            Matcher m = SELECT.matcher(line);
            if (!m.matches()) {
                continue;
            }
            int key = Integer.parseInt(m.group(1), 16);
            String file = files.get(key & 0x3fff);
            if (file != null && QemuSideBySideTest.QEMU_ONLY_FILES.contains(file)) {
                continue;
            }
            String what = file != null ? "file:" + file + ((key & 0x4000) != 0 ? "+write" : "")
                    : String.format("0x%04x", key);
            out.add(what + " '" + m.group(2) + "' " + m.group(3));
        }
        return out;
    }
}
