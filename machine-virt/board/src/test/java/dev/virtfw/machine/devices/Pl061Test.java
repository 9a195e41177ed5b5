package dev.virtfw.machine.devices;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.devicetree.DeviceTree;
import dev.virtfw.devicetree.Dtb;
import dev.virtfw.devicetree.Node;
import dev.virtfw.machine.bus.DeviceTreeContext;
import dev.virtfw.machine.irq.Spi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The PL061 by the TRM's registers (ARM DDI 0190) and QEMU 7.2's pl061.c interrupt model. */
class Pl061Test {
    boolean line;
    final Pl061 gpio = new Pl061(0x0903_0000L, new Spi(7, level -> line = level));

    int read(int offset) {
        return (int) gpio.read(offset, 4);
    }

    void write(int offset, int value) {
        gpio.write(offset, 4, value);
    }

    @Nested
    class Data {
        @BeforeEach
        void allOutputs() {
            write(Pl061.GPIODIR, 0xFF);
        }

        @Test
        void addressBitsNineToTwoMaskReads() {
            write(0x3FC, 0xA5);
            assertThat(read(0x3FC)).isEqualTo(0xA5);
            assertThat(read(0x0F << 2)).isEqualTo(0x05);
            assertThat(read(0x000)).isZero();
        }

        @Test
        void addressBitsMaskWrites() {
            write(0x3FC, 0xA5);
            write(0x30 << 2, 0xFF);
            assertThat(read(0x3FC)).isEqualTo(0xB5);
        }

        @Test
        void writesReachOutputsOnly() {
            write(0x3FC, 0xFF);
            write(Pl061.GPIODIR, 0x0F);
            write(0x3FC, 0x00);
            assertThat(read(0x3FC)).isEqualTo(0xF0);
        }

        @Test
        void anInputFollowsItsSourceAndAnOutputIgnoresIt() {
            write(Pl061.GPIODIR, 0xF7);
            gpio.setInput(Pl061.POWER_KEY_PIN, true);
            gpio.setInput(0, true);
            assertThat(read(0x3FC)).isEqualTo(0x08);
        }
    }

    @Nested
    class Interrupts {
        @Test
        void levelLowPinsLatchWhenSenseIsLevel() {
            write(Pl061.GPIOIS, 0xFF);
            assertThat(read(Pl061.GPIORIS)).isEqualTo(0xFF);
            assertThat(line).isFalse();
            write(Pl061.GPIOIE, 0x0F);
            assertThat(read(Pl061.GPIOMIS)).isEqualTo(0x0F);
            assertThat(line).isTrue();
        }

        @Test
        void aClearedLevelInterruptLatchesAgainWhileItsConditionHolds() {
            write(Pl061.GPIOIS, 0x01);
            write(Pl061.GPIOIC, 0xFF);
            assertThat(read(Pl061.GPIORIS)).isEqualTo(0x01);
            write(Pl061.GPIOIEV, 0x01);
            write(Pl061.GPIOIC, 0xFF);
            assertThat(read(Pl061.GPIORIS)).isZero();
        }

        @Test
        void aRisingEdgeOnAnInputLatchesWithIevSet() {
            write(Pl061.GPIOIEV, 0xFF);
            write(Pl061.GPIOIE, 0xFF);
            gpio.setInput(Pl061.POWER_KEY_PIN, true);
            assertThat(read(Pl061.GPIORIS)).isEqualTo(0x08);
            assertThat(line).isTrue();
            write(Pl061.GPIOIC, 0x08);
            gpio.setInput(Pl061.POWER_KEY_PIN, false);
            assertThat(read(Pl061.GPIORIS)).as("falling edge, IEV rising").isZero();
            assertThat(line).isFalse();
        }

        @Test
        void bothEdgesLatchWithIbe() {
            write(Pl061.GPIOIBE, 0x08);
            gpio.setInput(Pl061.POWER_KEY_PIN, true);
            write(Pl061.GPIOIC, 0xFF);
            gpio.setInput(Pl061.POWER_KEY_PIN, false);
            assertThat(read(Pl061.GPIORIS)).isEqualTo(0x08);
        }

        @Test
        void pinsTurnedIntoInputsCountAsEdges() {
            // QEMU's guest-devices measurement: data 0xb0 then 0x5a, IBE 0xf0, IEV 0x0f
            write(Pl061.GPIODIR, 0xFF);
            write(0x3FC, 0xB0);
            write(Pl061.GPIODIR, 0x00);
            write(Pl061.GPIOIC, 0xFF);
            write(Pl061.GPIOIBE, 0xF0);
            write(Pl061.GPIOIEV, 0x0F);
            write(Pl061.GPIODIR, 0xFF);
            write(0x3FC, 0x5A);
            write(Pl061.GPIODIR, 0x00);
            assertThat(read(Pl061.GPIORIS)).isEqualTo(0xEA);
        }
    }

    @Test
    void resetClearsEverythingAndLowersTheLine() {
        write(Pl061.GPIOIS, 0xFF);
        write(Pl061.GPIOIE, 0xFF);
        write(Pl061.GPIOAFSEL, 0x3C);
        gpio.reset();
        for (int off : new int[] {0x3FC, Pl061.GPIODIR, Pl061.GPIOIS, Pl061.GPIOIE, Pl061.GPIORIS, Pl061.GPIOAFSEL}) {
            assertThat(read(off)).as("0x%x", off).isZero();
        }
        assertThat(line).isFalse();
    }

    @ParameterizedTest(name = "0x{0} reads 0x{1}")
    @CsvSource({"fd0, 00", "fdc, 00", "fe0, 61", "fe4, 10", "fe8, 04", "fec, 00", "ff0, 0d", "ff4, f0", "ff8, 05",
            "ffc, b1", "41c, 00", "500, 00", "800, 00"})
    void identificationAndReservedRegisters(String offset, String value) {
        assertThat(gpio.read(Long.parseLong(offset, 16), 4)).isEqualTo(Long.parseLong(value, 16));
    }

    @Test
    void theGpioKeysNodeComesFirstAndNamesPin3OfThePl061() {
        Node root = Node.root();
        Node clock = root.addChild("apb-pclk");
        clock.putU32("phandle", 0x8000);
        gpio.addDeviceTreeNode(new DeviceTreeContext(root, clock, root.addChild("intc")));
        DeviceTree tree = Dtb.parse(Dtb.write(new DeviceTree(root)));
        assertThat(tree.root().children()).extracting(Node::name).containsExactly("apb-pclk", "intc", "gpio-keys", "pl061@9030000");
        Node key = tree.root().find("/gpio-keys/poweroff").orElseThrow();
        // QEMU numbers phandles in creation order: without an MSI controller (GICv3 with its=off) the
        // pl061 takes 0x8003, one below the usual Pl061.PHANDLE.
        assertThat(key.property("gpios").orElseThrow().asU32Array()).containsExactly(Pl061.PHANDLE - 1, 3, 0);
        assertThat(key.property("linux,code").orElseThrow().asU32()).isEqualTo(116);

        Node withMsi = Node.root();
        Node msi = withMsi.addChild("msi");
        gpio.addDeviceTreeNode(new DeviceTreeContext(withMsi, clock, withMsi.addChild("intc"), java.util.Optional.of(msi)));
        assertThat(withMsi.find("/gpio-keys/poweroff").orElseThrow().property("gpios").orElseThrow().asU32Array())
                .containsExactly(Pl061.PHANDLE, 3, 0);
    }
}
