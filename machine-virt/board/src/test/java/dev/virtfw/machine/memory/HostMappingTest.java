package dev.virtfw.machine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Host code pages: the bytes given, then read and execute only (as /proc/self/maps shows them). */
class HostMappingTest {
    @Test
    void aCodePageHoldsTheCodeAndIsReadExecuteOnly() throws Exception {
        byte[] code = {(byte) 0xC3, 0x01, 0x02, 0x03};
        MemorySegment page = HostMapping.codePage(code);
        assertThat(page).isNotNull();
        assertThat(page.address() % 4096).isZero();
        assertThat(page.reinterpret(code.length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).containsExactly(code);
        String start = Long.toHexString(page.address());
        assertThat(Files.readAllLines(Path.of("/proc/self/maps")))
                .anyMatch(l -> l.startsWith(start + "-") && l.split(" ")[1].equals("r-xp"));
    }

    @Test
    void codeLargerThanAPageIsRefused() {
        assertThatThrownBy(() -> HostMapping.codePage(new byte[4097])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostMapping.codePage(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
