package dev.virtfw.fwcfg;

import static dev.virtfw.fwcfg.FwCfgSpec.*;

/**
 * Run in a fresh JVM by {@link FwCfgTracingTest}: selects, DMA transfers and a refused access with
 * no Flight Recorder anywhere, then says whether JFR's internals were loaded.
 */
public final class NoRecorderMain {
    private NoRecorderMain() {}

    public static void main(String[] args) throws Exception {
        try (GuardedRam ram = new GuardedRam(1 << 16);
                FwCfgDevice device = new FwCfgDevice(FwCfgItems.create().addFileString("opt/a", "abc"), ram)) {
            Guest guest = new Guest(device, ram);
            guest.select(FW_CFG_FILE_FIRST);
            guest.dma(ram.base, FW_CFG_ID << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, ram.base + 0x100);
            guest.trigger64(0x1000);
            device.read(FW_CFG_CTL_OFFSET, 2);
        }
        System.out.println("done");
    }
}
