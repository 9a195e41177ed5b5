package dev.virtfw.devicetree.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/**
 * {@code ./fdt}: compile, print, rewrite, validate and compare device trees.
 *
 * <p>{@link #run(String[], PrintWriter, PrintWriter)} runs a whole command line against the given
 * writers and returns the exit status; {@link #main(String[])} only calls it and exits. Every
 * failure ends as one {@code error:} line on the error writer and an {@link ExitCode};
 * {@code --verbose} adds the stack trace. Parsed with Apache Commons CLI, as {@code ./virt} is
 * (picocli's model building cost ~100 ms of every start there).
 */
public final class FdtCommand {
    static final String NAME = "fdt";

    /** The subcommands in help order. */
    static final List<Subcommand> SUBCOMMANDS = List.of(new DtsCommand(), new DtbCommand(), new OverlayCommand(),
            new ValidateCommand(), new DiffCommand());

    private FdtCommand() {}

    public static void main(String[] args) {
        PrintWriter out = writer(FileDescriptor.out, OUTPUT_CHARSET);
        PrintWriter err = writer(FileDescriptor.err, Charset.defaultCharset());
        int status;
        try {
            status = run(args, out, err);
        } catch (Throwable unexpected) {
            err.println("error: internal error: " + oneLine(String.valueOf(unexpected)));
            if (Arrays.asList(args).contains("--verbose")) {
                unexpected.printStackTrace(err);
            }
            status = ExitCode.INTERNAL.status();
        }
        out.flush();
        err.flush();
        System.exit(status);
    }

    /**
     * Standard output carries blob text (DTS, property values) whose characters stand for single
     * bytes, so it is written in ISO-8859-1: every byte dtc would print reaches the terminal as is.
     */
    static final Charset OUTPUT_CHARSET = StandardCharsets.ISO_8859_1;

    private static PrintWriter writer(FileDescriptor fd, Charset charset) {
        return new PrintWriter(new OutputStreamWriter(new FileOutputStream(fd), charset), false);
    }

