package dev.virtfw.devicetree.cli;

import dev.virtfw.devicetree.Dtb;
import dev.virtfw.devicetree.DtbFormatException;
import dev.virtfw.devicetree.Overlay;
import dev.virtfw.devicetree.OverlayException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code fdt overlay BASE.dtb OVERLAY.dtbo... -o OUT.dtb}: the overlays applied to the base in
 * order, written as the bytes {@code fdtoverlay -i BASE.dtb -o OUT.dtb OVERLAY.dtbo...} writes.
 * An overlay that cannot be applied is refused with one line naming its file and the fragment or
 * label at fault.
 */
final class OverlayCommand implements Subcommand {
    @Override
    public String name() {
        return "overlay";
    }

    @Override
    public String operands() {
        return "BASE.dtb OVERLAY.dtbo...";
    }

    @Override
    public int operandCount() {
        return 2;
    }

    @Override
    public int maxOperandCount() {
        return Integer.MAX_VALUE;
    }

    @Override
    public String summary() {
        return "Apply overlays to a base blob, writing the blob fdtoverlay writes.";
    }

    @Override
    public Options options() {
        return new Options().addOption(Subcommand.valued("o", "output", "OUT.dtb", "Where to write the result (required)."));
    }

    @Override
    public int run(CommandLine line, PrintWriter out) {
        String output = line.getOptionValue("o");
        if (output == null) {
            throw new CliException(ExitCode.INVALID_INPUT,
                    "Missing required option: '--output=OUT.dtb' (see fdt overlay --help)");
        }
        List<Path> files = line.getArgList().stream().map(Path::of).toList();
        Path baseFile = files.getFirst();
        List<Path> overlayFiles = files.subList(1, files.size());
        // Each blob is checked on its own first, so a malformed one is named by its file.
        byte[] base = readChecked(baseFile);
        List<byte[]> overlays = new ArrayList<>();
        for (Path f : overlayFiles) {
            overlays.add(readChecked(f));
        }
        byte[] result;
        try {
            result = Overlay.apply(base, overlays);
        } catch (OverlayException e) {
            Path at = e.overlayIndex() < 0 ? baseFile : overlayFiles.get(e.overlayIndex());
            throw new CliException(ExitCode.INVALID_INPUT, at + ": cannot apply: " + e.getMessage(), e);
        } catch (DtbFormatException e) {
            throw BlobFiles.malformed(baseFile, e);
        }
        BlobFiles.write(Path.of(output), result);
        return ExitCode.OK.status();
    }

    private static byte[] readChecked(Path file) {
        byte[] blob = BlobFiles.read(file);
        try {
            Dtb.parse(blob);
        } catch (DtbFormatException e) {
            throw BlobFiles.malformed(file, e);
        }
        return blob;
    }
}
