package dev.virtfw.devicetree.cli;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.Finding;
import dev.virtfw.devicetree.Validator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code fdt validate FILE.dtb}: runs the library's checks and prints one line per finding, in
 * dtc's shape {@code FILE: ERROR (check): /path:prop: text}. Exit status 0 when clean, 1 when
 * anything was found.
 */
final class ValidateCommand implements Subcommand {
    @Override
    public String name() {
        return "validate";
    }

    @Override
    public String operands() {
        return "FILE.dtb";
    }

    @Override
    public int operandCount() {
        return 1;
    }

    @Override
    public String summary() {
        return "Check a blob against the devicetree rules; one line per finding, exit status 1 if any.";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Subcommand.flag(null, "machine",
                        "Also require what a machine's tree needs to boot an OS: /chosen, /cpus and a memory node."))
                .addOption(Subcommand.flag(null, "errors-only", "Report errors only; warnings neither print nor fail."));
    }

    @Override
    public int run(CommandLine line, PrintWriter out) {
        Path input = Path.of(line.getArgList().getFirst());
        DeviceTree tree = BlobFiles.readTree(input);
        Validator.Options options = line.hasOption("machine") ? Validator.Options.forMachine() : Validator.Options.defaults();
        boolean errorsOnly = line.hasOption("errors-only");
        List<Finding> findings = Validator.validate(tree, options).stream()
                .filter(f -> !errorsOnly || f.severity() == Finding.Severity.ERROR)
                .toList();
        for (Finding finding : findings) {
            out.println(input + ": " + finding);
        }
        out.flush();
        return (findings.isEmpty() ? ExitCode.OK : ExitCode.FOUND_PROBLEMS).status();
    }
}
