package dev.virtfw.fwcfg;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event: an MMIO access that QEMU refuses reached the device and was ignored. Off by default. */
@Name(FwCfgRefusedAccessEvent.NAME)
@Label("fw_cfg refused access")
@Category({"virtfw", "fw_cfg"})
@Description("An MMIO access of a width or offset the fw_cfg registers do not take")
@Enabled(false)
@StackTrace(false)
public final class FwCfgRefusedAccessEvent extends Event {
    public static final String NAME = "dev.virtfw.fwcfg.RefusedAccess";

    @Label("Offset")
    public long offset;

    @Label("Size")
    public int size;

    @Label("Write")
    public boolean write;

    @Label("Value")
    public long value;
}
