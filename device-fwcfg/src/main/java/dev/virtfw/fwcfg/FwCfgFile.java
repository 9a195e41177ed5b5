package dev.virtfw.fwcfg;

/**
 * One entry of the fw_cfg file directory as the guest sees it.
 *
 * @param name   the file name (at most 55 bytes of UTF-8)
 * @param select the selector the file is read through (FW_CFG_FILE_FIRST and up, in name order)
 * @param size   the file's length in bytes
 */
public record FwCfgFile(String name, int select, long size) {
}
