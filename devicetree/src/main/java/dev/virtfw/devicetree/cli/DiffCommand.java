package dev.virtfw.devicetree.cli;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.TreeDiff;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fdt diff A.dtb B.dtb}: compares two trees node by node and property by property, phandle
 * numbering ignored where the links are the same, and prints one line per difference: the path,
 * what differs, A's value and B's value. Exit status 0 when equal, 1 when not.
 */
@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        versionProvider = FdtCommand.Version.class,
        description = "Compare two blobs node by node and property by property (phandle numbering ignored "
                + "where the links are the same); exit status 1 if they differ.",
        footer = {"", "Each difference prints as: /path[:property]: what differs: value in A | value in B"})
final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A.dtb", description = "The first blob.")
    Path left;

    @Parameters(index = "1", paramLabel = "B.dtb", description = "The second blob.")
    Path right;

    @Override
    public Integer call() {
        DeviceTree a = BlobFiles.readTree(left);
        DeviceTree b = BlobFiles.readTree(right);
        List<TreeDiff.Difference> differences = TreeDiff.compare(a, b);
        PrintWriter out = spec.commandLine().getOut();
        for (TreeDiff.Difference difference : differences) {
            out.println(difference);
        }
        out.flush();
        return (differences.isEmpty() ? ExitCode.OK : ExitCode.FOUND_PROBLEMS).status();
    }
}
