package dev.virtfw.machine.boot;

import dev.virtfw.machine.ConfigException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A file given on the command line, mapped read-only (never copied into the heap). */
public final class InputFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment contents;

    private InputFile(Path path, Arena arena, MemorySegment contents) {
        this.path = path;
        this.arena = arena;
        this.contents = contents;
    }

    /** Maps {@code path}; {@code option} ("-kernel") names it in the error line. */
    public static InputFile map(Path path, String option) {
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(option + ": " + path + (Files.exists(path) ? " is not a regular file" : ": no such file"));
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.size() == 0 ? MemorySegment.NULL.reinterpret(0)
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new InputFile(path, arena, seg);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new ConfigException(option + ": " + path + ": no such file");
        } catch (IOException e) {
            arena.close();
            throw new ConfigException(option + ": cannot read " + path + ": " + e.getMessage());
        }
    }

    public Path path() {
        return path;
    }

    public MemorySegment contents() {
        return contents;
    }

    public long size() {
        return contents.byteSize();
    }

    @Override
    public void close() {
        arena.close();
    }
}
