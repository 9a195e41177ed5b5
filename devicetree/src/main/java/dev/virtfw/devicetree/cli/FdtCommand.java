package dev.virtfw.devicetree.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * {@code ./fdt}: print, rewrite, validate and compare flattened device tree blobs.
 *
 * <p>{@link #commandLine(PrintWriter, PrintWriter)} builds the whole configured command; {@link
 * #main(String[])} only runs it and exits with its status. Every failure ends as one line on the
 * error writer and an {@link ExitCode}; {@code --verbose} adds the stack trace.
 */
@Command(
        name = "fdt",
        mixinStandardHelpOptions = true,
        versionProvider = FdtCommand.Version.class,
        description = "Print, rewrite, validate and compare flattened device tree blobs (DTB).",
        subcommands = {
            DtsCommand.class,
            DtbCommand.class,
            ValidateCommand.class,
            DiffCommand.class,
            HelpCommand.class
        },
        exitCodeListHeading = "%nExit status:%n")
public final class FdtCommand {

    /** Declares --verbose for every level; the handlers read it from the parse result. */
    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "Show the stack trace behind an error.")
    boolean verbose;

    /**
     * The configured command line: subcommands, the one-line error handlers and the given writers.
     * Tests call {@code execute(args)} on it with {@link java.io.StringWriter}-backed writers.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new FdtCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        // A file argument is a file: "@name" is not an argument file to expand.
        commandLine.setExpandAtFiles(false);
        commandLine.setParameterExceptionHandler(FdtCommand::onBadArguments);
        commandLine.setExecutionExceptionHandler(FdtCommand::onFailure);
        Map<String, String> exitCodes = new LinkedHashMap<>();
        for (ExitCode code : ExitCode.values()) {
            exitCodes.put(Integer.toString(code.status()), code.meaning());
        }
        commandLine.getCommandSpec().usageMessage().exitCodeList(exitCodes);
        return commandLine;
    }

    public static void main(String[] args) {
        PrintWriter out = writer(FileDescriptor.out, OUTPUT_CHARSET);
        PrintWriter err = writer(FileDescriptor.err, Charset.defaultCharset());
        int status;
        try {
            status = commandLine(out, err).execute(args);
        } catch (Throwable unexpected) {
            // Errors (not Exceptions) pass by picocli's handler; still one line, never a trace.
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

    /** A bad option or argument: one line, exit 2 (picocli would print the usage too). */
    private static int onBadArguments(ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        String help = ex.getCommandLine().getCommandSpec().qualifiedName() + " --help";
        err.println("error: " + oneLine(ex.getMessage()) + " (see " + help + ")");
        err.flush();
        return ExitCode.INVALID_INPUT.status();
    }

    /** Anything a subcommand throws: one line; the stack trace only with --verbose. */
    private static int onFailure(Exception ex, CommandLine commandLine, ParseResult parsed) {
        PrintWriter err = parsed.commandSpec().commandLine().getErr(); // the writer given to commandLine(out, err)
        ExitCode code;
        if (ex instanceof CliException cli) {
            code = cli.exitCode();
            err.println("error: " + oneLine(cli.getMessage()));
        } else {
            code = ExitCode.INTERNAL;
            err.println("error: internal error: " + oneLine(String.valueOf(ex)));
        }
        if (verbose(parsed)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code.status();
    }

    /** The promise is one line: line breaks inside a message (a file name, a system message) become spaces. */
    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("[\\r\\n]+", " ").strip();
    }

    /** Whether --verbose was given at any level of the command (it is inherited by every subcommand). */
    private static boolean verbose(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = FdtCommand.class.getPackage().getImplementationVersion();
            return new String[] {"fdt " + (version == null ? "(development build)" : version)};
        }
    }
}
