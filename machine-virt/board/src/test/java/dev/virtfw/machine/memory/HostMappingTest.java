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
        // the mapping that holds the page (the kernel merges it with a neighbour of the same kind)
        long at = page.address();
        String holder = Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> {
            String[] range = l.split(" ")[0].split("-");
            return Long.parseUnsignedLong(range[0], 16) <= at && at < Long.parseUnsignedLong(range[1], 16);
        }).findFirst().orElseThrow();
        assertThat(holder.split(" ")[1]).as(holder).isEqualTo("r-xp");
    }

    @Test
    void codeLargerThanAPageIsRefused() {
        assertThatThrownBy(() -> HostMapping.codePage(new byte[4097])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostMapping.codePage(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
