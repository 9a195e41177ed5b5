package dev.virtfw.devicetree.dts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * What cpp and dtc gave for the kernel corpus, kept under {@code target/} so that a second test
 * run starts no process for a source it has seen: the kernel tree is unpacked once and never
 * changes, so a result is keyed by the tree, the tools' versions, the command and the source.
 * {@code mvn clean} (or a new tree or tool) starts afresh.
 */
final class ToolCache {
    private final Path dir;

    private ToolCache(Path dir) {
        this.dir = dir;
    }

    /** The cache for this kernel tree and the installed cpp and dtc, under {@code target/tool-cache}. */
    static ToolCache forTree(Path scratch, Path tree) {
        String versions = Dtc.run(scratch, scratch, List.of("dtc", "--version")).text()
                + Dtc.run(scratch, scratch, List.of("cpp", "--version")).text();
        Path marker = tree.resolve(".complete");
        String stamp;
        try {
            stamp = tree.toAbsolutePath() + "\n" + (Files.exists(marker) ? Files.getLastModifiedTime(marker) : "") + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ToolCache(Path.of("target", "tool-cache", hash(stamp + versions).substring(0, 16)).toAbsolutePath());
    }

    static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A stable file for {@code name} in the cache (a preprocessed source, say), written by {@code make} when missing. */
    Path file(String name, java.util.function.Consumer<Path> make) {
        Path target = dir.resolve(name);
        if (Files.exists(target)) {
            return target;
        }
        try {
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, "partial", ".tmp");
            make.accept(partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The run stored under {@code key}, or {@code run}'s result, stored for next time. */
    Dtc.Run run(String key, Supplier<Dtc.Run> run) {
        Path base = dir.resolve("runs").resolve(hash(key));
        Path out = base.resolveSibling(base.getFileName() + ".out");
        Path err = base.resolveSibling(base.getFileName() + ".err");
        Path status = base.resolveSibling(base.getFileName() + ".status");
        try {
            if (Files.exists(status)) {
                return new Dtc.Run(Integer.parseInt(Files.readString(status).strip()), Files.readAllBytes(out),
                        Files.readString(err, StandardCharsets.ISO_8859_1));
            }
            Dtc.Run fresh = run.get();
            Files.createDirectories(base.getParent());
            Files.write(out, fresh.out());
            Files.writeString(err, fresh.err(), StandardCharsets.ISO_8859_1);
            Files.writeString(status, Integer.toString(fresh.status())); // written last: marks the entry complete
            return fresh;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
