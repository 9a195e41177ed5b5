package dev.virtfw.machine.dt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * The host's entropy for the device tree's {@code rng-seed} and {@code kaslr-seed}, read from
 * {@code /dev/urandom} as QEMU's {@code qemu_guest_getrandom} gets it from the kernel. A
 * {@link SecureRandom} does the same but first initialises the JDK's security providers: ~20 ms of
 * the board's start-up in a class-loading profile, for 40 bytes. It is the fallback when
 * {@code /dev/urandom} cannot be read.
 */
public final class HostEntropy implements RandomGenerator {
    private static final Path URANDOM = Path.of("/dev/urandom");
    private final ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private FileChannel urandom;
    private SecureRandom fallback;

    @Override
    public synchronized long nextLong() {
        if (fallback == null) {
            try {
                if (urandom == null) {
                    urandom = FileChannel.open(URANDOM, StandardOpenOption.READ);
                }
                buffer.clear();
                while (buffer.hasRemaining()) {
                    if (urandom.read(buffer) < 0) {
                        throw new IOException("end of " + URANDOM);
                    }
                }
                return buffer.getLong(0);
            } catch (IOException | SecurityException e) {
                fallback = new SecureRandom();
            }
        }
        return fallback.nextLong();
    }
}
