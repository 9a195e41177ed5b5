package dev.virtfw.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fw_cfg test firmware on real QEMU, with files of many sizes passed by -fw_cfg. */
class FwCfgTestFirmwareTest {
    private static final Pattern CHECK = Pattern.compile("CHECK (\\S+) (PASS|FAIL) (.*)");
    private static final Pattern SUMMARY = Pattern.compile("SUMMARY (\\d+) passed, (\\d+) failed");
    private static final Pattern TIME = Pattern.compile("TIME (\\S+) (\\d+) (\\d+) (\\d+)");
    private static final Pattern FILE = Pattern.compile("FILE 0x\\p{XDigit}{4} \\d+ \\S+");
    private static final String BANNER = "virtfw fwcfg-test";
    private static final List<String> METHODS = List.of("file-dma", "file-legacy1", "file-legacy8", "file-dma-chunks");
    private static final long[] FILE_SIZES = {0, 1, 2, 3, 7, 8, 9, 63, 64, 65, 4095, 4096, 4097, 65537,
        3 * 1024 * 1024 + 5};

    @TempDir
    static Path dir;
    static Path firmware;
    /** fw_cfg name -> content, in the order given to QEMU. */
    static final Map<String, byte[]> FILES = new LinkedHashMap<>();
    static final Map<String, String> STRINGS = new LinkedHashMap<>();

    @BeforeAll
    static void prepare() throws Exception {
        firmware = TestData.extract(Firmware.FWCFG_TEST, dir);
        for (int i = 0; i < FILE_SIZES.length; i++) {
            GeneratedFile f = TestInitrd.write(dir.resolve("file" + i), FILE_SIZES[i], 1000 + i);
            FILES.put("opt/virtfw/test/file-" + FILE_SIZES[i], Files.readAllBytes(f.path()));
        }
        STRINGS.put("opt/virtfw/test/string-hello", "hello");
        STRINGS.put("opt/virtfw/test/string-odd", "an odd-sized string of 33 bytes..");
    }

    private static List<String> qemuArgs(Crc32Manifest manifest) throws Exception {
        List<String> args = new ArrayList<>(QemuRunner.virtArgs("-bios", firmware.toString()));
        Path m = manifest.write(dir.resolve("manifest-" + System.nanoTime()));
        args.addAll(List.of("-fw_cfg", "name=" + TestData.CRC32_MANIFEST_FILE + ",file=" + m));
        int i = 0;
        for (String name : FILES.keySet()) {
            args.addAll(List.of("-fw_cfg", "name=" + name + ",file=" + dir.resolve("file" + i++)));
        }
        STRINGS.forEach((name, s) -> args.addAll(List.of("-fw_cfg", "name=" + name + ",string=" + s)));
        return args;
    }

    private static Crc32Manifest fullManifest() {
        Crc32Manifest m = new Crc32Manifest();
        FILES.forEach(m::add);
        STRINGS.forEach((name, s) -> m.add(name, s.getBytes(StandardCharsets.US_ASCII)));
        return m;
    }

    private static String crcHex(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    @Test
    void everyCheckPassesWithFilesOfManySizes() throws Exception {
        QemuRunner.Result r = Tools.runQemu(qemuArgs(fullManifest()));
        List<String> checks = r.linesStartingWith("CHECK ");
        List<String> failing = checks.stream().filter(l -> !l.contains(" PASS ")).toList();
        assertThat(failing).as("failing checks in\n%s", r.output()).isEmpty();
        assertThat(checks).as("number of checks").hasSizeGreaterThan(20);
        // every console line has one of the documented shapes
        assertThat(r.lines()).first().isEqualTo(BANNER);
        assertThat(r.lines()).allSatisfy(l -> assertThat(l.equals(BANNER) || CHECK.matcher(l).matches()
                || TIME.matcher(l).matches() || FILE.matcher(l).matches() || SUMMARY.matcher(l).matches())
                .as(l).isTrue());
        assertThat(r.linesStartingWith("SUMMARY ")).containsExactly("SUMMARY " + checks.size() + " passed, 0 failed");

        Map<String, byte[]> all = new LinkedHashMap<>(FILES);
        STRINGS.forEach((n, s) -> all.put(n, s.getBytes(StandardCharsets.US_ASCII)));
        for (var e : all.entrySet()) {
            for (String method : METHODS) {
                String prefix = "CHECK " + method + ":" + e.getKey() + " PASS size=" + e.getValue().length
                        + " crc32=" + crcHex(e.getValue()) + " expected=" + crcHex(e.getValue());
                assertThat(checks).as("%s of %s", method, e.getKey()).anySatisfy(l -> assertThat(l).startsWith(prefix));
            }
        }
        for (String name : List.of("signature-legacy1", "id-features", "dma-signature", "directory-legacy",
                "directory-dma", "dma-write-read-only", "dma-zero-length-read", "dma-unknown-key",
                "unknown-key-legacy", "dma-read-past-end", "dma-target-not-ram", "dma-descriptor-not-ram",
                "dma-descriptor-straddles-ram-end", "shared-state-legacy-then-dma", "dma-skip", "manifest")) {
            assertThat(checks).as(name).anySatisfy(l -> assertThat(l).startsWith("CHECK " + name + " PASS"));
        }
        // timings: one line per method for the biggest file, counter frequency from CNTFRQ_EL0
        String big = "opt/virtfw/test/file-" + FILE_SIZES[FILE_SIZES.length - 1];
        for (String method : METHODS) {
            List<String> t = r.linesStartingWith("TIME " + method + ":" + big + " ");
            assertThat(t).as("timing of %s", method).hasSize(1);
            Matcher m = TIME.matcher(t.getFirst());
            assertThat(m.matches()).isTrue();
            assertThat(Long.parseLong(m.group(2))).isEqualTo(FILE_SIZES[FILE_SIZES.length - 1]);
            assertThat(Long.parseLong(m.group(4))).isPositive();
        }
    }

    @Test
    void wrongCrcAndMissingFileAreReportedAsFailures() throws Exception {
        String victim = "opt/virtfw/test/file-4097";
        Crc32Manifest m = fullManifest();
        m.put(victim, 4097, 0x12345678L);
        m.put("opt/virtfw/test/not-there", 1, 0);
        QemuRunner.Result r = Tools.runQemu(qemuArgs(m));
        List<String> failing = r.linesStartingWith("CHECK ").stream().filter(l -> l.contains(" FAIL ")).toList();
        assertThat(failing).extracting(l -> l.split(" ")[1]).containsExactlyInAnyOrder(
                "file-dma:" + victim, "file-legacy1:" + victim, "file-legacy8:" + victim,
                "file-dma-chunks:" + victim, "file-present:opt/virtfw/test/not-there");
        Matcher s = SUMMARY.matcher(r.linesStartingWith("SUMMARY ").getFirst());
        assertThat(s.matches()).isTrue();
        assertThat(s.group(2)).isEqualTo("5");
    }
}
