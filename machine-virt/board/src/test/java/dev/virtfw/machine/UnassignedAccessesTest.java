package dev.virtfw.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A guest that handles the external aborts of unassigned accesses itself runs on; the operator is
 * told once per address: each as it happens with {@code --trace unassigned}, else one line at the end.
 */
class UnassignedAccessesTest {
    /** Three unassigned accesses at two addresses, each skipped by the guest's own abort handler. */
    static final String PROGRAM = """
                adr x0, vectors
                msr vbar_el1, x0
                isb
                ldr x1, =0x0b000000
                ldr w0, [x1]
                ldr w0, [x1]
                ldr x2, =0x0b001000
                str w0, [x2]
                ldr x0, =0x84000008
                hvc #0
                .balign 0x800
            vectors:
                .skip 0x200
                mrs x9, elr_el1
                add x9, x9, #4
                msr elr_el1, x9
                eret
            """;

    private static String run(boolean traced) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Guest.Run run = Guest.run(Guest.firmware(PROGRAM), "", b -> {
            b.traceOut(new PrintStream(log, true, StandardCharsets.UTF_8));
            return traced ? b.trace(UnassignedAccesses.TRACE_NAME) : b;
        });
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void untracedTheyAreSummedUpInOneLineAtTheEnd() {
        assertThat(run(false)).isEqualTo("virt: the guest accessed unassigned memory 3 times (external aborts): read of 4"
                + " bytes at unmapped address 0xb000000, pc 0x10 and 1 other address; --trace unassigned lists each\n");
    }

    @Test
    void tracedEachAddressIsReportedOnceAsItHappens() {
        assertThat(run(true)).isEqualTo("""
                unassigned: read of 4 bytes at unmapped address 0xb000000, pc 0x10
                unassigned: write of 4 bytes at unmapped address 0xb001000, pc 0x1c
                """);
    }

    @Test
    void anAccessThatEndsTheRunIsToldByItsOwnLineOnly() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Guest.Run run = Guest.run(Guest.firmware("""
                    ldr x1, =0x0b000000
                    ldr w0, [x1]
                """), "", b -> b.traceOut(new PrintStream(log, true, StandardCharsets.UTF_8)));
        assertThat(run.result().message()).isEqualTo("guest fault: read of 4 bytes at unmapped address 0xb000000, pc 0x4");
        assertThat(log.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
