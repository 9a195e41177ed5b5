package dev.virtfw.devicetree.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fdt validate}: one line per finding with the node path, exit 0 when clean and 1 when not. */
class ValidateCommandTest {
    @TempDir
    Path dir;

    Path blob(String name, BlobBuilder builder) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, builder.build());
        return file;
    }

    /** A small board tree dtc has nothing to say about. */
    static BlobBuilder cleanBoard() {
        return new BlobBuilder().beginNode("")
                .propU32("#address-cells", 1).propU32("#size-cells", 1)
                .propString("compatible", "test,board").propString("model", "Test board")
                .beginNode("memory@80000000").propString("device_type", "memory")
                .prop("reg", cells(0x8000_0000, 0x1000_0000)).endNode();
    }

    static byte[] cells(int... values) {
        byte[] bytes = new byte[4 * values.length];
        for (int i = 0; i < values.length; i++) {
            java.lang.foreign.MemorySegment.ofArray(bytes).set(BlobBuilder.BE_U32, 4L * i, values[i]);
        }
        return bytes;
    }

    /** dtc's check messages for a blob, without its "<file>: " prefix. */
    static List<String> dtcFindings(Path blob) {
        ExternalTools.Outcome dtc = ExternalTools.run(List.of("dtc", "-I", "dtb", "-O", "dtb", "-o", "/dev/null", blob.toString()));
        return dtc.errLines().stream().filter(l -> l.contains("): /")).map(l -> l.substring(l.indexOf(": ") + 2)).toList();
    }

    @Test
    void cleanTreePrintsNothingAndExitsZero() throws IOException {
        Path clean = blob("clean.dtb", cleanBoard().endNode().end());
        assertThat(dtcFindings(clean)).as("dtc's opinion").isEmpty();
        FdtRun run = FdtRun.of("validate", clean.toString());
        assertThat(run.status()).as(run.out() + run.err()).isEqualTo(ExitCode.OK.status());
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEmpty();
    }

    @Test
    void eachFindingIsOneLineNamingFileCheckAndPathLikeDtc() throws IOException {
        Path bad = blob("bad.dtb", cleanBoard().beginNode("bad!name").endNode().endNode().end());
        FdtRun run = FdtRun.of("validate", bad.toString());
        assertThat(run.status()).isEqualTo(ExitCode.FOUND_PROBLEMS.status());
        assertThat(run.err()).isEmpty();
        String line = bad + ": ERROR (node_name_chars): /bad!name: Bad character '!' in node name";
        assertThat(run.outLines()).contains(line);
        assertThat(dtcFindings(bad)).as("dtc says the same").contains(line.substring(bad.toString().length() + 2));
    }

    @Test
    void warningsCountUnlessErrorsOnly() throws IOException {
        Path warned = blob("warned.dtb", cleanBoard().beginNode("dev@1000").propString("compatible", "x").endNode()
                .endNode().end());
        String expected = "Warning (unit_address_vs_reg): /dev@1000: node has a unit name, but no reg or ranges property";
        assertThat(dtcFindings(warned)).as("dtc's opinion").contains(expected);

        FdtRun all = FdtRun.of("validate", warned.toString());
        assertThat(all.status()).isEqualTo(ExitCode.FOUND_PROBLEMS.status());
        assertThat(all.outLines()).singleElement().asString().isEqualTo(warned + ": " + expected);

        FdtRun errors = FdtRun.of("validate", "--errors-only", warned.toString());
        assertThat(errors.status()).isEqualTo(ExitCode.OK.status());
        assertThat(errors.out()).isEmpty();
    }

    @Test
    void machineOptionAsksForWhatABootNeeds() throws IOException {
        Path board = blob("board.dtb", cleanBoard().endNode().end());
        assertThat(FdtRun.of("validate", board.toString()).status()).isZero();
        FdtRun machine = FdtRun.of("validate", "--machine", board.toString());
        assertThat(machine.status()).isEqualTo(ExitCode.FOUND_PROBLEMS.status());
        assertThat(machine.outLines()).isNotEmpty().allMatch(l -> l.startsWith(board + ": ERROR ("))
                .anyMatch(l -> l.contains("chosen")).anyMatch(l -> l.contains("cpus"));
    }

    /** Compiles a DTS test resource with dtc (and extra options); dtc must say nothing about it. */
    Path compile(String resource, String... options) throws IOException {
        Path source = dir.resolve(resource);
        try (var in = getClass().getResourceAsStream("/cli/" + resource)) {
            assertThat(in).as(resource).isNotNull();
            Files.write(source, in.readAllBytes());
        }
        Path blob = dir.resolve(resource + String.join("", options) + ".dtb");
        List<String> command = new java.util.ArrayList<>(List.of("dtc", "-I", "dts", "-O", "dtb", "-o", blob.toString()));
        command.addAll(List.of(options));
        command.add(source.toString());
        ExternalTools.Outcome dtc = ExternalTools.run(command);
        assertThat(dtc.status()).as(dtc.stderr()).isZero();
        assertThat(dtc.stderr()).as("dtc's opinion of %s", resource).isEmpty();
        return blob;
    }

    /** Every kind of value, strings with quotes, tabs and backslashes: dtc finds nothing, nor may we. */
    @Test
    void boardWithEveryKindOfValueHasNoError() throws IOException {
        Path board = compile("board.dts");
        FdtRun run = FdtRun.of("validate", "--errors-only", board.toString());
        assertThat(run.outLines()).isEmpty();
        assertThat(run.status()).isZero();
    }

    /** dtc -@ adds /__symbols__ (a name dtc reserves for it): no finding beyond those without it. */
    @Test
    void symbolsNodeAddedByDtcAddsNoFinding() throws IOException {
        Path plain = compile("board.dts");
        Path withSymbols = compile("board.dts", "-@");
        List<String> before = FdtRun.of("validate", plain.toString()).outLines().stream()
                .map(l -> l.substring(plain.toString().length())).toList();
        List<String> after = FdtRun.of("validate", withSymbols.toString()).outLines().stream()
                .map(l -> l.substring(withSymbols.toString().length())).toList();
        assertThat(after).containsExactlyElementsOf(before);
    }

    /** A GPIO hog's gpios holds the controller's cells without a phandle (dtc's gpios check skips hogs). */
    @Test
    void gpioHogGpiosIsNotAPhandleList() throws IOException {
        Path hog = compile("gpio-hog.dts");
        FdtRun run = FdtRun.of("validate", "--errors-only", hog.toString());
        assertThat(run.outLines()).isEmpty();
        assertThat(run.status()).isZero();
    }

    /** QEMU's own virt tree: dtc finds no error in it, so neither may we. */
    @Test
    void qemuVirtTreeHasNoErrors() throws IOException {
        Path virt = dir.resolve("virt.dtb");
        ExternalTools.Outcome qemu = ExternalTools.run(List.of("qemu-system-aarch64", "-M", "virt,dumpdtb=" + virt,
                "-cpu", "cortex-a57", "-nic", "none", "-display", "none"));
        assertThat(qemu.status()).as(qemu.stderr()).isZero();
        assertThat(dtcFindings(virt)).noneMatch(l -> l.startsWith("ERROR"));
        FdtRun run = FdtRun.of("validate", "--errors-only", virt.toString());
        assertThat(run.outLines()).isEmpty();
        assertThat(run.status()).isZero();
    }
}
