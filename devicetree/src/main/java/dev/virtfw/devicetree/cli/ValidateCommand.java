package dev.virtfw.devicetree.cli;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.Finding;
import dev.virtfw.devicetree.Validator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fdt validate FILE.dtb}: runs the library's checks and prints one line per finding, in
 * dtc's shape {@code FILE: ERROR (check): /path:prop: text}. Exit status 0 when clean, 1 when
 * anything was found.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        versionProvider = FdtCommand.Version.class,
        description = "Check a blob against the devicetree rules; one line per finding, exit status 1 if any.")
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.dtb", description = "The blob to check.")
    Path input;

    @Option(names = "--machine",
            description = "Also require what a machine's tree needs to boot an OS: /chosen, /cpus and a memory node.")
    boolean machine;

    @Option(names = "--errors-only", description = "Report errors only; warnings neither print nor fail.")
    boolean errorsOnly;

    @Override
    public Integer call() {
        DeviceTree tree = BlobFiles.readTree(input);
        Validator.Options options = machine ? Validator.Options.forMachine() : Validator.Options.defaults();
        List<Finding> findings = Validator.validate(tree, options).stream()
                .filter(f -> !errorsOnly || f.severity() == Finding.Severity.ERROR)
                .toList();
        PrintWriter out = spec.commandLine().getOut();
        for (Finding finding : findings) {
            out.println(input + ": " + finding);
        }
        out.flush();
        return (findings.isEmpty() ? ExitCode.OK : ExitCode.FOUND_PROBLEMS).status();
    }
}
