package dev.virtfw.devicetree.cli;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.Dtb;
import dev.virtfw.devicetree.DtbFormatException;
import dev.virtfw.devicetree.dts.CompiledDts;
import dev.virtfw.devicetree.dts.DtsCompiler;
import dev.virtfw.devicetree.dts.DtsException;
import dev.virtfw.devicetree.dts.DtsOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * The input options {@code fdt dts} and {@code fdt dtb} share, spelled as dtc spells them: the
 * input kind ({@code -I dts|dtb}, else from the content: a blob starts with the FDT magic), the
 * include folders of DTS source ({@code -i}), symbols ({@code -@}), the phandle properties
 * ({@code -H}) and the boot CPU ({@code -b}).
 */
final class SourceOptions {
    private SourceOptions() {}

    private static final int FDT_MAGIC = 0xd00dfeed;

    static Options add(Options options) {
        return options
                .addOption(Subcommand.valued("I", "in-format", "dts|dtb", "Input kind (default: from the content)."))
                .addOption(Subcommand.valued("i", "include", "DIR", "Where DTS /include/ and /incbin/ also look (repeatable)."))
                .addOption(Subcommand.flag("@", "symbols", "Add __symbols__ for the labels of DTS source (dtc -@)."))
                .addOption(Subcommand.valued("H", "phandle", "legacy|epapr|both",
                        "Phandle properties given to referenced nodes of DTS source (default epapr)."))
                .addOption(Subcommand.valued("b", "boot-cpu", "N", "boot_cpuid_phys of the header (DTS source)."));
    }

    /** The input: a blob read into the model, or DTS source compiled as dtc does. */
    sealed interface Input {
        record Blob(DeviceTree tree) implements Input {}

        record Source(CompiledDts compiled) implements Input {}
    }

    static Input read(CommandLine line, Path file) {
        byte[] bytes = BlobFiles.read(file);
        String kind = line.getOptionValue("I");
        boolean blob;
        if (kind == null) {
            blob = looksLikeBlob(file, bytes);
        } else if (kind.equals("dtb") || kind.equals("dts")) {
            blob = kind.equals("dtb");
        } else {
            throw new CliException(ExitCode.INVALID_INPUT, "-I takes dts or dtb, not '" + kind + "'");
        }
        if (blob) {
            try {
                return new Input.Blob(Dtb.parse(bytes));
            } catch (DtbFormatException e) {
                throw BlobFiles.malformed(file, e);
            }
        }
        try {
            return new Input.Source(DtsCompiler.compile(file.toString(), bytes, options(line)));
        } catch (DtsException e) {
            throw new CliException(ExitCode.INVALID_INPUT, e.getMessage(), e);
        }
    }

    /**
     * The input kind when {@code -I} is not given: a blob when it starts with the FDT magic; DTS
     * when its name ends in .dts, .dtsi or .dtso, or when it is text holding {@code /dts-v1/};
     * otherwise a blob (so a damaged blob is refused for what is wrong with it, not as DTS).
     */
    static boolean looksLikeBlob(Path file, byte[] bytes) {
        if (bytes.length >= 4 && ((bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8
                | (bytes[3] & 0xff)) == FDT_MAGIC) {
            return true;
        }
        String name = String.valueOf(file.getFileName());
        if (name.endsWith(".dts") || name.endsWith(".dtsi") || name.endsWith(".dtso")) {
            return false;
        }
        int n = Math.min(bytes.length, SNIFF_BYTES);
        for (int i = 0; i < n; i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return !new String(bytes, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).contains("/dts-v1/");
    }

    /** How much of an input is looked at to tell DTS text from a blob. */
    private static final int SNIFF_BYTES = 64 * 1024;

    private static DtsOptions options(CommandLine line) {
        List<Path> dirs = new ArrayList<>();
        String[] given = line.getOptionValues("i");
        if (given != null) {
            for (String d : given) {
                dirs.add(Path.of(d));
            }
        }
        DtsOptions options = DtsOptions.defaults().withIncludeDirs(dirs).withSymbols(line.hasOption("@"));
        String h = line.getOptionValue("H");
        if (h != null) {
            options = options.withPhandles(switch (h) {
                case "legacy" -> DtsOptions.PhandleFormat.LEGACY;
                case "epapr" -> DtsOptions.PhandleFormat.EPAPR;
                case "both" -> DtsOptions.PhandleFormat.BOTH;
                default -> throw new CliException(ExitCode.INVALID_INPUT, "-H takes legacy, epapr or both, not '" + h + "'");
            });
        }
        if (line.hasOption("b")) {
            options = options.withBootCpu((int) number(line, "b"));
        }
        return options;
    }

    /** A non-negative number option in C's spellings (decimal, 0x hex, 0 octal). */
    static long number(CommandLine line, String option) {
        String v = line.getOptionValue(option);
        try {
            long n = Long.decode(v);
            if (n < 0 || n > 0xffffffffL) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new CliException(ExitCode.INVALID_INPUT, "-" + option + " takes a number from 0 to 0xffffffff, not '" + v + "'");
        }
    }
}
