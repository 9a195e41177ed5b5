package dev.virtfw.fwcfg;

import static dev.virtfw.fwcfg.FwCfgSpec.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What QEMU's fw_cfg_select trace event reports: every select with its key, name and whether it took. */
@DisplayName("Select observer and QEMU's key names")
class FwCfgSelectObserverTest {
    record Seen(int key, boolean valid) {}

    @Test
    @DisplayName("selector writes, DMA SELECTs and resets are reported, an invalid key as not valid")
    void everySelectIsReported() {
        List<Seen> seen = new ArrayList<>();
        try (GuardedRam ram = new GuardedRam(1 << 16);
                FwCfgDevice device = new FwCfgDevice(FwCfgItems.create().addFileString("opt/a", "abc"), ram)) {
            device.observeSelects((key, valid) -> seen.add(new Seen(key, valid)));
            Guest guest = new Guest(device, ram);
            guest.select(FW_CFG_KERNEL_DATA);
            // 0x40 is past the last of the default 0x20 file slots: QEMU's ret 0
            guest.select(0x40);
            guest.select(FW_CFG_FILE_FIRST);
            // the write channel and arch-local bits are masked off when QEMU checks the slot
            guest.select(FW_CFG_WRITE_CHANNEL | FW_CFG_ID);
            guest.dma(ram.base, FW_CFG_ID << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, ram.base + 0x100);
            // a DMA without SELECT reads on from the current item and selects nothing
            guest.dma(ram.base, FW_CFG_DMA_CTL_READ, 4, ram.base + 0x100);
            device.reset();
            device.observeSelects(null);
            guest.select(FW_CFG_ID);
        }
        assertThat(seen).containsExactly(new Seen(FW_CFG_KERNEL_DATA, true), new Seen(0x40, false),
                new Seen(FW_CFG_FILE_FIRST, true), new Seen(FW_CFG_WRITE_CHANNEL | FW_CFG_ID, true),
                new Seen(FW_CFG_ID, true), new Seen(FW_CFG_SIGNATURE, true));
    }

    @Test
    @DisplayName("key names are QEMU's (its 'initdr_size' included); files and unnamed keys are 'unknown'")
    void keyNamesAreQemus() {
        assertThat(keyName(FW_CFG_SIGNATURE)).isEqualTo("signature");
        assertThat(keyName(FW_CFG_KERNEL_DATA)).isEqualTo("kernel_data");
        assertThat(keyName(FW_CFG_INITRD_SIZE)).isEqualTo("initdr_size");
        assertThat(keyName(FW_CFG_INITRD_DATA)).isEqualTo("initrd_data");
        assertThat(keyName(FW_CFG_CMDLINE_SIZE)).isEqualTo("cmdline_size");
        assertThat(keyName(FW_CFG_FILE_DIR)).isEqualTo("file_dir");
        assertThat(keyName(0x1a)).isEqualTo("unknown");
        assertThat(keyName(FW_CFG_FILE_FIRST)).isEqualTo("unknown");
        assertThat(keyName(FW_CFG_WRITE_CHANNEL | FW_CFG_ID)).isEqualTo("unknown");
        assertThat(keyName(FW_CFG_ARCH_LOCAL)).isEqualTo("unknown");
        assertThat(keyName(FW_CFG_INVALID)).isEqualTo("unknown");
    }
}
