package dev.virtfw.machine.unicorn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExceptionRecordLayoutTest {
    @Test
    void theProbeFindsExactlyOneOffsetWhereTheCpuKeepsItsExceptionRecord() {
        // measure() refuses zero or several candidate offsets, so reaching here means one was found;
        // reading a snapshot of a fresh engine through it must give a record the CPU could hold.
        ExceptionRecordLayout layout = ExceptionRecordLayout.get();
        assertThat(layout).isNotNull();
    }
}
