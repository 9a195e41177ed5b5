package dev.virtfw.machine.demo;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the boot loader and the test kernel printed, read from their console lines (formats in
 * testdata's README): the {@code TIME} lines and the CRCs the kernel computed.
 *
 * @param times         every {@code TIME <what> <bytes> <ticks> <freq>} line, in order
 * @param loaderMode    {@code dma} or {@code legacy} from {@code BOOT fw_cfg ... mode=}, if printed
 * @param initrd        the kernel's {@code KERNEL initrd ... size=<n> crc32=<hex>}, if printed
 * @param padding       the kernel's {@code KERNEL padding bytes=<n> crc32=<hex>}, if printed
 * @param poweredOff    whether the kernel printed {@code KERNEL poweroff}
 * @param errors        {@code BOOT error} and {@code EXCEPTION} lines
 */
public record BootLog(List<TimeLine> times, Optional<String> loaderMode, Optional<SizedCrc> initrd,
        Optional<SizedCrc> padding, boolean poweredOff, List<String> errors) {

    /** One {@code TIME} line: {@code ticks} of CNTPCT_EL0 (an interval, or absolute for the entry points). */
    public record TimeLine(String what, long bytes, long ticks, long frequency) {
        /** {@code ticks} in seconds. */
        public double seconds() {
            return (double) ticks / frequency;
        }
    }

    /** A size and a CRC-32 the guest reported. */
    public record SizedCrc(long size, long crc32) {
    }

    /** The boot loader's first act: absolute counter value. */
    public static final String BOOTLOADER_ENTRY = "bootloader-entry";
    /** The kernel's first act: absolute counter value. */
    public static final String KERNEL_ENTRY = "kernel-entry";

    private static final Pattern TIME = Pattern.compile("^TIME (\\S+) (\\d+) (\\d+) (\\d+)$");
    private static final Pattern MODE = Pattern.compile("^BOOT fw_cfg .*\\bmode=(\\w+)");
    private static final Pattern INITRD = Pattern.compile("^KERNEL initrd .*\\bsize=(\\d+) crc32=([0-9a-f]{8})$");
    private static final Pattern PADDING = Pattern.compile("^KERNEL padding bytes=(\\d+) crc32=([0-9a-f]{8})$");

    public BootLog {
        times = List.copyOf(times);
        errors = List.copyOf(errors);
    }

    /** Reads the lines of one boot's console; lines in other shapes are ignored. */
    public static BootLog parse(List<String> lines) {
        List<TimeLine> times = new ArrayList<>();
        String mode = null;
        SizedCrc initrd = null;
        SizedCrc padding = null;
        boolean off = false;
        List<String> errors = new ArrayList<>();
        for (String line : lines) {
            Matcher m;
            if ((m = TIME.matcher(line)).matches()) {
                long freq = Long.parseLong(m.group(4));
                if (freq > 0) {
                    times.add(new TimeLine(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), freq));
                }
            } else if ((m = MODE.matcher(line)).find()) {
                mode = m.group(1);
            } else if ((m = INITRD.matcher(line)).matches()) {
                initrd = sizedCrc(m);
            } else if ((m = PADDING.matcher(line)).matches()) {
                padding = sizedCrc(m);
            } else if (line.equals("KERNEL poweroff")) {
                off = true;
            } else if (line.startsWith("BOOT error") || line.startsWith("EXCEPTION ")) {
                errors.add(line);
            }
        }
        return new BootLog(times, Optional.ofNullable(mode), Optional.ofNullable(initrd), Optional.ofNullable(padding),
                off, errors);
    }

    private static SizedCrc sizedCrc(Matcher m) {
        return new SizedCrc(Long.parseLong(m.group(1)), HexFormat.fromHexDigitsToLong(m.group(2)));
    }

    /** The first {@code TIME} line named {@code what}. */
    public Optional<TimeLine> time(String what) {
        return times.stream().filter(t -> t.what().equals(what)).findFirst();
    }

    /** Seconds between two absolute {@code TIME} lines, when both were printed with the same frequency. */
    public Optional<Double> secondsBetween(String from, String to) {
        Optional<TimeLine> a = time(from);
        Optional<TimeLine> b = time(to);
        if (a.isEmpty() || b.isEmpty() || a.get().frequency() != b.get().frequency()) {
            return Optional.empty();
        }
        return Optional.of((double) (b.get().ticks() - a.get().ticks()) / a.get().frequency());
    }
}
