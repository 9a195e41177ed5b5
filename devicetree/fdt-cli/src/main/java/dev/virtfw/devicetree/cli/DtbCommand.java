package dev.virtfw.devicetree.cli;

import dev.virtfw.devicetree.Dtb;
import dev.virtfw.devicetree.dts.BlobLayout;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code fdt dtb IN -o OUT}: DTS source compiled into exactly the blob {@code dtc -I dts -O dtb}
 * writes (with dtc's layout options), or a blob read into the model and written again with the
 * library's writer (memory reservations and boot_cpuid_phys kept, {@code -S} as dtc's).
 */
final class DtbCommand implements Subcommand {
    @Override
    public String name() {
        return "dtb";
    }

    @Override
    public String operands() {
        return "IN";
    }

    @Override
    public int operandCount() {
        return 1;
    }

    @Override
    public String summary() {
        return "Compile DTS source into the blob dtc writes, or rewrite a blob with fdt's own writer.";
    }

    @Override
    public Options options() {
        Options options = new Options()
                .addOption(Subcommand.valued("o", "output", "OUT.dtb", "Where to write the new blob (required)."))
                .addOption(Subcommand.valued("R", "reserve", "N", "Add N empty memory reservation entries (DTS source)."))
                .addOption(Subcommand.valued("S", "space", "BYTES", "Pad the blob with zeros to at least BYTES."))
                .addOption(Subcommand.valued("p", "pad", "BYTES", "Add BYTES zeros after the strings block (DTS source)."))
                .addOption(Subcommand.valued("a", "align", "BYTES", "Round the blob size up to a power of two (DTS source)."));
        return SourceOptions.add(options);
    }

    @Override
    public int run(CommandLine line, PrintWriter out) {
        String output = line.getOptionValue("o");
        if (output == null) {
            throw new CliException(ExitCode.INVALID_INPUT, "Missing required option: '--output=OUT.dtb' (see fdt dtb --help)");
        }
        int space = line.hasOption("S") ? (int) Math.min(Integer.MAX_VALUE, SourceOptions.number(line, "S")) : 0;
        SourceOptions.Input input = SourceOptions.read(line, Path.of(line.getArgList().getFirst()));
        byte[] blob = switch (input) {
            case SourceOptions.Input.Blob b -> Dtb.write(b.tree(), space);
            case SourceOptions.Input.Source s -> s.compiled().toDtb(layout(line, space));
        };
        BlobFiles.write(Path.of(output), blob);
        return ExitCode.OK.status();
    }

    private static BlobLayout layout(CommandLine line, int space) {
        int reserve = line.hasOption("R") ? (int) Math.min(1 << 20, SourceOptions.number(line, "R")) : 0;
        int pad = line.hasOption("p") ? (int) Math.min(Integer.MAX_VALUE, SourceOptions.number(line, "p")) : 0;
        int align = line.hasOption("a") ? (int) Math.min(1 << 30, SourceOptions.number(line, "a")) : 0;
        try {
            return new BlobLayout(reserve, space, pad, align);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.INVALID_INPUT, e.getMessage(), e);
        }
    }
}
