package dev.virtfw.devicetree.dts;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How to compile DTS source, in dtc's terms.
 *
 * @param includeDirs where /include/ and /incbin/ look after the including file's own folder ({@code -i})
 * @param symbols whether to add {@code __symbols__} and give every labelled node a phandle ({@code -@})
 * @param phandles which phandle properties a referenced node receives ({@code -H})
 * @param bootCpu the header's boot_cpuid_phys instead of the first CPU's reg ({@code -b})
 * @param workingDir the folder relative file names start from
 */
public record DtsOptions(List<Path> includeDirs, boolean symbols, PhandleFormat phandles, OptionalInt bootCpu,
        Path workingDir) {

    /** dtc's {@code -H}: {@code legacy} (linux,phandle), {@code epapr} (phandle, the default) or {@code both}. */
    public enum PhandleFormat {
        LEGACY, EPAPR, BOTH;

        boolean legacy() {
            return this != EPAPR;
        }

        boolean epapr() {
            return this != LEGACY;
        }
    }

    public DtsOptions {
        includeDirs = List.copyOf(includeDirs);
        Objects.requireNonNull(phandles, "phandles");
        Objects.requireNonNull(bootCpu, "bootCpu");
        Objects.requireNonNull(workingDir, "workingDir");
    }

    /** dtc's defaults: no include folders, no symbols, {@code phandle} properties, paths from the current folder. */
    public static DtsOptions defaults() {
        return new DtsOptions(List.of(), false, PhandleFormat.EPAPR, OptionalInt.empty(), Path.of(""));
    }

    public DtsOptions withIncludeDirs(List<Path> dirs) {
        return new DtsOptions(dirs, symbols, phandles, bootCpu, workingDir);
    }

    public DtsOptions withSymbols(boolean on) {
        return new DtsOptions(includeDirs, on, phandles, bootCpu, workingDir);
    }

    public DtsOptions withPhandles(PhandleFormat format) {
        return new DtsOptions(includeDirs, symbols, format, bootCpu, workingDir);
    }

    public DtsOptions withBootCpu(int cpu) {
        return new DtsOptions(includeDirs, symbols, phandles, OptionalInt.of(cpu), workingDir);
    }

    public DtsOptions withWorkingDir(Path dir) {
        return new DtsOptions(includeDirs, symbols, phandles, bootCpu, dir);
    }
}
