package dev.virtfw.fwcfg;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.MemoryAddress;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event: one DMA transfer, from the trigger to the control write-back. Off by default. */
@Name(FwCfgDmaEvent.NAME)
@Label("fw_cfg DMA transfer")
@Category({"virtfw", "fw_cfg"})
@Description("A fw_cfg FWCfgDmaAccess descriptor executed (or refused)")
@Enabled(false)
@StackTrace(false)
public final class FwCfgDmaEvent extends Event {
    public static final String NAME = "dev.virtfw.fwcfg.Dma";

    @Label("Descriptor")
    @MemoryAddress
    @Description("guest-physical address of the FWCfgDmaAccess descriptor")
    public long descriptor;

    @Label("Key")
    @Description("the item selected when the operation ran (0xffff: none)")
    public int key;

    @Label("Operation")
    @Description("READ, WRITE, SKIP, NONE, or DESCRIPTOR_UNREADABLE")
    public String operation;

    @Label("Control")
    @Description("the control word the guest wrote")
    public int control;

    @Label("Length")
    public long length;

    @Label("Address")
    @MemoryAddress
    public long address;

    @Label("Result")
    @Description("the control word written back: 0 or ERROR")
    public int result;

    @Label("Detail")
    @Description("why ERROR was set, empty on success")
    public String detail;
}
