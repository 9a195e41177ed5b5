package dev.virtfw.machine.flash;

import static dev.virtfw.machine.flash.CfiSpec.*;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A guest's writes in a loop, run as a separate JVM by {@link FlashCrashTest} and killed at random.
 * Iteration k erases block {@code 1 + k % BLOCKS} and fills it with 4 KiB buffer programs of
 * {@link #pattern}; after each iteration it prints {@code done k}.
 */
public final class FlashCrashWorker {
    static final int BLOCKS = 3;
    static final int WINDOW = 4096;
    static final long BLOCK = FlashGeometry.VIRT_SECTOR_SIZE;

    private FlashCrashWorker() {}

    /** Block (offset) iteration k rewrites. */
    static long blockOf(long k) {
        return (1 + k % BLOCKS) * BLOCK;
    }

    /** Window w of iteration k: a header (k, w) and bytes only (k, w) give. */
    static byte[] pattern(long k, int w) {
        byte[] b = new byte[WINDOW];
        new SplittableRandom(k * 1_000_003L + w).nextBytes(b);
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (k >>> (8 * i));
        }
        b[8] = (byte) w;
        b[9] = (byte) (w >>> 8);
        return b;
    }

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        long k = Long.parseLong(args[1]);
        JournaledFlashImage.Durability durability = JournaledFlashImage.Durability.valueOf(args[2]);
        try (PflashCfi01 flash = new PflashCfi01(FlashGeometry.VIRT,
                JournaledFlashImage.open(image, FlashGeometry.VIRT_BANK_SIZE, false, durability))) {
            System.out.println("ready");
            System.out.flush();
            for (;; k++) {
                long block = blockOf(k);
                bus(flash, block, CMD_BLOCK_ERASE);
                bus(flash, block, CMD_CONFIRM);
                check(flash, "erase");
                for (int w = 0; w < (int) (BLOCK / WINDOW); w++) {
                    byte[] data = pattern(k, w);
                    long window = block + (long) w * WINDOW;
                    bus(flash, block, CMD_WRITE_TO_BUFFER);
                    int words = WINDOW / 4;
                    bus(flash, block, words - 1);
                    for (int i = 0; i < words; i++) {
                        long v = (data[4 * i] & 0xFFL) | (data[4 * i + 1] & 0xFFL) << 8
                                | (data[4 * i + 2] & 0xFFL) << 16 | (data[4 * i + 3] & 0xFFL) << 24;
                        flash.write(window + 4L * i, 4, v);
                    }
                    bus(flash, block, CMD_CONFIRM);
                    check(flash, "buffer program");
                }
                bus(flash, block, CMD_READ_ARRAY);
                System.out.println("done " + k);
                System.out.flush();
            }
        }
    }

    private static void bus(PflashCfi01 flash, long offset, int value) {
        flash.write(offset, 4, (long) value << 16 | value);
    }

    private static void check(PflashCfi01 flash, String what) {
        long status = flash.read(0, 4);
        if (status != 0x0080_0080L) {
            throw new IllegalStateException(what + " failed: status 0x" + Long.toHexString(status));
        }
        bus(flash, 0, CMD_CLEAR_STATUS);
    }
}
