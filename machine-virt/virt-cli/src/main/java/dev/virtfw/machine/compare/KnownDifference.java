package dev.virtfw.machine.compare;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A documented reason why a console line of QEMU and one of this machine may legitimately differ.
 *
 * @param name    short name, shown in the comparison's summary
 * @param reason  why the difference is legitimate, one line
 * @param kind    what is done with a matching line
 * @param pattern what it applies to ({@link Matcher#find()}); for {@link Kind#MASK} the capturing
 *                groups are the parts that may differ
 */
public record KnownDifference(String name, String reason, Kind kind, Pattern pattern) {
    /** What happens to a line the pattern finds. */
    public enum Kind {
        /** Not compared on either side, and not shown (timings). */
        DROP_BOTH,
        /** A line only QEMU can print: left out of QEMU's side, shown as known. */
        DROP_QEMU,
        /** Compared with the capturing groups replaced by {@value #MASK}. */
        MASK
    }

    /** What a masked group reads as. */
    public static final String MASK = "*";

    /** The TIME lines of the test images: timings, never compared. */
    public static final KnownDifference TIMINGS = new KnownDifference("timings",
            "TIME lines carry timings, which differ on every run", Kind.DROP_BOTH, Pattern.compile("^TIME "));

    /**
     * The fw_cfg files QEMU 7.2's virt board builds for firmware with {@code acpi=off} (as the
     * comparison runs it) that this board does not offer: the SMBIOS tables.
     */
    public static final List<String> QEMU_ONLY_FILES = List.of("etc/smbios/smbios-anchor", "etc/smbios/smbios-tables");

    /**
     * The differences between QEMU 7.2's {@code -M virt} and this board that are known and
     * explained, in the line formats of testdata's images (fwcfg-test, the boot loader, the test
     * kernel) and U-Boot's banner. Anything else that differs is a real difference.
     */
    public static final List<KnownDifference> QEMU_VIRT = List.of(
            TIMINGS,
            new KnownDifference("qemu-only-fw_cfg-files",
                    "QEMU builds SMBIOS files for firmware (etc/smbios/*); this board offers none",
                    Kind.DROP_QEMU, Pattern.compile("(?:^|[\\s:=])etc/smbios/\\S+(?=\\s|$)")),
            new KnownDifference("fw_cfg-selectors",
                    "file selectors follow the name order of all files, so QEMU's extra etc/ files shift the later ones",
                    Kind.MASK, Pattern.compile("^FILE 0x([0-9a-f]+) \\d+ \\S+$")),
            new KnownDifference("fw_cfg-directory-size",
                    "the directory's entry count and byte size include QEMU's extra files",
                    Kind.MASK, Pattern.compile("^CHECK directory-(?:legacy PASS count=(\\d+)|dma PASS .*\\bbytes=(\\d+))(?=\\s|$)")),
            new KnownDifference("check-count",
                    "fwcfg-test runs four checks per fw_cfg file, so QEMU's extra files add passed checks",
                    Kind.MASK, Pattern.compile("^SUMMARY (\\d+) passed, \\d+ failed$")));

    public KnownDifference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(pattern, "pattern");
    }

    /** Whether this rule applies to {@code line}. */
    public boolean matches(String line) {
        return pattern.matcher(line).find();
    }

    /** {@code line} with every capturing group that matched replaced by {@value #MASK}. */
    public String mask(String line) {
        Matcher m = pattern.matcher(line);
        if (!m.find()) {
            return line;
        }
        StringBuilder sb = new StringBuilder();
        int at = 0;
        for (int g = 1; g <= m.groupCount(); g++) {
            if (m.start(g) >= 0) {
                sb.append(line, at, m.start(g)).append(MASK);
                at = m.end(g);
            }
        }
        return sb.append(line, at, line.length()).toString();
    }
}
