package dev.virtfw.devicetree.cli;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.Dtb;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fdt dtb IN.dtb -o OUT.dtb}: reads a blob into the model and writes it again with the
 * library's writer (memory reservations and boot_cpuid_phys kept), so the writer can be checked
 * against any real blob.
 */
@Command(
        name = "dtb",
        mixinStandardHelpOptions = true,
        versionProvider = FdtCommand.Version.class,
        description = {
            "Read a blob and write it again with fdt's own writer, keeping the memory reservations and boot_cpuid_phys."
        })
final class DtbCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN.dtb", description = "The blob to read.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.dtb", required = true, description = "Where to write the new blob.")
    Path output;

    @Override
    public Integer call() {
        DeviceTree tree = BlobFiles.readTree(input);
        BlobFiles.write(output, Dtb.write(tree));
        return ExitCode.OK.status();
    }
}
