package dev.virtfw.fwcfg;

import static dev.virtfw.fwcfg.FwCfgSpec.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Observability: selects, DMA transfers and refused accesses as JDK Flight Recorder events. */
@DisplayName("Tracing (JFR events)")
class FwCfgTracingTest {
    @TempDir
    Path dir;

    List<RecordedEvent> record(boolean enable) throws Exception {
        try (Recording recording = new Recording()) {
            if (enable) {
                recording.enable(FwCfgSelectEvent.NAME);
                recording.enable(FwCfgDmaEvent.NAME);
                recording.enable(FwCfgRefusedAccessEvent.NAME);
            }
            recording.start();
            try (GuardedRam ram = new GuardedRam(1 << 16);
                    FwCfgDevice device = new FwCfgDevice(FwCfgItems.create().addFileString("opt/a", "abc"), ram)) {
                Guest guest = new Guest(device, ram);
                guest.select(0x40);
                guest.select(FW_CFG_FILE_FIRST);
                guest.dma(ram.base, FW_CFG_ID << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, ram.base + 0x100);
                guest.dma(ram.base, FW_CFG_DMA_CTL_WRITE, 4, ram.base + 0x100);
                guest.trigger64(0x1000);
                device.read(FW_CFG_CTL_OFFSET, 2);
            }
            recording.stop();
            Path file = dir.resolve(enable ? "on.jfr" : "off.jfr");
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().startsWith("dev.virtfw.fwcfg.")).toList();
        }
    }

    @Test
    @DisplayName("every select is an event with its key, whether it was valid, and whether DMA made it")
    void selectEvents() throws Exception {
        List<RecordedEvent> selects = record(true).stream()
                .filter(e -> e.getEventType().getName().equals(FwCfgSelectEvent.NAME)).toList();
        // The device selects SIGNATURE at reset, then the guest selects 0x40, 0x20 and (by DMA) ID.
        assertThat(selects).extracting(e -> e.getInt("key")).containsExactly(0, 0x40, 0x20, 1);
        assertThat(selects).extracting(e -> e.getBoolean("valid")).containsExactly(true, false, true, true);
        assertThat(selects).extracting(e -> e.getBoolean("dma")).containsExactly(false, false, false, true);
        assertThat(selects.get(2).getLong("size")).isEqualTo(3);
    }

    @Test
    @DisplayName("every DMA transfer is an event with key, operation, length and result; errors say why")
    void dmaEvents() throws Exception {
        List<RecordedEvent> dma = record(true).stream()
                .filter(e -> e.getEventType().getName().equals(FwCfgDmaEvent.NAME)).toList();
        assertThat(dma).extracting(e -> e.getString("operation")).containsExactly("READ", "WRITE", "DESCRIPTOR_UNREADABLE");
        assertThat(dma.get(0).getInt("key")).isEqualTo(FW_CFG_ID);
        assertThat(dma.get(0).getLong("length")).isEqualTo(4);
        assertThat(dma.get(0).getInt("result")).isZero();
        assertThat(dma.get(1).getInt("result")).isEqualTo(FW_CFG_DMA_CTL_ERROR);
        assertThat(dma.get(1).getString("detail")).contains("past the end");
        assertThat(dma.get(2).getLong("descriptor")).isEqualTo(0x1000);
    }

    @Test
    @DisplayName("a refused access is an event with offset, size and direction")
    void refusedEvents() throws Exception {
        List<RecordedEvent> refused = record(true).stream()
                .filter(e -> e.getEventType().getName().equals(FwCfgRefusedAccessEvent.NAME)).toList();
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).getLong("offset")).isEqualTo(FW_CFG_CTL_OFFSET);
        assertThat(refused.get(0).getInt("size")).isEqualTo(2);
        assertThat(refused.get(0).getBoolean("write")).isFalse();
    }

    @Test
    @DisplayName("tracing is off by default: a recording that does not name the events gets none")
    void offByDefault() throws Exception {
        assertThat(record(false)).isEmpty();
        for (Class<? extends jdk.jfr.Event> type : List.of(FwCfgSelectEvent.class, FwCfgDmaEvent.class,
                FwCfgRefusedAccessEvent.class)) {
            assertThat(EventType.getEventType(type).isEnabled()).as(type.getSimpleName()).isFalse();
        }
        assertThat(FlightRecorder.isInitialized()).isTrue();
    }

    @Test
    @DisplayName("free when off: with no recorder, the device never loads JFR's internals (about 120 ms of start-up)")
    void noRecorderNoJfr() throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(javaBin, "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"),
                NoRecorderMain.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("done").contains(FwCfgDevice.class.getName());
        assertThat(out.lines().filter(l -> l.contains("jdk.jfr.internal.")).toList())
                .as("JFR classes loaded without a recorder").isEmpty();
        assertThat(out).doesNotContain(FwCfgSelectEvent.class.getName() + " ");
    }
}
