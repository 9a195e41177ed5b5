package dev.virtfw.devicetree.cli;

import static dev.virtfw.devicetree.cli.BlobBuilder.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line itself: help, bad arguments, files that cannot be read or written, dts and dtb on small blobs. */
class FdtCommandTest {
    @TempDir
    Path dir;

    Path blob(String name, BlobBuilder builder) throws IOException {
        return blob(name, builder.build());
    }

    Path blob(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    static void assertOneErrorLine(FdtRun run, ExitCode code, String expected) {
        assertThat(run.status()).as("exit status; stderr: %s", run.err()).isEqualTo(code.status());
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains(expected);
    }

    @Nested
    class Help {
        @Test
        void helpListsEverySubcommandWithItsDescription() {
            FdtRun run = FdtRun.of("--help");
            assertThat(run.status()).isZero();
            Set<String> subcommands = new java.util.HashSet<>();
            FdtCommand.SUBCOMMANDS.forEach(s -> subcommands.add(s.name()));
            assertThat(subcommands).contains("dts", "dtb", "validate", "diff");
            for (Subcommand sub : FdtCommand.SUBCOMMANDS) {
                assertThat(run.outLines()).as("help line of %s", sub.name())
                        .anyMatch(l -> l.trim().startsWith(sub.name() + " ") && l.contains(sub.summary().substring(0, 20)));
            }
        }

        @Test
        void helpListsTheExitStatuses() {
            String help = FdtRun.of("--help").out();
            for (ExitCode code : ExitCode.values()) {
                assertThat(help).containsPattern("(?m)^\\s+" + code.status() + "\\s+" + Pattern.quote(code.meaning()) + "$");
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"dts", "dtb", "overlay", "validate", "diff"})
        void eachSubcommandHasItsOwnHelp(String subcommand) {
            FdtRun run = FdtRun.of(subcommand, "--help");
            assertThat(run.status()).isZero();
            assertThat(run.out()).startsWith("Usage: fdt " + subcommand);
            assertThat(FdtRun.of("help", subcommand).out()).isEqualTo(run.out());
        }

        @Test
        void versionPrintsOneLine() {
            FdtRun run = FdtRun.of("--version");
            assertThat(run.status()).isZero();
            assertThat(run.outLines()).singleElement().asString().startsWith("fdt ");
        }
    }

    @Nested
    class BadArguments {
        @Test
        void noSubcommand() {
            assertOneErrorLine(FdtRun.of(), ExitCode.INVALID_INPUT, "Missing required subcommand");
        }

        @Test
        void unknownSubcommand() {
            assertOneErrorLine(FdtRun.of("print", "x.dtb"), ExitCode.INVALID_INPUT, "print");
        }

        @Test
        void unknownOption() {
            assertOneErrorLine(FdtRun.of("dts", "--frobnicate", "x.dtb"), ExitCode.INVALID_INPUT, "--frobnicate");
        }

        @Test
        void dtbWithoutOutput() {
            assertOneErrorLine(FdtRun.of("dtb", "x.dtb"), ExitCode.INVALID_INPUT, "--output");
        }

        @Test
        void diffWithOneFile() {
            assertOneErrorLine(FdtRun.of("diff", "a.dtb"), ExitCode.INVALID_INPUT, "B.dtb");
        }

        @Test
        void tooManyFiles() {
            assertOneErrorLine(FdtRun.of("dts", "a.dtb", "b.dtb"), ExitCode.INVALID_INPUT, "b.dtb");
        }

        @Test
        void theLinePointsAtTheSubcommandsHelp() {
            assertThat(FdtRun.of("dtb", "x.dtb").err()).contains("(see fdt dtb --help)");
        }
    }

    @Nested
    class FileArguments {
        @ParameterizedTest
        @ValueSource(strings = {"dts", "dtb", "overlay", "validate", "diff"})
        void missingFile(String subcommand) {
            Path missing = dir.resolve("missing.dtb");
            String[] args = switch (subcommand) {
                case "dtb" -> new String[] {"dtb", missing.toString(), "-o", dir.resolve("o.dtb").toString()};
                case "overlay" -> new String[] {"overlay", missing.toString(), missing.toString(), "-o",
                    dir.resolve("o.dtb").toString()};
                case "diff" -> new String[] {"diff", missing.toString(), missing.toString()};
                default -> new String[] {subcommand, missing.toString()};
            };
            assertOneErrorLine(FdtRun.of(args), ExitCode.INVALID_INPUT, missing + ": no such file");
        }

        @Test
        void fileNameWithALineBreakStillGivesOneLine() {
            Path odd = dir.resolve("two\nlines.dtb");
            FdtRun run = FdtRun.of("dts", odd.toString());
            assertThat(run.status()).isEqualTo(ExitCode.INVALID_INPUT.status());
            assertThat(run.errLines()).singleElement().asString().endsWith("two lines.dtb: no such file");
        }

        @Test
        void fileNamesStartingWithAtOrDashAreFiles() throws IOException {
            // Were "@file" expanded as picocli does by default, this would read "--frobnicate" as an option.
            Path argumentFile = blob("args.txt", "--frobnicate\n".getBytes(StandardCharsets.US_ASCII));
            assertOneErrorLine(FdtRun.of("dts", "@" + argumentFile), ExitCode.INVALID_INPUT,
                    "@" + argumentFile + ": no such file");
            assertOneErrorLine(FdtRun.of("dts", "--", "-board.dtb"), ExitCode.INVALID_INPUT, "-board.dtb: no such file");
        }

        @Test
        void directory() {
            assertOneErrorLine(FdtRun.of("dts", dir.toString()), ExitCode.INVALID_INPUT, dir + ": is a directory");
        }

        @Test
        void pathThroughARegularFile() throws IOException {
            Path file = blob("plain.dtb", emptyRoot().build());
            Path below = file.resolve("child.dtb");
            FdtRun run = FdtRun.of("dts", below.toString());
            assertOneErrorLine(run, ExitCode.INVALID_INPUT, below + ": ");
        }

        @Test
        void fileLargerThanAnyBlobIsRefusedBeforeReading() throws IOException {
            Path huge = dir.resolve("huge.dtb");
            try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
                f.setLength(BlobFiles.MAX_BLOB_SIZE + 1); // sparse: no disk used
            }
            assertOneErrorLine(FdtRun.of("dts", huge.toString()), ExitCode.INVALID_INPUT, "larger than fdt reads");
        }

        @Test
        void unreadableFile() {
            // Readable by name, but reading fails (EIO at address 0), even for root.
            Path memory = Path.of("/proc/self/mem");
            assertThat(memory).as("/proc/self/mem").exists();
            assertOneErrorLine(FdtRun.of("dts", memory.toString()), ExitCode.INVALID_INPUT, memory + ": cannot read: ");
        }

        @Test
        void endlessDeviceIsCutAtTheLimit() {
            Path zero = Path.of("/dev/zero"); // size() says 0, reading never ends
            assertThat(zero).as("/dev/zero").exists();
            assertOneErrorLine(FdtRun.of("dts", zero.toString()), ExitCode.INVALID_INPUT,
                    zero + ": file is larger than fdt reads");
        }

        @Test
        void fileOfExactlyTheLimitIsReadAndJudgedByItsContent() throws IOException {
            Path limit = dir.resolve("limit.dtb");
            try (RandomAccessFile f = new RandomAccessFile(limit.toFile(), "rw")) {
                f.setLength(BlobFiles.MAX_BLOB_SIZE); // sparse zeros
            }
            assertOneErrorLine(FdtRun.of("dts", limit.toString()), ExitCode.INVALID_INPUT,
                    limit + ": bad magic at offset 0x0");
        }

        @Test
        void failedWriteOfAGoodPathIsUnexpectedState() throws IOException {
            Path full = Path.of("/dev/full"); // Linux: every write fails with ENOSPC
            assertThat(full).as("/dev/full").exists();
            Path in = blob("in.dtb", emptyRoot().build());
            assertOneErrorLine(FdtRun.of("dtb", in.toString(), "-o", full.toString()), ExitCode.UNEXPECTED_STATE,
                    full + ": cannot write: ");
            assertOneErrorLine(FdtRun.of("dts", in.toString(), "-o", full.toString()), ExitCode.UNEXPECTED_STATE,
                    full + ": cannot write: ");
        }

        @Test
        void outputInAMissingDirectory() throws IOException {
            Path in = blob("in.dtb", emptyRoot().build());
            Path out = dir.resolve("no/such/dir/out.dtb");
            assertOneErrorLine(FdtRun.of("dtb", in.toString(), "-o", out.toString()), ExitCode.INVALID_INPUT,
                    out + ": cannot write");
        }

        @Test
        void outputIsADirectory() throws IOException {
            Path in = blob("in.dtb", emptyRoot().build());
            assertOneErrorLine(FdtRun.of("dts", in.toString(), "-o", dir.toString()), ExitCode.INVALID_INPUT,
                    dir + ": cannot write: is a directory");
        }
    }

