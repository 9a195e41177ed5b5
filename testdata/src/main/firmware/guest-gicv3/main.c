/*
 * guest-gicv3: QEMU 7.2's virt with -M virt,gic-version=3 as firmware and
 * Linux use it, every value checked against what QEMU 7.2 answers:
 *
 *  - ID_AA64PFR0_EL1 says the GICv3 system registers exist and EL2/EL3 do not;
 *  - the distributor at 0x0800_0000 (CTLR with ARE and DS fixed, TYPER with
 *    LPIs, IIDR, the ID registers), the redistributor's RD_base frame at
 *    0x080a_0000 (TYPER last and affinity 0, WAKER's sleep handshake, CTLR,
 *    PROPBASER) and its SGI_base frame (SGI/PPI trigger modes, groups);
 *  - the CPU interface through ICC_*_EL1: SRE fixed, CTLR (5 priority bits,
 *    24-bit INTIDs), the priority mask keeping bits 7:3, the binary points'
 *    minimums, the spurious IAR, an undefined ICC_AP1R1_EL1;
 *  - interrupts: an SGI by ICC_SGI1R_EL1 (pending while PSTATE.I is set,
 *    HPPIR1, taken at +0x280, IAR1/RPR/EOIR1), a group 0 SGI taken as an FIQ
 *    (+0x300, IAR0), an SPI routed away by GICD_IROUTER and back, the
 *    priority mask holding an SPI back, the virtual timer's PPI 27;
 *  - the ITS at 0x0808_0000 (QEMU's its=on default): its reset values, then
 *    LPIs as Linux sets them up: property and pending tables, the device and
 *    collection tables, the command queue (MAPD, MAPC, MAPTI, SYNC, INT),
 *    an LPI taken with its property-table priority, and one made by a write
 *    to GITS_TRANSLATER (device 0 for the CPU);
 *  - external aborts where QEMU maps nothing: the GICv2 CPU interface's
 *    address, past the only redistributor.
 */
#include "guest.h"

#define GICD 0x08000000ul
#define GICR 0x080a0000ul
#define GICR_SGI (GICR + 0x10000ul)
#define GICV2_CPU 0x08010000ul
#define PAST_REDIST (GICR + 0x20000ul)

#define ESR_MASK 0xfe0005fful
#define ESR_EXT_ABORT_LOAD 0x96000010ul
#define ESR_UNKNOWN 0x02000000ul

#define SPI 40
#define SGI_G1 5
#define SGI_G0 6

#define ICC_PMR "S3_0_C4_C6_0"
#define rd_icc(name) ({ u64 _v; __asm__ volatile("mrs %0, " name : "=r"(_v)::"memory"); _v; })
#define wr_icc(name, v) __asm__ volatile("msr " name ", %0\n\tisb" ::"r"((u64)(v)) : "memory")
#define ICC_IAR0 "S3_0_C12_C8_0"
#define ICC_EOIR0 "S3_0_C12_C8_1"
#define ICC_HPPIR0 "S3_0_C12_C8_2"
#define ICC_BPR0 "S3_0_C12_C8_3"
#define ICC_AP1R0 "S3_0_C12_C9_0"
#define ICC_RPR "S3_0_C12_C11_3"
#define ICC_SGI1R "S3_0_C12_C11_5"
#define ICC_SGI0R "S3_0_C12_C11_7"
#define ICC_IAR1 "S3_0_C12_C12_0"
#define ICC_EOIR1 "S3_0_C12_C12_1"
#define ICC_HPPIR1 "S3_0_C12_C12_2"
#define ICC_BPR1 "S3_0_C12_C12_3"
#define ICC_CTLR "S3_0_C12_C12_4"
#define ICC_SRE "S3_0_C12_C12_5"
#define ICC_IGRPEN0 "S3_0_C12_C12_6"
#define ICC_IGRPEN1 "S3_0_C12_C12_7"

