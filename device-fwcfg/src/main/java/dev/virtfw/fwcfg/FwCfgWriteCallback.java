package dev.virtfw.fwcfg;

/** Told after a guest DMA WRITE stored {@code length} bytes at {@code offset} of a writable item. */
@FunctionalInterface
public interface FwCfgWriteCallback {
    /**
     * @param item   the item written; {@link FwCfgItem#contents()} already holds the new bytes
     * @param offset where in the item the write started
     * @param length how many bytes were written (at least 1)
     */
    void written(FwCfgItem item, long offset, long length);
}
