package dev.virtfw.machine.flash;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How a flash image and its journal are opened: {@link #DEFAULT} is {@link FileChannel#open}. The
 * seam lets a test hand out channels that fail where a real file system can (a final sync refused,
 * as on a full or failing disk), which no file a test can create does on demand.
 */
@FunctionalInterface
public interface FileChannelOpener {
    /** The file system's own channels. */
    FileChannelOpener DEFAULT = FileChannel::open;

    /** Opens {@code file} as {@link FileChannel#open(Path, OpenOption...)} does. */
    FileChannel open(Path file, OpenOption... options) throws IOException;
}