    /** A subcommand that fails the way only a bug would, to reach the handler's last branch. */
    static final class Boom implements Subcommand {
        @Override
        public String name() {
            return "boom";
        }

        @Override
        public String operands() {
            return "";
        }

        @Override
        public int operandCount() {
            return 0;
        }

        @Override
        public String summary() {
            return "Fails as only a bug would.";
        }

        @Override
        public org.apache.commons.cli.Options options() {
            return new org.apache.commons.cli.Options();
        }

        @Override
        public int run(org.apache.commons.cli.CommandLine line, java.io.PrintWriter out) {
            throw new IllegalStateException("a bug\nacross two lines");
        }
    }

    @Nested
    class InternalErrors {
        FdtRun runBoom(String... args) {
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            int status;
            try (java.io.PrintWriter o = new java.io.PrintWriter(out); java.io.PrintWriter e = new java.io.PrintWriter(err)) {
                java.util.List<Subcommand> all = new java.util.ArrayList<>(FdtCommand.SUBCOMMANDS);
                all.add(new Boom());
                status = FdtCommand.run(args, o, e, all);
            }
            return new FdtRun(status, out.toString(), err.toString());
        }

        @Test
        void unexpectedExceptionIsOneLineAndExitFour() {
            assertOneErrorLine(runBoom("boom"), ExitCode.INTERNAL,
                    "error: internal error: java.lang.IllegalStateException: a bug across two lines");
        }