static u32 rd(u64 addr) { return mmio_read32(addr); }
static void wr(u64 addr, u32 v) { mmio_write32(addr, v); }
static u64 rd64(u64 addr) { return *(volatile u64 *)addr; }
static void wr64(u64 addr, u64 v) { *(volatile u64 *)addr = v; }

/* 'count' ID words from 'first', one byte each, packed low byte first. */
static u64 id_bytes(u64 base, u64 first, unsigned count)
{
	u64 v = 0;
	for (unsigned i = 0; i < count; i++)
		v |= (u64)(rd(base + first + 4 * i) & 0xff) << (8 * i);
	return v;
}

static void set_bit_reg(u64 base, u32 off, u32 intid) { wr(base + off + (intid / 32) * 4, 1u << (intid % 32)); }
static int get_bit_reg(u64 base, u32 off, u32 intid) { return (rd(base + off + (intid / 32) * 4) >> (intid % 32)) & 1; }
static void set_priority(u64 base, u32 intid, u8 prio) { mmio_write8(base + 0x400 + intid, prio); }

static volatile u64 last_iar, last_rpr, last_fiq_iar, last_fiq_rpr;

static void irq_handler(void)
{
	u64 iar = rd_icc(ICC_IAR1);
	last_iar = iar;
	last_rpr = rd_icc(ICC_RPR);
	if (iar == PPI_VIRT_TIMER) {
		write_sysreg(cntv_ctl_el0, read_sysreg(cntv_ctl_el0) | CNT_CTL_IMASK);
		isb();
	}
	if (iar < 1020 || iar >= 8192)	/* not a special INTID */
		wr_icc(ICC_EOIR1, iar);
}

static void fiq_handler(void)
{
	u64 iar = rd_icc(ICC_IAR0);
	last_fiq_iar = iar;
	last_fiq_rpr = rd_icc(ICC_RPR);
	if (iar < 1020)
		wr_icc(ICC_EOIR0, iar);
}

static void abort_at(const char *name_taken, const char *name_esr, u64 addr)
{
	u64 before = trap_count;
	u64 v = 0xdead;
	trap_arm(FIXUP_SKIP);
	__asm__ volatile("ldr %w0, [%1]" : "+r"(v) : "r"(addr) : "memory");
	check_eq(name_taken, trap_count - before, 1);
	check_eq(name_esr, trap_last.esr & ESR_MASK, ESR_EXT_ABORT_LOAD);
}

