package dev.virtfw.machine.bus;

import dev.virtfw.machine.console.Console;
import dev.virtfw.machine.memory.GuestRam;

/**
 * What the board offers a device it creates from configuration.
 *
 * @param ram     guest RAM (bounds-checked views, DMA)
 * @param console the machine's console (input and output)
 */
public record DeviceEnvironment(GuestRam ram, Console console) {}
