package dev.virtfw.devicetree.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fdt diff}: node by node and property by property, phandle numbering ignored where the
 * links are the same; one line per difference with the path and both values; exit 0 when equal.
 */
class DiffCommandTest {
    @TempDir
    Path dir;

    Path blob(String name, BlobBuilder builder) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, builder.build());
        return file;
    }

    /** A root linked to an interrupt controller and a UART through phandles of the given numbers. */
    static BlobBuilder linked(int intcPhandle, int uartPhandle, int interruptParent, String model) {
        return new BlobBuilder().beginNode("")
                .propU32("interrupt-parent", interruptParent).propString("model", model)
                .beginNode("intc@8000000").propU32("phandle", intcPhandle).propU32("#interrupt-cells", 3).endNode()
                .beginNode("uart@9000000").propU32("phandle", uartPhandle).propString("status", "okay").endNode()
                .beginNode("chosen").propU32("stdout", uartPhandle).endNode()
                .endNode().end();
    }

    FdtRun diff(Path a, Path b) {
        FdtRun run = FdtRun.of("diff", a.toString(), b.toString());
        assertThat(run.err()).isEmpty();
        return run;
    }

    @Test
    void sameTreeIsEqual() throws IOException {
        Path a = blob("a.dtb", linked(1, 2, 1, "m"));
        FdtRun run = diff(a, a);
        assertThat(run.status()).isEqualTo(ExitCode.OK.status());
        assertThat(run.out()).isEmpty();
    }

    @Test
    void renumberedPhandlesWithTheSameLinksAreEqual() throws IOException {
        Path a = blob("a.dtb", linked(1, 2, 1, "m"));
        Path b = blob("b.dtb", linked(0x8001, 0x8000, 0x8001, "m"));
        FdtRun run = diff(a, b);
        assertThat(run.out()).isEmpty();
        assertThat(run.status()).isEqualTo(ExitCode.OK.status());
    }

    @Test
    void aLinkToAnotherNodeIsADifference() throws IOException {
        Path a = blob("a.dtb", linked(1, 2, 1, "m"));
        Path b = blob("b.dtb", linked(1, 2, 2, "m")); // interrupt-parent now names the UART
        FdtRun run = diff(a, b);
        assertThat(run.status()).isEqualTo(ExitCode.FOUND_PROBLEMS.status());
        assertThat(run.outLines()).singleElement().asString()
                .startsWith("/:interrupt-parent: ").contains("<0x01>").contains("<0x02>");
    }

    @Test
    void changedValuePrintsPathAndBothValues() throws IOException {
        Path a = blob("a.dtb", linked(1, 2, 1, "first board"));
        Path b = blob("b.dtb", linked(1, 2, 1, "second board"));
        FdtRun run = diff(a, b);
        assertThat(run.status()).isEqualTo(ExitCode.FOUND_PROBLEMS.status());
        assertThat(run.outLines()).containsExactly("/:model: value differs: \"first board\" | \"second board\"");
    }

    @Test
    void nodesAndPropertiesOnOneSideOnly() throws IOException {
        Path a = blob("a.dtb", new BlobBuilder().beginNode("").propString("model", "m")
                .beginNode("left-only").endNode().beginNode("both").propU32("x", 1).endNode().endNode().end());
        Path b = blob("b.dtb", new BlobBuilder().beginNode("").propString("model", "m")
                .beginNode("both").propU32("y", 2).endNode().beginNode("right-only").endNode().endNode().end());
        FdtRun run = diff(a, b);
        assertThat(run.status()).isEqualTo(ExitCode.FOUND_PROBLEMS.status());
        assertThat(run.outLines()).containsExactlyInAnyOrder(
                "/left-only: node only in left: (absent) | (absent)",
                "/right-only: node only in right: (absent) | (absent)",
                "/both:x: property only in left: <0x01> | (absent)",
                "/both:y: property only in right: (absent) | <0x02>");
    }

    @Test
    void headerDifferencesAreReported() throws IOException {
        Path a = blob("a.dtb", BlobBuilder.emptyRoot().reserve(0x1000, 0x1000).bootCpuidPhys(0));
        Path b = blob("b.dtb", BlobBuilder.emptyRoot().bootCpuidPhys(1));
        FdtRun run = diff(a, b);
        assertThat(run.status()).isEqualTo(ExitCode.FOUND_PROBLEMS.status());
        assertThat(run.outLines()).hasSize(2)
                .anyMatch(l -> l.startsWith("/: reservations differ: ") && l.contains("4096"))
                .anyMatch(l -> l.equals("/: boot cpuid differs: 0x0 | 0x1"));
    }
}
