package dev.virtfw.devicetree.cli;

import java.io.PrintWriter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** One subcommand of {@code ./fdt}: its name, its options and what it does with a parsed line. */
interface Subcommand {
    String name();

    /** The operands, as the usage line shows them ("FILE.dtb", "A.dtb B.dtb"). */
    String operands();

    /** How many operands it takes (at least). */
    int operandCount();

    /** The most operands it takes: {@link #operandCount()} unless it takes a list. */
    default int maxOperandCount() {
        return operandCount();
    }

    /** One sentence for the help. */
    String summary();

    /** Its own options (--help and --verbose are added for every subcommand). */
    Options options();

    /** Runs it; returns the exit status. Failures are thrown as {@link CliException}. */
    int run(CommandLine line, PrintWriter out);

    static Option valued(String shortName, String longName, String label, String description) {
        return Option.builder(shortName).longOpt(longName).hasArg().argName(label).desc(description).get();
    }

    static Option flag(String shortName, String longName, String description) {
        return Option.builder(shortName).longOpt(longName).desc(description).get();
    }
}
