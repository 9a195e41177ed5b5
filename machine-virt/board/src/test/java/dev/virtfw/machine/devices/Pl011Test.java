package dev.virtfw.machine.devices;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.console.Console;
import dev.virtfw.machine.console.ConsoleInput;
import dev.virtfw.machine.console.ConsoleOutput;
import dev.virtfw.machine.console.ScriptedInput;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The PL011 by the TRM's register descriptions (ARM DDI 0183). */
class Pl011Test {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Pl011 uart(String input) {
        return new Pl011(0x0900_0000L, Console.scripted(input, out));
    }

    @Nested
    class FlagRegister {
        @Test
        void atResetTransmitEmptyAndReceiveEmpty() {
            assertThat(uart("").read(Pl011.UARTFR, 4)).isEqualTo(Pl011.FR_TXFE | Pl011.FR_RXFE);
        }

        @Test
        void aWaitingByteClearsRxfeAndFillsTheOneByteHoldingRegister() {
            Pl011 u = uart("a");
            assertThat(u.read(Pl011.UARTFR, 4)).isEqualTo(Pl011.FR_TXFE | Pl011.FR_RXFF);
            assertThat(u.read(Pl011.UARTDR, 4)).isEqualTo('a');
            assertThat(u.read(Pl011.UARTFR, 4)).isEqualTo(Pl011.FR_TXFE | Pl011.FR_RXFE);
        }

        @Test
        void withFifosEnabledRxffOnlyWhen32BytesWait() {
            Pl011 u = uart("x".repeat(40));
            u.write(Pl011.UARTLCR_H, 4, Pl011.LCR_H_FEN);
            assertThat(u.read(Pl011.UARTFR, 4) & (Pl011.FR_RXFF | Pl011.FR_RXFE)).isEqualTo(Pl011.FR_RXFF);
            for (int i = 0; i < 8; i++) {
                u.read(Pl011.UARTDR, 4);
            }
            // each read was topped up from the 8 bytes still waiting: 32 in the FIFO
            assertThat(u.read(Pl011.UARTFR, 4) & Pl011.FR_RXFF).isEqualTo(Pl011.FR_RXFF);
            u.read(Pl011.UARTDR, 4);
            // input exhausted: 31 left, neither full nor empty
            assertThat(u.read(Pl011.UARTFR, 4) & (Pl011.FR_RXFF | Pl011.FR_RXFE)).isZero();
        }

        @Test
        void transmitIsNeverFullOrBusy() {
            Pl011 u = uart("");
            for (int i = 0; i < 100; i++) {
                u.write(Pl011.UARTDR, 4, 'z');
            }
            assertThat(u.read(Pl011.UARTFR, 4) & (Pl011.FR_TXFF | Pl011.FR_BUSY)).isZero();
            assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("z".repeat(100));
        }
    }

    @Test
    void receivedBytesComeInOrderAndAnEmptyFifoReadsZero() {
        Pl011 u = uart("hi");
        assertThat(u.read(Pl011.UARTDR, 4)).isEqualTo('h');
        assertThat(u.read(Pl011.UARTDR, 1)).isEqualTo('i');
        assertThat(u.read(Pl011.UARTDR, 4)).isZero();
    }

    @Test
    void waitingForInputShowsTheOutputSoFar() {
        int[] flushes = new int[1];
        ConsoleOutput counting = new ConsoleOutput() {
            @Override
            public void write(int b) {}

            @Override
            public void flush() {
                flushes[0]++;
            }
        };
        Pl011 u = new Pl011(0, new Console(ConsoleInput.none(), counting));
        u.read(Pl011.UARTFR, 4);
        assertThat(flushes[0]).isEqualTo(1);
    }

    @ParameterizedTest(name = "ID register at 0x{0}")
    @CsvSource({"fe0, 0x11", "fe4, 0x10", "fe8, 0x14", "fec, 0x00", "ff0, 0x0d", "ff4, 0xf0", "ff8, 0x05", "ffc, 0xb1"})
    void primeCellIdentification(String offset, String value) {
        assertThat(uart("").read(Long.parseLong(offset, 16), 4)).isEqualTo(Long.decode(value));
    }

    @ParameterizedTest(name = "0x{0} keeps 0x{1}")
    @CsvSource({"024, ffff", "028, 3f", "02c, ff", "030, ffff", "034, 3f", "038, 7ff", "048, 7", "020, ff"})
    void controlRegistersHoldWhatIsWrittenWithinTheirWidth(String offset, String mask) {
        Pl011 u = uart("");
        long off = Long.parseLong(offset, 16);
        u.write(off, 4, 0xFFFF_FFFFL);
        assertThat(u.read(off, 4)).isEqualTo(Long.parseLong(mask, 16));
    }

    @Test
    void resetValuesOfControlAndFifoLevel() {
        Pl011 u = uart("");
        assertThat(u.read(Pl011.UARTCR, 4)).isEqualTo(Pl011.CR_RESET);
        assertThat(u.read(Pl011.UARTIFLS, 4)).isEqualTo(Pl011.IFLS_RESET);
    }

    @Test
    void rawInterruptStatusFollowsTheFifosAndIcrClearsIt() {
        Pl011 u = uart("q");
        u.write(Pl011.UARTDR, 4, 'x');
        assertThat(u.read(Pl011.UARTRIS, 4)).isEqualTo(Pl011.INT_RX | Pl011.INT_TX);
        u.write(Pl011.UARTIMSC, 4, Pl011.INT_RX);
        assertThat(u.read(Pl011.UARTMIS, 4)).isEqualTo(Pl011.INT_RX);
        u.write(Pl011.UARTICR, 4, Pl011.INT_TX);
        assertThat(u.read(Pl011.UARTRIS, 4)).isEqualTo(Pl011.INT_RX);
        u.read(Pl011.UARTDR, 4);
        assertThat(u.read(Pl011.UARTRIS, 4)).isZero();
    }

    @Test
    void scriptedInputOffersEachByteOnce() {
        ScriptedInput in = new ScriptedInput(new byte[] {1, (byte) 0xff});
        assertThat(in.poll()).isEqualTo(1);
        assertThat(in.poll()).isEqualTo(0xff);
        assertThat(in.poll()).isEqualTo(ConsoleInput.NONE);
    }
}
