package dev.virtfw.devicetree.cli;

import dev.virtfw.devicetree.DtbFormatException;
import dev.virtfw.devicetree.DtsPrinter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fdt dts FILE.dtb [-o OUT]}: the blob as DTS source, byte for byte what {@code dtc -I dtb -O dts} prints. */
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
        byte[] blob = BlobFiles.read(input);
        String dts;
        try {
            dts = DtsPrinter.print(blob);
        } catch (DtbFormatException e) {
            throw BlobFiles.malformed(input, e);
        }
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(dts);
            out.flush();
        } else {
            BlobFiles.write(output, dts.getBytes(FdtCommand.OUTPUT_CHARSET));
        }
        return ExitCode.OK.status();
    }
}
