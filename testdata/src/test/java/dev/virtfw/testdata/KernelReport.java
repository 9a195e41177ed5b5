package dev.virtfw.testdata;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the test kernel printed, parsed from its documented lines. */
record KernelReport(long x0, long x1, long x2, long x3, int el, boolean dtbValid, int dtbNodes, int dtbProperties,
        long base, long textOffset, long imageSize, long paddingBytes, long paddingCrc32,
        Optional<String> bootargs, Optional<Initrd> initrd, byte[] dtbDump) {

    record Initrd(long start, long end, long size, long crc32) {
    }

    private static final Pattern ENTRY = Pattern.compile(
            "KERNEL entry x0=0x(\\p{XDigit}+) x1=0x(\\p{XDigit}+) x2=0x(\\p{XDigit}+) x3=0x(\\p{XDigit}+) el=(\\d)");
    private static final Pattern DTB = Pattern.compile(
            "KERNEL dtb totalsize=0x\\p{XDigit}+ nodes=(\\d+) properties=(\\d+) valid=([01])");
    private static final Pattern IMAGE = Pattern.compile(
            "KERNEL image base=0x(\\p{XDigit}+) text_offset=0x(\\p{XDigit}+) image_size=0x(\\p{XDigit}+) flags=0x\\p{XDigit}+");
    private static final Pattern PADDING = Pattern.compile("KERNEL padding bytes=(\\d+) crc32=(\\p{XDigit}{8})");
    private static final Pattern BOOTARGS = Pattern.compile("KERNEL bootargs \"(.*)\"");
    private static final Pattern INITRD = Pattern.compile(
            "KERNEL initrd start=0x(\\p{XDigit}+) end=0x(\\p{XDigit}+) size=(\\d+) crc32=(\\p{XDigit}{8})");

    static KernelReport parse(QemuRunner.Result r) {
        List<String> lines = r.lines();
        Matcher entry = one(lines, ENTRY, r);
        Matcher dtb = one(lines, DTB, r);
        Matcher image = one(lines, IMAGE, r);
        Matcher padding = one(lines, PADDING, r);
        Optional<String> args = lines.stream().map(BOOTARGS::matcher).filter(Matcher::matches)
                .map(m -> m.group(1)).findFirst();
        Optional<Initrd> initrd = lines.stream().map(INITRD::matcher).filter(Matcher::matches)
                .map(m -> new Initrd(hex(m.group(1)), hex(m.group(2)), Long.parseLong(m.group(3)), hex(m.group(4))))
                .findFirst();
        String dump = String.join("", lines.stream().filter(l -> l.startsWith("KERNEL dtb-dump "))
                .map(l -> l.substring("KERNEL dtb-dump ".length()).strip()).toList());
        if (!lines.contains("KERNEL poweroff")) {
            throw new AssertionError("the test kernel did not finish:\n" + r.output());
        }
        return new KernelReport(hex(entry.group(1)), hex(entry.group(2)), hex(entry.group(3)), hex(entry.group(4)),
                Integer.parseInt(entry.group(5)), dtb.group(3).equals("1"), Integer.parseInt(dtb.group(1)),
                Integer.parseInt(dtb.group(2)), hex(image.group(1)), hex(image.group(2)), hex(image.group(3)),
                Long.parseLong(padding.group(1)), hex(padding.group(2)), args, initrd,
                HexFormat.of().parseHex(dump));
    }

    private static Matcher one(List<String> lines, Pattern p, QemuRunner.Result r) {
        return lines.stream().map(p::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no line matching " + p + " in:\n" + r.output()));
    }

    private static long hex(String s) {
        return Long.parseUnsignedLong(s, 16);
    }
}