static void registers(void)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	check_eq("pfr0-gic-sysregs", (pfr0 >> 24) & 0xf, 1);
	check_eq("pfr0-no-el2-el3", (pfr0 >> 8) & 0xff, 0);

	check_eq("gicd-ctlr-reset", rd(GICD), 0x50);
	check_eq("gicd-typer", rd(GICD + 0x4), 0x37a0007);
	check_eq("gicd-iidr", rd(GICD + 0x8), 0x43b);
	check_eq("gicd-ids", id_bytes(GICD, 0xffe0, 8), 0xb105f00d003bb492ul);
	check_eq("gicd-pidr4", rd(GICD + 0xffd0), 0x44);
	check_eq("gicd-igroupr-spi-reset", rd(GICD + 0x84), 0);
	check_eq("gicd-icfgr-spi-reset", rd(GICD + 0xc08), 0);
	check_eq("gicd-private-bits-raz", rd(GICD + 0x100) | rd(GICD + 0x400) | rd(GICD + 0x80), 0);
	wr(GICD, 0xffffffff);
	check_eq("gicd-ctlr-writable", rd(GICD), 0x53);
	wr(GICD, 0);
	wr64(GICD + 0x6000 + 8 * SPI, 0x0000000100000001ul);
	check_eq("gicd-irouter-64", rd64(GICD + 0x6000 + 8 * SPI), 0x0000000100000001ul);
	wr64(GICD + 0x6000 + 8 * SPI, 0);
	check_eq("gicd-ipriorityr-byte", (mmio_write8(GICD + 0x400 + SPI, 0xa8), mmio_read8(GICD + 0x400 + SPI)), 0xa8);

	check_eq("gicr-typer", rd64(GICR + 0x8), 0x1000011);
	check_eq("gicr-iidr", rd(GICR + 0x4), 0x43b);
	check_eq("gicr-ctlr-reset", rd(GICR), 0x2);
	check_eq("gicr-waker-reset", rd(GICR + 0x14), 0x6);
	wr(GICR + 0x14, 0);
	check_eq("gicr-waker-awake", rd(GICR + 0x14), 0);
	check_eq("gicr-ids", id_bytes(GICR, 0xffe0, 8), 0xb105f00d003bb493ul);
	wr64(GICR + 0x70, 0x40100000ul | 15);
	check_eq("gicr-propbaser", rd64(GICR + 0x70), 0x40100000ul | 15);
	check_eq("gicr-sgi-icfgr0", rd(GICR_SGI + 0xc00), 0xaaaaaaaa);
	check_eq("gicr-sgi-icfgr1", rd(GICR_SGI + 0xc04), 0);
	wr(GICR_SGI + 0xc00, 0);
	check_eq("gicr-sgi-icfgr0-read-only", rd(GICR_SGI + 0xc00), 0xaaaaaaaa);
	check_eq("gicr-sgi-igroupr0-reset", rd(GICR_SGI + 0x80), 0);
	check_eq("gicr-sgi-isenabler0-reset", rd(GICR_SGI + 0x100), 0);

	check_eq("icc-sre", rd_icc(ICC_SRE), 7);
	wr_icc(ICC_SRE, 0);
	check_eq("icc-sre-fixed", rd_icc(ICC_SRE), 7);
	check_eq("icc-ctlr", rd_icc(ICC_CTLR), 0x8c00);
	wr_icc(ICC_CTLR, 0xffffffff);
	check_eq("icc-ctlr-writable", rd_icc(ICC_CTLR), 0x8c03);
	wr_icc(ICC_CTLR, 0);
	check_eq("icc-pmr-reset", rd_icc(ICC_PMR), 0);
	wr_icc(ICC_PMR, 0xff);
	check_eq("icc-pmr-5-bits", rd_icc(ICC_PMR), 0xf8);
	check_eq("icc-bpr0-reset", rd_icc(ICC_BPR0), 2);
	check_eq("icc-bpr1-reset", rd_icc(ICC_BPR1), 3);
	wr_icc(ICC_BPR0, 0);
	wr_icc(ICC_BPR1, 0);
	check_eq("icc-bpr-minimums", rd_icc(ICC_BPR0) << 4 | rd_icc(ICC_BPR1), 0x23);
	check_eq("icc-igrpen-reset", rd_icc(ICC_IGRPEN0) << 4 | rd_icc(ICC_IGRPEN1), 0);
	check_eq("icc-rpr-idle", rd_icc(ICC_RPR), 0xff);
	check_eq("icc-iar1-spurious", rd_icc(ICC_IAR1), 1023);
	check_eq("icc-hppir1-none", rd_icc(ICC_HPPIR1), 1023);

	u64 before = trap_count;
	u64 v = 0xdead;
	trap_arm(FIXUP_SKIP);
	__asm__ volatile("mrs %0, S3_0_C12_C9_1" : "+r"(v)::"memory");
	check_eq("icc-ap1r1-undefined", trap_count - before, 1);
	check_eq("icc-ap1r1-esr", trap_last.esr, ESR_UNKNOWN);
	check_eq("icc-ap1r1-kept-x", v, 0xdead);

	abort_at("gicv2-cpu-address-aborts", "gicv2-cpu-address-esr", GICV2_CPU);
	abort_at("past-redistributor-aborts", "past-redistributor-esr", PAST_REDIST);
}