        @Test
        void verboseAddsItsStackTrace() {
            FdtRun run = runBoom("--verbose", "boom");
            assertThat(run.status()).isEqualTo(ExitCode.INTERNAL.status());
            assertThat(run.errLines().getFirst()).startsWith("error: internal error: ");
            assertThat(run.errLines()).anyMatch(l -> l.contains("at dev.virtfw.devicetree.cli.FdtCommandTest$Boom.run"));
        }
    }

    @Nested
    class Dts {
        @Test
        void printsTheTreeToStandardOutput() throws IOException {
            Path in = blob("small.dtb", new BlobBuilder().reserve(0x8000_0000L, 0x1000).beginNode("")
                    .propString("model", "test board").propU32("#address-cells", 2)
                    .beginNode("cpus").beginNode("cpu@0").propString("device_type", "cpu").endNode().endNode()
                    .endNode().end().build());
            FdtRun run = FdtRun.of("dts", in.toString());
            assertThat(run.status()).isZero();
            assertThat(run.err()).isEmpty();
            assertThat(run.out()).isEqualTo("""
                    /dts-v1/;

                    /memreserve/	0x0000000080000000 0x0000000000001000;
                    / {
                    	model = "test board";
                    	#address-cells = <0x02>;

                    	cpus {

                    		cpu@0 {
                    			device_type = "cpu";
                    		};
                    	};
                    };
                    """);
            assertThat(run.out().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(ExternalTools.dtcDts(in));
        }

        @Test
        void nopTokensInsideTheTreeAreSkippedAsDtcSkipsThem() throws IOException {
            Path in = blob("nops.dtb", new BlobBuilder().beginNode("").token(FDT_NOP)
                    .propString("model", "nop").token(FDT_NOP).beginNode("child").token(FDT_NOP).endNode()
                    .token(FDT_NOP).endNode().end().build());
            FdtRun run = FdtRun.of("dts", in.toString());
            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.out().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(ExternalTools.dtcDts(in));
            assertThat(run.out()).contains("model = \"nop\";").contains("child {");
        }

        @Test
        void deepTreeWithinTheLimitPrintsLikeDtc() throws IOException {
            int depth = 4000; // about 8 million tabs of indentation, streamed
            BlobBuilder builder = new BlobBuilder().beginNode("");
            for (int i = 0; i < depth; i++) {
                builder.beginNode("n"); // no unit address: dtc's checks would print a path per level
            }
            for (int i = 0; i <= depth; i++) {
                builder.endNode();
            }
            Path in = blob("deep.dtb", builder.end());
            Path out = dir.resolve("deep.dts");
            FdtRun run = FdtRun.of("dts", in.toString(), "-o", out.toString());
            assertThat(run.status()).as(run.err()).isZero();
            FdtCorpusTest.assertSameText(Files.readAllBytes(out), ExternalTools.dtcDts(in), in);
        }

        @Test
        void outputOptionWritesTheSameBytesAsDtc() throws IOException {
            // A string with a byte above 0x7f: dtc prints the value as bytes.
            Path in = blob("latin.dtb", new BlobBuilder().beginNode("")
                    .prop("label", new byte[] {'c', 'a', 'f', (byte) 0xe9, 0}).propString("s", "x")
                    .beginNode("node").endNode().endNode().end().build());
            Path out = dir.resolve("latin.dts");
            FdtRun run = FdtRun.of("dts", in.toString(), "-o", out.toString());
            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.out()).isEmpty();
            assertThat(Files.readAllBytes(out)).isEqualTo(ExternalTools.dtcDts(in));
            assertThat(Files.readString(out)).contains("label = [63 61 66 e9 00];");
        }
    }

