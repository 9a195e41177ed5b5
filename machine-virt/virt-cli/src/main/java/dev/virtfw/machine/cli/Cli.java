package dev.virtfw.machine.cli;

import dev.virtfw.machine.ConfigException;
import dev.virtfw.machine.MachineException;
import dev.virtfw.machine.MachineFailureException;
import dev.virtfw.machine.unicorn.UnicornException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/**
 * What {@code ./virt}, {@code ./virt --demo} and {@code ./virt --compare-qemu} share: their options
 * are parsed by Apache Commons CLI, their help has one layout, and any failure is one line on the
 * error writer with a status from {@link ExitCode}.
 */
public final class Cli {
    private static final int HELP_WIDTH = 100;
    private static final int HELP_INDENT = 30;

    private Cli() {}

    /** An option with one value; {@code shortName} is QEMU's single-dash spelling, or null. */
    public static Option opt(String shortName, String longName, String label, String description) {
        return Option.builder(shortName).longOpt(longName).hasArg().argName(label).desc(description).get();
    }

    /** An option without a value. */
    public static Option flag(String shortName, String longName, String description) {
        return Option.builder(shortName).longOpt(longName).desc(description).get();
    }

    /**
     * Parses {@code args} (no abbreviations: QEMU has none). With {@code stopAtNonOption}, the first
     * argument that is not one of {@code options} and everything after it are left as arguments.
     */
    public static CommandLine parse(Options options, String[] args, boolean stopAtNonOption) throws ParseException {
        return DefaultParser.builder().setAllowPartialMatching(false).get().parse(options, args, stopAtNonOption);
    }

    /** The option's last value, as QEMU takes a repeated option, or null. */
    public static String last(CommandLine line, String name) {
        String[] values = line.getOptionValues(name);
        return values == null || values.length == 0 ? null : values[values.length - 1];
    }

    /** {@code value} parsed by {@code parse}; not a number is an {@link ExitCode#INVALID_INPUT} naming the option. */
    public static <T> T number(String option, String value, Function<String, T> parse) {
        try {
            return parse.apply(value.strip());
        } catch (NumberFormatException e) {
            throw new CliException(ExitCode.INVALID_INPUT, option + " " + value + ": not a number");
        }
    }

    /** The one line for a parse error, without the prefix. */
    public static String parseError(ParseException e) {
        return switch (e) {
            case UnrecognizedOptionException u -> "Unknown option: '" + u.getOption() + "'";
            case MissingArgumentException m -> "option '" + spelling(m.getOption()) + "' needs a value ("
                    + m.getOption().getArgName() + ")";
            default -> e.getMessage();
        };
    }

    /** How the user spells an option: QEMU's single dash, or a double dash for our own long options. */
    private static String spelling(Option o) {
        return o.getOpt() != null ? "-" + o.getOpt() : "--" + o.getLongOpt();
    }

    /** GNU spelling of an option's names: {@code -x, --long}. */
    public static String gnuNames(Option o) {
        String longName = o.getLongOpt() == null ? null : "--" + o.getLongOpt();
        if (o.getOpt() == null) {
            return longName;
        }
        return longName == null ? "-" + o.getOpt() : "-" + o.getOpt() + ", " + longName;
    }

    /**
     * Prints the help: usage, description, the options in their order with {@code names} and the
     * value label, descriptions wrapped at 100 columns beside them, then the footer (if any).
     *
     * <p>Written here rather than by Commons CLI's formatter: its OptionFormatter (1.11.0, the newest
     * release) has one prefix for all long options, so QEMU's {@code -machine} and {@code -no-reboot}
     * cannot stand beside our {@code --trace}; and even given the first column, its
     * TextHelpAppendable makes that column as wide as the longest label (the {@code -drive} value,
     * 63 columns) or, when scalable, breaks labels inside the value, centres the header and pads
     * every line with trailing spaces. Tried and compared with this output.
     */
    public static void printHelp(PrintWriter out, String usage, String description, Options options,
                                 Function<Option, String> names, String footer) {
        out.println("usage: " + usage);
        wrap(description, HELP_WIDTH).forEach(out::println);
        out.println();
        out.println("Options:");
        for (Option o : options.getOptions()) {
            String label = names.apply(o) + (o.hasArg() ? " " + o.getArgName() : "");
            List<String> text = wrap(o.getDescription(), HELP_WIDTH - HELP_INDENT);
            if (label.length() + 2 >= HELP_INDENT) {
                out.println("  " + label);
            } else {
                out.println(("  " + label + " ".repeat(HELP_INDENT)).substring(0, HELP_INDENT) + text.removeFirst());
            }
            text.forEach(l -> out.println(" ".repeat(HELP_INDENT) + l));
        }
        if (footer != null) {
            out.println();
            wrap(footer, HELP_WIDTH).forEach(out::println);
        }
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /**
     * Reports {@code e} as one line on {@code err} ({@code virt: error: } and the first line of its
     * message), its stack trace too when {@code verbose}, and returns the exit status for it.
     */
    public static int fail(RuntimeException e, PrintWriter err, boolean verbose) {
        ExitCode code = switch (e) {
            case CliException c -> c.exitCode();
            case ConfigException c -> ExitCode.INVALID_INPUT;
            case UnicornException u -> ExitCode.ERROR;
            case MachineFailureException f -> ExitCode.INTERNAL;
            case MachineException m -> ExitCode.ERROR;
            default -> ExitCode.INTERNAL;
        };
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        err.println("virt: error: " + message.lines().findFirst().orElse(e.toString()));
        if (verbose) {
            e.printStackTrace(err);
        }
        return code.status();
    }

    /** Reports a parse error as one line pointing at {@code helpCommand}; returns {@link ExitCode#INVALID_INPUT}'s status. */
    public static int failParse(ParseException e, PrintWriter err, String helpCommand) {
        err.println("virt: error: " + parseError(e) + " (see " + helpCommand + ")");
        return ExitCode.INVALID_INPUT.status();
    }
}