static void interrupts(void)
{
	irq_mask();
	wr(GICD, 3);			/* EnableGrp0, EnableGrp1 */
	wr_icc(ICC_PMR, 0xff);
	wr_icc(ICC_IGRPEN1, 1);
	wr_icc(ICC_IGRPEN0, 1);
	trap_set_irq_handler(irq_handler);
	trap_set_fiq_handler(fiq_handler);

	/* SGI 5, group 1, by ICC_SGI1R to this CPU (affinity 0, target list bit 0) */
	wr(GICR_SGI + 0x80, 1u << SGI_G1);
	set_priority(GICR_SGI, SGI_G1, 0x90);
	set_bit_reg(GICR_SGI, 0x100, SGI_G1);
	wr_icc(ICC_SGI1R, ((u64)SGI_G1 << 24) | 1);
	check_eq("sgi1r-pending", get_bit_reg(GICR_SGI, 0x200, SGI_G1), 1);
	check_eq("sgi1r-hppir1", rd_icc(ICC_HPPIR1), SGI_G1);
	check_eq("sgi1r-isr-i", (read_sysreg(isr_el1) >> 7) & 1, 1);
	u64 irqs = irq_count;
	irq_unmask();
	irq_mask();
	check_eq("sgi1r-taken", irq_count - irqs, 1);
	check_eq("sgi1r-vector", trap_last.slot * 0x80, 0x280);
	check_eq("sgi1r-iar1", last_iar, SGI_G1);
	check_eq("sgi1r-rpr-in-handler", last_rpr, 0x90);
	check_eq("sgi1r-rpr-after", rd_icc(ICC_RPR), 0xff);
	check_eq("sgi1r-not-pending-after", get_bit_reg(GICR_SGI, 0x200, SGI_G1), 0);
	check_eq("sgi1r-not-active-after", get_bit_reg(GICR_SGI, 0x300, SGI_G1), 0);

	/* SGI 6 stays group 0: ICC_SGI1R does not pend it, ICC_SGI0R does, and it is an FIQ */
	set_priority(GICR_SGI, SGI_G0, 0x80);
	set_bit_reg(GICR_SGI, 0x100, SGI_G0);
	wr_icc(ICC_SGI1R, ((u64)SGI_G0 << 24) | 1);
	check_eq("sgi1r-ignores-group0-sgi", get_bit_reg(GICR_SGI, 0x200, SGI_G0), 0);
	wr_icc(ICC_SGI0R, ((u64)SGI_G0 << 24) | 1);
	check_eq("sgi0r-pending", get_bit_reg(GICR_SGI, 0x200, SGI_G0), 1);
	check_eq("sgi0r-hppir0", rd_icc(ICC_HPPIR0), SGI_G0);
	check_eq("sgi0r-hppir1-not-group1", rd_icc(ICC_HPPIR1), 1023);
	check_eq("sgi0r-isr-f", (read_sysreg(isr_el1) >> 6) & 3, 1);
	u64 fiqs = fiq_count;
	__asm__ volatile("msr daifclr, #1\n\tisb\n\tmsr daifset, #1" ::: "memory");
	check_eq("sgi0r-fiq-taken", fiq_count - fiqs, 1);
	check_eq("sgi0r-fiq-vector", trap_last.slot * 0x80, 0x300);
	check_eq("sgi0r-iar0", last_fiq_iar, SGI_G0);
	check_eq("sgi0r-rpr-in-handler", last_fiq_rpr, 0x80);

	/* SPI 40, group 1: routed to affinity 1 it stays off this CPU, routed back it is taken */
	set_bit_reg(GICD, 0x80, SPI);
	set_priority(GICD, SPI, 0xa0);
	wr64(GICD + 0x6000 + 8 * SPI, 1);
	set_bit_reg(GICD, 0x100, SPI);
	set_bit_reg(GICD, 0x200, SPI);
	check_eq("spi-pending", get_bit_reg(GICD, 0x200, SPI), 1);
	check_eq("spi-routed-away-hppir1", rd_icc(ICC_HPPIR1), 1023);
	wr64(GICD + 0x6000 + 8 * SPI, 0);
	check_eq("spi-routed-here-hppir1", rd_icc(ICC_HPPIR1), SPI);
	wr_icc(ICC_PMR, 0xa0);
	check_eq("spi-masked-by-pmr-isr", (read_sysreg(isr_el1) >> 7) & 1, 0);
	check_eq("spi-masked-iar1-spurious", rd_icc(ICC_IAR1), 1023);
	wr_icc(ICC_PMR, 0xa8);
	irqs = irq_count;
	irq_unmask();
	irq_mask();
	check_eq("spi-taken", irq_count - irqs, 1);
	check_eq("spi-iar1", last_iar, SPI);
	check_eq("spi-rpr-in-handler", last_rpr, 0xa0);
	check_eq("spi-not-pending-after", get_bit_reg(GICD, 0x200, SPI), 0);
	wr_icc(ICC_PMR, 0xff);

	/* the virtual timer's PPI 27, group 1, level */
	wr(GICR_SGI + 0x80, rd(GICR_SGI + 0x80) | (1u << PPI_VIRT_TIMER));
	set_priority(GICR_SGI, PPI_VIRT_TIMER, 0xc0);
	set_bit_reg(GICR_SGI, 0x100, PPI_VIRT_TIMER);
	write_sysreg(cntv_cval_el0, cntvct() + ms_ticks(2));
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
	isb();
	irqs = irq_count;
	u64 waited = wait_for_irq(irqs, cntpct() + ms_ticks(2000));
	check_true("timer-woke", waited != 0);
	check_eq("timer-iar1", last_iar, PPI_VIRT_TIMER);
	check_eq("timer-rpr-in-handler", last_rpr, 0xc0);
	check_eq("timer-irqs", irq_count - irqs, 1);
	write_sysreg(cntv_ctl_el0, 0);
}