    @Nested
    class DtbRewrite {
        @Test
        void keepsReservationsAndBootCpuidPhysAndPrintsLikeTheOriginal() throws IOException {
            Path in = blob("in.dtb", new BlobBuilder().reserve(0x4000_0000L, 0x10_0000).reserve(0x1_0000_0000L, 0x2000)
                    .bootCpuidPhys(3).beginNode("").propString("compatible", "test")
                    .beginNode("memory@40000000").propString("device_type", "memory").endNode().endNode().end().build());
            Path out = dir.resolve("out.dtb");
            FdtRun run = FdtRun.of("dtb", in.toString(), "-o", out.toString());
            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).isEmpty();
            byte[] rewritten = Files.readAllBytes(out);
            assertThat(headerField(rewritten, HDR_MAGIC)).isEqualTo(FDT_MAGIC);
            assertThat(headerField(rewritten, HDR_BOOT_CPUID_PHYS)).isEqualTo(3);
            assertThat(headerField(rewritten, HDR_TOTALSIZE)).isEqualTo(rewritten.length);
            assertThat(ExternalTools.dtcDts(out)).isEqualTo(ExternalTools.dtcDts(in));
        }

        @Test
        void outputMayReplaceTheInput() throws IOException {
            byte[] original = emptyRoot().reserve(0x1000, 0x1000).build();
            Path in = blob("same.dtb", original);
            Path copy = blob("copy.dtb", original);
            FdtRun run = FdtRun.of("dtb", in.toString(), "-o", in.toString());
            assertThat(run.status()).as(run.err()).isZero();
            assertThat(ExternalTools.dtcDts(in)).isEqualTo(ExternalTools.dtcDts(copy));
        }
    }
}
