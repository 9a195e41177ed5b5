package dev.virtfw.testdata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Linux test guest's {@code /init} ({@link LinuxGuest}) read from Linux's fw_cfg driver
 * in sysfs, parsed from a console. Only the guest's own lines count: kernel messages, their
 * timestamps, carriage returns and anything printed before the marker on a line are ignored.
 * Two runs that read the same device give equal reports, whatever the board and its timing.
 *
 * @param rev    {@code /sys/firmware/qemu_fw_cfg/rev}: 1 traditional interface, 3 with DMA; empty
 *               when the driver did not show it (see {@link #errors()})
 * @param items  one per file under {@code by_name/}, in the guest's order (sorted by name)
 * @param errors the {@code error} lines: what {@code /init} could not do
 */
public record FwCfgSysfsReport(OptionalInt rev, List<Item> items, List<String> errors) {
    /**
     * One fw_cfg file as the driver shows it.
     *
     * @param name       its fw_cfg name, a path below {@code by_name/} (e.g. {@code etc/boot-fail-wait})
     * @param key        its selector ({@code by_key/<key>/key})
     * @param size       {@code size}
     * @param sha256     SHA-256 of {@code raw}, lower-case hex
     * @param contentHex the bytes of {@code raw} as lower-case hex, for items under {@code opt/}
     *                   of at most {@link LinuxGuest#CONTENT_LIMIT} bytes
     */
    public record Item(String name, int key, long size, String sha256, Optional<String> contentHex) {
        public Item {
            Objects.requireNonNull(name);
            Objects.requireNonNull(sha256);
            Objects.requireNonNull(contentHex);
        }

        /** The content decoded as UTF-8, when it was printed. */
        public Optional<String> text() {
            return contentHex.map(h -> new String(HexFormat.of().parseHex(h), StandardCharsets.UTF_8));
        }
    }

    private static final Pattern REV = Pattern.compile("rev (\\d+)");
    private static final Pattern ITEM = Pattern.compile(
            "item key=(\\d+) size=(\\d+) sha256=(\\p{XDigit}{64}) name=(\\S+)");
    private static final Pattern CONTENT = Pattern.compile("content hex=(\\p{XDigit}*) name=(\\S+)");
    private static final Pattern END = Pattern.compile("end items=(\\d+)");

    public FwCfgSysfsReport {
        Objects.requireNonNull(rev);
        items = List.copyOf(items);
        errors = List.copyOf(errors);
    }

    /** The item names, in the guest's order. */
    public List<String> names() {
        return items.stream().map(Item::name).toList();
    }

    /** The item called {@code name}. */
    public Optional<Item> item(String name) {
        return items.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /**
     * The guest's lines of a console, from the marker on, without the marker and the line ends
     * ({@code "start"}, {@code "rev 3"}, ...).
     */
    public static List<String> guestLines(String console) {
        List<String> lines = new ArrayList<>();
        for (String line : console.lines().toList()) {
            int at = line.indexOf(LinuxGuest.MARKER);
            if (at >= 0) {
                lines.add(line.substring(at + LinuxGuest.MARKER.length()).strip());
            }
        }
        return lines;
    }

    /**
     * Parses the report from a whole console.
     *
     * @throws IllegalArgumentException (one line) when the console has no start line, no end line,
     *                                  a guest line of unknown shape, or an end count that differs
     *                                  from the items seen
     */
    public static FwCfgSysfsReport parse(String console) {
        List<String> lines = guestLines(console);
        int start = lines.indexOf("start");
        if (start < 0) {
            throw new IllegalArgumentException("no \"" + LinuxGuest.START_LINE + "\" line on the console: /init did not run");
        }
        OptionalInt rev = OptionalInt.empty();
        Map<String, Item> items = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            Matcher m;
            if ((m = REV.matcher(line)).matches()) {
                rev = OptionalInt.of(Integer.parseInt(m.group(1)));
            } else if ((m = ITEM.matcher(line)).matches()) {
                items.put(m.group(4), new Item(m.group(4), Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)),
                        m.group(3).toLowerCase(java.util.Locale.ROOT), Optional.empty()));
            } else if ((m = CONTENT.matcher(line)).matches()) {
                Item item = items.get(m.group(2));
                if (item == null) {
                    throw new IllegalArgumentException("content line for " + m.group(2) + " before its item line");
                }
                items.put(item.name(), new Item(item.name(), item.key(), item.size(), item.sha256(),
                        Optional.of(m.group(1).toLowerCase(java.util.Locale.ROOT))));
            } else if (line.startsWith("error ")) {
                errors.add(line.substring("error ".length()));
            } else if ((m = END.matcher(line)).matches()) {
                int count = Integer.parseInt(m.group(1));
                if (count != items.size()) {
                    throw new IllegalArgumentException("the guest listed " + count + " items but " + items.size()
                            + " item lines reached the console");
                }
                return new FwCfgSysfsReport(rev, new ArrayList<>(items.values()), errors);
            } else {
                throw new IllegalArgumentException("unexpected guest line: " + LinuxGuest.MARKER + " " + line);
            }
        }
        throw new IllegalArgumentException("no \"" + LinuxGuest.END_PREFIX + " items=<n>\" line on the console: /init did not finish");
    }
}