#define GITS 0x08080000ul
#define GITS_TRANSLATER (GITS + 0x10040ul)
/* Tables in the top of the 128 MiB of RAM, 64 KiB aligned. */
#define PROPBASE 0x47000000ul
#define PENDBASE 0x47010000ul
#define DEVICE_TABLE 0x47020000ul
#define COLLECTION_TABLE 0x47030000ul
#define CMDQ 0x47040000ul
#define ITT 0x47050000ul
#define LPI_INT 8197
#define LPI_TRANSLATER 8198

static u32 cmd_next;

static void its_command(u64 dw0, u64 dw1, u64 dw2, u64 dw3)
{
	volatile u64 *c = (volatile u64 *)(CMDQ + cmd_next);
	c[0] = dw0;
	c[1] = dw1;
	c[2] = dw2;
	c[3] = dw3;
	cmd_next += 32;
}

/* Posts the queued commands and waits for the ITS to read them all; returns CREADR. */
static u64 its_run(void)
{
	dsb();
	wr64(GITS + 0x88, cmd_next);
	for (int i = 0; i < 1000000 && rd64(GITS + 0x90) != cmd_next; i++)
		;
	return rd64(GITS + 0x90);
}

static void its(void)
{
	check_eq("its-ctlr-reset", rd(GITS), 0x80000000u);
	check_eq("its-iidr", rd(GITS + 0x4), 0x43b);
	check_eq("its-typer", rd64(GITS + 0x8), 0x1f0001efb1ul);
	check_eq("its-baser0-device-table", rd64(GITS + 0x100), 0x0107000000000200ul);
	check_eq("its-baser1-collection-table", rd64(GITS + 0x108), 0x0407000000000200ul);
	check_eq("its-baser2-none", rd64(GITS + 0x110), 0);
	check_eq("its-ids", id_bytes(GITS, 0xffe0, 8), 0xb105f00d003bb494ul);

	/* LPIs in the redistributor: property table (16 ID bits), pending table */
	for (u64 i = 0; i < 0x10000; i += 8)
		*(volatile u64 *)(PROPBASE + i) = 0, *(volatile u64 *)(PENDBASE + i) = 0;
	*(volatile u8 *)(PROPBASE + LPI_INT - 8192) = 0xa0 | 1;
	*(volatile u8 *)(PROPBASE + LPI_TRANSLATER - 8192) = 0xb0 | 1;
	dsb();
	wr64(GICR + 0x70, PROPBASE | 15);
	wr64(GICR + 0x78, PENDBASE);
	wr(GICR, 1);
	check_eq("gicr-ctlr-lpis-enabled", rd(GICR) & 1, 1);

	/* The ITS: tables, command queue (one 4 KiB page), enable */
	wr64(GITS + 0x100, (1ul << 63) | 0x0107000000000200ul | DEVICE_TABLE);
	wr64(GITS + 0x108, (1ul << 63) | 0x0407000000000200ul | COLLECTION_TABLE);
	wr64(GITS + 0x80, (1ul << 63) | CMDQ);
	wr64(GITS + 0x88, 0);
	wr(GITS, 1);
	check_eq("its-enabled", rd(GITS), 0x80000001u);
	check_eq("its-device-table-kept", rd64(GITS + 0x100), (1ul << 63) | 0x0107000000000200ul | DEVICE_TABLE);

	/* MAPD device 0 (2 event ID bits) to the ITT; MAPC collection 0 to this CPU; MAPTI events; SYNC */
	its_command(0x08, 1, (1ul << 63) | ITT, 0);
	its_command(0x09, 0, (1ul << 63) | 0, 0);
	its_command(0x0a, ((u64)LPI_INT << 32) | 0, 0, 0);
	its_command(0x0a, ((u64)LPI_TRANSLATER << 32) | 1, 0, 0);
	its_command(0x05, 0, 0, 0);
	check_eq("its-mapping-commands-read", its_run(), 5 * 32);
	check_eq("its-device-table-entry-valid", *(volatile u64 *)DEVICE_TABLE & 1, 1);

	/* INT device 0 event 0: LPI 8197 pending, taken at its property priority */
	u64 irqs = irq_count;
	its_command(0x03, 0, 0, 0);
	check_eq("its-int-read", its_run(), 6 * 32);
	check_eq("its-int-hppir1", rd_icc(ICC_HPPIR1), LPI_INT);
	check_eq("its-int-pending-table-bit", (*(volatile u8 *)(PENDBASE + LPI_INT / 8) >> (LPI_INT % 8)) & 1, 1);
	irq_unmask();
	irq_mask();
	check_eq("its-int-taken", irq_count - irqs, 1);
	check_eq("its-int-iar1", last_iar, LPI_INT);
	check_eq("its-int-rpr-in-handler", last_rpr, 0xa0);
	check_eq("its-int-pending-table-bit-cleared", (*(volatile u8 *)(PENDBASE + LPI_INT / 8) >> (LPI_INT % 8)) & 1, 0);

	/* a CPU write of event 1 to GITS_TRANSLATER: device 0, LPI 8198 */
	irqs = irq_count;
	mmio_write32(GITS_TRANSLATER, 1);
	dsb();
	irq_unmask();
	irq_mask();
	check_eq("its-translater-taken", irq_count - irqs, 1);
	check_eq("its-translater-iar1", last_iar, LPI_TRANSLATER);
	check_eq("its-translater-rpr-in-handler", last_rpr, 0xb0);
	check_eq("its-rpr-after", rd_icc(ICC_RPR), 0xff);
}

void firmware_main(const void *dtb, u64 entry_ticks);

void firmware_main(const void *dtb, u64 entry_ticks)
{
	(void)entry_ticks;
	guest_begin(dtb, "guest-gicv3");
	registers();
	interrupts();
	its();
	guest_done();
}
