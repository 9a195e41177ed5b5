package dev.virtfw.machine.irq;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.memory.GuestRam;
import dev.virtfw.machine.unicorn.SysReg;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GICv3 model against the architecture (Arm IHI 0069) where the guest-gicv3 firmware, which
 * holds it to QEMU 7.2 register by register, does not reach: LPIs and their tables in guest RAM,
 * EOImode 1 with ICC_DIR_EL1, preemption by the binary point, the common binary point, and the
 * active-priority registers. Registers are driven as the CPU and the bus drive them.
 */
class Gicv3Test {
    static final long RAM = 0x4000_0000L;
    static final long PROPBASE = RAM + 0x10_0000;
    static final long PENDBASE = RAM + 0x20_0000;

    GuestRam ram;
    Gicv3 gic;
    final List<Boolean> irqChanges = new ArrayList<>();

    @BeforeEach
    void setUp() {
        ram = new GuestRam(RAM, 4 << 20);
        gic = new Gicv3(0x0800_0000L, 0x080A_0000L, ram);
        gic.setOutputListener(() -> irqChanges.add(gic.irqOutput()));
        dist(0x0, 3);                  // EnableGrp0, EnableGrp1
        icc(Gicv3.ICC_PMR, 0xFF);
        icc(Gicv3.ICC_IGRPEN1, 1);
        icc(Gicv3.ICC_IGRPEN0, 1);
    }

    @AfterEach
    void tearDown() {
        ram.close();
    }

    void dist(long offset, long value) {
        gic.distributor().write(offset, 4, value);
    }

    void redist(long offset, long value) {
        gic.redistributor().write(offset, 4, value);
    }

    long redistRead(long offset) {
        return gic.redistributor().read(offset, 4);
    }

    void icc(int encoding, long value) {
        assertThat(gic.writeSystemRegister(encoding, value)).isTrue();
    }

    long icc(int encoding) {
        return gic.readSystemRegister(encoding).orElseThrow();
    }

    /** SPI {@code id} in group 1 at {@code priority}, enabled, made pending through GICD_ISPENDR. */
    void pendSpi(int id, int priority) {
        dist(0x80 + id / 32 * 4, gic.distributor().read(0x80 + id / 32 * 4, 4) | 1L << (id % 32));
        gic.distributor().write(0x400 + id, 1, priority);
        dist(0x100 + id / 32 * 4, 1L << (id % 32));
        dist(0x200 + id / 32 * 4, 1L << (id % 32));
    }

    void enableLpis(int idBits) {
        redist(0x70, PROPBASE | (idBits - 1));
        redist(0x74, 0);
        redist(0x78, PENDBASE);
        redist(0x7C, 0);
        redist(0x0, 1);
    }

    void configureLpi(int intid, int priority, boolean enabled) {
        ram.segment().set(JAVA_BYTE, PROPBASE - RAM + intid - Gicv3.LPI_BASE, (byte) (priority | (enabled ? 1 : 0)));
    }

    boolean pendingTableBit(int intid) {
        return (ram.segment().get(JAVA_BYTE, PENDBASE - RAM + intid / 8) >> (intid % 8) & 1) != 0;
    }

    @Test
    void anLpiIsTakenWithThePriorityOfItsPropertyTableEntryAndLeavesThePendingTableOnAcknowledge() {
        enableLpis(16);
        configureLpi(8200, 0x40, true);
        gic.setLpiPending(8200);
        assertThat(pendingTableBit(8200)).isTrue();
        assertThat(gic.irqOutput()).isTrue();
        assertThat(icc(Gicv3.ICC_HPPIR1)).isEqualTo(8200);
        assertThat(icc(Gicv3.ICC_IAR1)).isEqualTo(8200);
        assertThat(icc(Gicv3.ICC_RPR)).isEqualTo(0x40);
        assertThat(pendingTableBit(8200)).isFalse();
        assertThat(gic.irqOutput()).isFalse();
        icc(Gicv3.ICC_EOIR1, 8200);
        assertThat(icc(Gicv3.ICC_RPR)).isEqualTo(0xFF);
    }

    @Test
    void aDisabledLpiStaysPendingUntilItsEntryIsEnabledAndTheConfigurationReread() {
        enableLpis(16);
        configureLpi(9000, 0x20, false);
        gic.setLpiPending(9000);
        assertThat(gic.irqOutput()).isFalse();
        assertThat(icc(Gicv3.ICC_IAR1)).isEqualTo(Gicv3.SPURIOUS);
        configureLpi(9000, 0x20, true);
        gic.lpiConfigurationChanged(9000);
        assertThat(gic.irqOutput()).isTrue();
        gic.clearLpiPending(9000);
        assertThat(gic.irqOutput()).isFalse();
        assertThat(pendingTableBit(9000)).isFalse();
    }

    @Test
    void lpisBeyondPropbaserIdBitsOrWhileDisabledAreDropped() {
        gic.setLpiPending(8192);                 // EnableLPIs is 0
        enableLpis(14);                          // INTIDs below 16384
        configureLpi(8192, 0x10, true);
        assertThat(gic.irqOutput()).isFalse();
        gic.setLpiPending(16384);
        assertThat(gic.irqOutput()).isFalse();
        gic.setLpiPending(16383);
        configureLpi(16383, 0x10, true);
        gic.lpiConfigurationChanged(-1);
        assertThat(icc(Gicv3.ICC_HPPIR1)).isEqualTo(16383);
    }

