package dev.virtfw.devicetree.cli;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.TreeDiff;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code fdt diff A.dtb B.dtb}: compares two trees node by node and property by property, phandle
 * numbering ignored where the links are the same, and prints one line per difference: the path,
 * what differs, A's value and B's value. Exit status 0 when equal, 1 when not.
 */
final class DiffCommand implements Subcommand {
    @Override
    public String name() {
        return "diff";
    }

    @Override
    public String operands() {
        return "A.dtb B.dtb";
    }

    @Override
    public int operandCount() {
        return 2;
    }

    @Override
    public String summary() {
        return "Compare two blobs node by node and property by property (phandle numbering ignored "
                + "where the links are the same); exit status 1 if they differ.";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(CommandLine line, PrintWriter out) {
        DeviceTree a = BlobFiles.readTree(Path.of(line.getArgList().get(0)));
        DeviceTree b = BlobFiles.readTree(Path.of(line.getArgList().get(1)));
        List<TreeDiff.Difference> differences = TreeDiff.compare(a, b);
        for (TreeDiff.Difference difference : differences) {
            out.println(difference);
        }
        out.flush();
        return (differences.isEmpty() ? ExitCode.OK : ExitCode.FOUND_PROBLEMS).status();
    }
}
