package dev.virtfw.devicetree.dts;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles devicetree source as dtc 1.6.1 does: the whole DTS language (/dts-v1/, /plugin/,
 * /memreserve/, labels, {@code &label} and {@code &{/path}} references, node merging, deletions,
 * /omit-if-no-ref/, /include/, /incbin/, /bits/, character literals, C integer expressions,
 * escaped strings, byte strings, mixed values), then dtc's error-level checks and fixups
 * (phandles allocated as dtc allocates them), then {@code __symbols__} with {@code -@} and
 * {@code __fixups__}/{@code __local_fixups__} for a plugin.
 *
 * <pre>{@code
 * CompiledDts tree = DtsCompiler.compile(Path.of("board.dts"), DtsOptions.defaults().withSymbols(true));
 * byte[] dtb = tree.toDtb();          // the bytes dtc -@ -O dtb writes
 * String dts = tree.toDts();          // what dtc -@ -O dts prints
 * }</pre>
 *
 * A source dtc refuses throws {@link DtsException} with dtc's first error line.
 */
public final class DtsCompiler {
    private DtsCompiler() {}

    /** Compiles a file (its name as given is the name in messages, as dtc shows it). */
    public static CompiledDts compile(Path file, DtsOptions options) {
        SourceFiles files = files(options);
        String name = file.toString();
        String text = files.readText(name);
        return compile(files, text, name, options);
    }

    /** Compiles source text; {@code name} stands for the file in messages and anchors relative /include/ paths. */
    public static CompiledDts compile(String name, String source, DtsOptions options) {
        String latin1 = new String(source.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        return compile(files(options), latin1, name, options);
    }

    /** Compiles source bytes (as read from a file). */
    public static CompiledDts compile(String name, byte[] source, DtsOptions options) {
        return compile(files(options), new String(source, StandardCharsets.ISO_8859_1), name, options);
    }

    private static SourceFiles files(DtsOptions options) {
        List<String> dirs = new ArrayList<>();
        for (Path p : options.includeDirs()) {
            dirs.add(p.toString());
        }
        return new SourceFiles(options.workingDir(), dirs);
    }

    private static CompiledDts compile(SourceFiles files, String text, String name, DtsOptions options) {
        return DeepStack.call(() -> compileOnThisThread(files, text, name, options));
    }

    private static CompiledDts compileOnThisThread(SourceFiles files, String text, String name, DtsOptions options) {
        DtsLexer lexer = new DtsLexer(files, text, name, SourceFiles.dirOf(name));
        DtsParser.Parsed parsed = new DtsParser(lexer, files).parse();
        int bootCpu = options.bootCpu().orElse(parsed.bootCpuid());
        Checks.fillFullpaths(parsed.root(), "");
        Checks checks = new Checks(parsed.root(), parsed.plugin(), options);
        checks.run();
        if (options.symbols()) {
            checks.generateSymbols();
        }
        if (parsed.plugin()) {
            checks.generateFixups();
        }
        return new CompiledDts(parsed.root(), parsed.reserves(), bootCpu, parsed.plugin());
    }
}
