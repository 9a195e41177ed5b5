package dev.virtfw.devicetree.cli;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.DtsPrinter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fdt dts FILE.dtb [-o OUT]}: the blob as DTS source, byte for byte what {@code dtc -I dtb
 * -O dts} prints. The whole blob is checked before the first character is written; the text is
 * then streamed, never held whole (deep trees print far more text than their blob holds).
 */
@Command(
        name = "dts",
        mixinStandardHelpOptions = true,
        versionProvider = FdtCommand.Version.class,
        description = "Print a blob as DTS source, byte for byte what dtc -I dtb -O dts prints.")
final class DtsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.dtb", description = "The blob to print.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write the DTS to OUT instead of standard output.")
    Path output;

    @Override
    public Integer call() {
        DeviceTree tree = BlobFiles.readTree(input);
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            try {
                DtsPrinter.print(tree, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a PrintWriter records errors instead of throwing
            }
            out.flush();
        } else {
            BlobFiles.checkWritable(output);
            try (BufferedWriter file = Files.newBufferedWriter(output, FdtCommand.OUTPUT_CHARSET)) {
                DtsPrinter.print(tree, file);
            } catch (IOException e) {
                throw BlobFiles.cannotWrite(output, e);
            }
        }
        return ExitCode.OK.status();
    }
}
