package dev.virtfw.fwcfg;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event: the guest selected an item, through the selector register or a DMA SELECT. Off by default. */
@Name(FwCfgSelectEvent.NAME)
@Label("fw_cfg select")
@Category({"virtfw", "fw_cfg"})
@Description("A fw_cfg selector write or DMA SELECT")
@Enabled(false)
@StackTrace(false)
public final class FwCfgSelectEvent extends Event {
    public static final String NAME = "dev.virtfw.fwcfg.Select";

    @Label("Key")
    public int key;

    @Label("Valid")
    @Description("false when the key is past the last file slot (QEMU's FW_CFG_INVALID)")
    public boolean valid;

    @Label("Size")
    @Description("length of the selected item in bytes (0 for none)")
    public long size;

    @Label("Via DMA")
    public boolean dma;
}
