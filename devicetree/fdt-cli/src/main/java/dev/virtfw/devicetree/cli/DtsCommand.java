package dev.virtfw.devicetree.cli;

import dev.virtfw.devicetree.DtsPrinter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code fdt dts FILE [-o OUT]}: a blob printed as DTS, byte for byte what {@code dtc -I dtb -O
 * dts} prints, or DTS source compiled and printed as {@code dtc -I dts -O dts} prints it. The
 * whole input is checked before the first character is written.
 */
final class DtsCommand implements Subcommand {
    @Override
    public String name() {
        return "dts";
    }

    @Override
    public String operands() {
        return "FILE";
    }

    @Override
    public int operandCount() {
        return 1;
    }

    @Override
    public String summary() {
        return "Print a blob or DTS source as DTS, byte for byte what dtc -O dts prints.";
    }

    @Override
    public Options options() {
        return SourceOptions.add(new Options()
                .addOption(Subcommand.valued("o", "output", "OUT", "Write the DTS to OUT instead of standard output.")));
    }

    @Override
    public int run(CommandLine line, PrintWriter out) {
        SourceOptions.Input input = SourceOptions.read(line, Path.of(line.getArgList().getFirst()));
        String output = line.getOptionValue("o");
        if (output == null) {
            print(input, out);
            out.flush();
        } else {
            Path file = Path.of(output);
            BlobFiles.checkWritable(file);
            try (BufferedWriter w = Files.newBufferedWriter(file, FdtCommand.OUTPUT_CHARSET)) {
                print(input, w);
            } catch (IOException e) {
                throw BlobFiles.cannotWrite(file, e);
            }
        }
        return ExitCode.OK.status();
    }

    private static void print(SourceOptions.Input input, Writer w) {
        try {
            switch (input) {
                case SourceOptions.Input.Blob b -> DtsPrinter.print(b.tree(), w);
                case SourceOptions.Input.Source s -> w.write(s.compiled().toDts());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a PrintWriter records errors instead of throwing
        }
    }
}
