package dev.virtfw.fwcfg;

/**
 * Told of every select, by the selector register, a DMA SELECT or a reset: what QEMU's
 * {@code fw_cfg_select} trace event reports. Runs on the thread that made the access; it must not
 * touch the device.
 */
@FunctionalInterface
public interface FwCfgSelectObserver {
    /**
     * @param key   the 16-bit selector value as written
     * @param valid whether it names a slot (QEMU's {@code ret}: 1), false when it is past the last
     *              file slot and the device selected FW_CFG_INVALID
     */
    void selected(int key, boolean valid);
}
