package dev.virtfw.machine.cli;

import dev.virtfw.machine.MachineConfig;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * What {@code ./virt} runs when it is given no arguments: a built-in demonstration (firmware and
 * payloads from the testdata module). Found with {@link ServiceLoader}; with none on the class path
 * the command asks for arguments instead.
 */
public interface DemoProvider {
    /** Completes {@code base} (console, limits already set) into the demo's configuration. */
    MachineConfig.Builder demo(MachineConfig.Builder base);

    /** The first provider on the class path. */
    static Optional<DemoProvider> find() {
        return ServiceLoader.load(DemoProvider.class).findFirst();
    }
}