    /** Runs one command line; returns its exit status. Nothing is thrown but Errors. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, SUBCOMMANDS);
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter)}, with the subcommands given (tests add one). */
    static int run(String[] args, PrintWriter out, PrintWriter err, List<Subcommand> subcommands) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        int status;
        try {
            status = dispatch(args, out, subcommands);
        } catch (CliException e) {
            err.println("error: " + oneLine(e.getMessage()));
            if (verbose) {
                e.printStackTrace(err);
            }
            status = e.exitCode().status();
        } catch (RuntimeException e) {
            err.println("error: internal error: " + oneLine(String.valueOf(e)));
            if (verbose) {
                e.printStackTrace(err);
            }
            status = ExitCode.INTERNAL.status();
        }
        out.flush();
        err.flush();
        return status;
    }

    private static int dispatch(String[] args, PrintWriter out, List<Subcommand> subcommands) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        rest.removeIf(a -> a.equals("--verbose"));
        if (rest.isEmpty()) {
            throw new CliException(ExitCode.INVALID_INPUT, "Missing required subcommand (see " + NAME + " --help)");
        }
        String first = rest.removeFirst();
        switch (first) {
            case "-h", "--help" -> {
                printHelp(out, subcommands);
                return ExitCode.OK.status();
            }
            case "-V", "--version" -> {
                out.println(version());
                return ExitCode.OK.status();
            }
            case "help" -> {
                if (rest.isEmpty()) {
                    printHelp(out, subcommands);
                } else {
                    printHelp(out, find(subcommands, rest.getFirst()));
                }
                return ExitCode.OK.status();
            }
            default -> {
                Subcommand sub = find(subcommands, first);
                return runSubcommand(sub, rest, out);
            }
        }
    }

    private static Subcommand find(List<Subcommand> subcommands, String name) {
        for (Subcommand s : subcommands) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        String what = name.startsWith("-") ? "Unknown option: '" + name + "'" : "Unknown subcommand: '" + name + "'";
        throw new CliException(ExitCode.INVALID_INPUT, what + " (see " + NAME + " --help)");
    }

    private static Options withCommon(Subcommand sub) {
        Options options = new Options();
        sub.options().getOptions().forEach(options::addOption);
        options.addOption(Subcommand.flag("h", "help", "Show this help message and exit."));
        options.addOption(Subcommand.flag("V", "version", "Print version information and exit."));
        options.addOption(Subcommand.flag(null, "verbose", "Show the stack trace behind an error."));
        return options;
    }

    private static int runSubcommand(Subcommand sub, List<String> args, PrintWriter out) {
        String see = " (see " + NAME + " " + sub.name() + " --help)";
        CommandLine line;
        try {
            // "--" ends the options; a file argument is a file ("@name" is never expanded).
            line = DefaultParser.builder().setAllowPartialMatching(false).get()
                    .parse(withCommon(sub), args.toArray(String[]::new));
        } catch (ParseException e) {
            throw new CliException(ExitCode.INVALID_INPUT, parseError(e) + see, e);
        }
        if (line.hasOption("help")) {
            printHelp(out, sub);
            return ExitCode.OK.status();
        }
        if (line.hasOption("version")) {
            out.println(version());
            return ExitCode.OK.status();
        }
        List<String> operands = line.getArgList();
        if (operands.size() < sub.operandCount()) {
            throw new CliException(ExitCode.INVALID_INPUT, "Missing required parameter: '"
                    + sub.operands().split(" ")[operands.size()] + "'" + see);
        }
        if (operands.size() > sub.maxOperandCount()) {
            throw new CliException(ExitCode.INVALID_INPUT, "Unmatched argument: '" + operands.get(sub.maxOperandCount())
                    + "'" + see);
        }
        return sub.run(line, out);
    }

    private static String parseError(ParseException e) {
        return switch (e) {
            case UnrecognizedOptionException u -> "Unknown option: '" + u.getOption() + "'";
            case MissingArgumentException m -> "Missing required parameter for option '" + spelling(m.getOption())
                    + "' (" + m.getOption().getArgName() + ")";
            default -> e.getMessage();
        };
    }

    private static String spelling(Option o) {
        return o.getLongOpt() != null ? "--" + o.getLongOpt() : "-" + o.getOpt();
    }

    static String version() {
        String version = FdtCommand.class.getPackage().getImplementationVersion();
        return NAME + " " + (version == null ? "(development build)" : version);
    }

    private static void printHelp(PrintWriter out, List<Subcommand> subcommands) {
        out.println("Usage: " + NAME + " [-hV] [--verbose] [COMMAND]");
        out.println("Compile, print, rewrite, overlay, validate and compare device trees (DTS source and DTB blobs).");
        out.println("  -h, --help      Show this help message and exit.");
        out.println("  -V, --version   Print version information and exit.");
        out.println("      --verbose   Show the stack trace behind an error.");
        out.println("Commands:");
        for (Subcommand s : subcommands) {
            out.printf("  %-10s %s%n", s.name(), s.summary());
        }
        out.printf("  %-10s %s%n", "help", "Display help information about the specified command.");
        out.println();
        out.println("Exit status:");
        for (ExitCode code : ExitCode.values()) {
            out.printf("  %d   %s%n", code.status(), code.meaning());
        }
    }

    private static void printHelp(PrintWriter out, Subcommand sub) {
        out.println("Usage: " + NAME + " " + sub.name() + " [OPTIONS] " + sub.operands());
        out.println(sub.summary());
        for (Option o : withCommon(sub).getOptions()) {
            String names = (o.getOpt() != null ? "-" + o.getOpt() + (o.getLongOpt() != null ? ", " : "") : "    ")
                    + (o.getLongOpt() != null ? "--" + o.getLongOpt() : "") + (o.hasArg() ? " " + o.getArgName() : "");
            out.printf("  %-26s %s%n", names, o.getDescription());
        }
    }

    /** The promise is one line: line breaks inside a message (a file name, a system message) become spaces. */
    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("[\\r\\n]+", " ").strip();
    }
}