    @Test
    void enablingLpisTakesInWhatThePendingTableHoldsUnlessPtzSaysItIsZero() {
        ram.segment().set(JAVA_BYTE, PENDBASE - RAM + 8300 / 8, (byte) (1 << (8300 % 8)));
        configureLpi(8300, 0x30, true);
        enableLpis(16);
        assertThat(icc(Gicv3.ICC_HPPIR1)).isEqualTo(8300);

        redist(0x0, 0);
        redist(0x7C, (int) (Gicv3.PENDBASER_PTZ >>> 32));
        redist(0x0, 1);
        assertThat(icc(Gicv3.ICC_HPPIR1)).isEqualTo(Gicv3.SPURIOUS);
    }

    @Test
    void withEoiMode1TheEoiDropsThePriorityAndDirDeactivates() {
        icc(Gicv3.ICC_CTLR, 2);                  // EOImode
        pendSpi(40, 0x80);
        assertThat(icc(Gicv3.ICC_IAR1)).isEqualTo(40);
        icc(Gicv3.ICC_EOIR1, 40);
        assertThat(icc(Gicv3.ICC_RPR)).isEqualTo(0xFF);
        assertThat(gic.distributor().read(0x304, 4) >> 8 & 1).as("still active").isEqualTo(1);
        icc(Gicv3.ICC_DIR, 40);
        assertThat(gic.distributor().read(0x304, 4) >> 8 & 1).isZero();
    }

    @Test
    void aHigherPriorityInterruptPreemptsOnlyWhenItsGroupPriorityUnderTheBinaryPointIsHigher() {
        pendSpi(40, 0x80);
        assertThat(icc(Gicv3.ICC_IAR1)).isEqualTo(40);
        icc(Gicv3.ICC_BPR1, 5);                  // group priority: bits 7:5
        pendSpi(41, 0x90);                       // 0x80 after the mask: no preemption
        assertThat(gic.irqOutput()).isFalse();
        assertThat(icc(Gicv3.ICC_IAR1)).isEqualTo(Gicv3.SPURIOUS);
        icc(Gicv3.ICC_BPR1, 3);                  // bits 7:3: 0x90 is lower priority than 0x80 anyway
        pendSpi(42, 0x60);                       // 0x60 < 0x80: preempts
        assertThat(gic.irqOutput()).isTrue();
        assertThat(icc(Gicv3.ICC_IAR1)).isEqualTo(42);
        assertThat(icc(Gicv3.ICC_AP1R0)).isEqualTo(1L << (0x60 >> 3) | 1L << (0x80 >> 3));
        icc(Gicv3.ICC_EOIR1, 42);
        assertThat(icc(Gicv3.ICC_RPR)).isEqualTo(0x80);
        icc(Gicv3.ICC_EOIR1, 40);
        assertThat(icc(Gicv3.ICC_IAR1)).isEqualTo(41);
    }

    @Test
    void withCbprGroup1UsesTheGroup0BinaryPointAndBpr1ReadsItPlusOne() {
        icc(Gicv3.ICC_BPR0, 4);
        icc(Gicv3.ICC_CTLR, 1);                  // CBPR
        assertThat(icc(Gicv3.ICC_BPR1)).isEqualTo(5);
        icc(Gicv3.ICC_BPR1, 7);                  // ignored while CBPR is set
        icc(Gicv3.ICC_CTLR, 0);
        assertThat(icc(Gicv3.ICC_BPR1)).isEqualTo(3);
    }

    @Test
    void anEoiForTheOtherGroupThanTheHighestActiveIsIgnored() {
        pendSpi(40, 0x80);
        assertThat(icc(Gicv3.ICC_IAR1)).isEqualTo(40);
        icc(Gicv3.ICC_EOIR0, 40);
        assertThat(icc(Gicv3.ICC_RPR)).isEqualTo(0x80);
        icc(Gicv3.ICC_EOIR1, 1023);              // a special INTID: ignored
        assertThat(icc(Gicv3.ICC_RPR)).isEqualTo(0x80);
        icc(Gicv3.ICC_EOIR1, 40);
        assertThat(icc(Gicv3.ICC_RPR)).isEqualTo(0xFF);
    }

    @Test
    void registersTheBusSplitsAndOddAccessesAreHarmless() {
        dist(0x6000 + 8 * 50, 0x12);
        dist(0x6004 + 8 * 50, 0x34);
        assertThat(gic.distributor().read(0x6000 + 8 * 50, 4)).isEqualTo(0x12);
        assertThat(gic.distributor().read(0x6004 + 8 * 50, 4)).isEqualTo(0x34);
        assertThat(redistRead(0x8)).isEqualTo(0x0100_0011L);
        assertThat(redistRead(0xC)).isZero();
        for (long offset = 0; offset < Gicv3.REDIST_SIZE; offset += 0x3FF) {
            for (int size : new int[] {1, 2, 4}) {
                gic.redistributor().read(offset, size);
                gic.redistributor().write(offset, size, -1L);
                gic.distributor().read(offset % Gicv3.DIST_SIZE, size);
            }
        }
        assertThat(gic.readSystemRegister(SysReg.encode(3, 0, 12, 9, 1))).as("ICC_AP1R1_EL1").isEmpty();
        assertThat(gic.writeSystemRegister(SysReg.encode(3, 0, 1, 0, 0), 0)).as("not a GIC register").isFalse();
    }
}
