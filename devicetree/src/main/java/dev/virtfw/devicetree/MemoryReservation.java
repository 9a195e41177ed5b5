package dev.virtfw.devicetree;

/** One entry of the memory reservation block (Devicetree Specification 5.3): physical address and size. */
public record MemoryReservation(long address, long size) {}
