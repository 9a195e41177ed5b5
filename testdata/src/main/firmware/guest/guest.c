/* Recording exception handler, check lines and GIC set-up for the guests
 * (see guest.h). */
#include "guest.h"

extern char el0_return[];

volatile struct trap_record trap_last;
volatile u64 trap_count;
volatile u64 irq_count;

static struct fdt fdt;
static u32 passed, failed;
static int armed;
static enum fixup armed_fixup;
static void (*irq_handler)(void);
static void (*fiq_handler)(void);
volatile u64 fiq_count;

void guest_begin(const void *dtb, const char *name)
{
	if (board_init(&fdt, dtb) != 0)
		psci_system_off(); /* no console to report on */
	trap_install();
	printf("virtfw %s\n", name);
}

void check_eq(const char *name, u64 got, u64 want)
{
	if (got == want) {
		passed++;
		printf("CHECK %s: ok\n", name);
	} else {
		failed++;
		printf("CHECK %s: FAIL got=0x%lx want=0x%lx\n", name, got, want);
	}
}

void guest_done(void)
{
	printf("DONE %u passed, %u failed\n", passed, failed);
	psci_system_off();
}

void trap_install(void)
{
	write_sysreg(vbar_el1, (u64)guest_vectors);
	isb();
}

void trap_arm(enum fixup fixup)
{
	armed_fixup = fixup;
	armed = 1;
}

void trap_set_irq_handler(void (*handler)(void))
{
	irq_handler = handler;
}

void trap_set_fiq_handler(void (*handler)(void))
{
	fiq_handler = handler;
}

static void unexpected(u64 slot)
{
	printf("UNEXPECTED %lu esr=0x%lx elr=0x%lx far=0x%lx spsr=0x%lx\n", slot, trap_last.esr, trap_last.elr,
	       trap_last.far, trap_last.spsr);
	guest_done();
}

void trap_entry(u64 slot, struct trap_frame *frame);

void trap_entry(u64 slot, struct trap_frame *frame)
{
	u64 esr = read_sysreg(esr_el1);
	/* The end of an el0_call (not recorded): back to EL1h, DAIF masked,
	 * at el0_return. */
	if (slot == SLOT_LOWER64_SYNC && ESR_EC(esr) == 0x15 && (esr & 0xffff) == EL0_EXIT_IMM) {
		write_sysreg(elr_el1, (u64)el0_return);
		write_sysreg(spsr_el1, 0x3c5);
		return;
	}
	trap_last.slot = slot;
	trap_last.esr = esr;
	trap_last.elr = read_sysreg(elr_el1);
	trap_last.far = read_sysreg(far_el1);
	trap_last.spsr = read_sysreg(spsr_el1);
	trap_last.sp = (u64)frame + sizeof(*frame);
	trap_count++;

	if (slot == SLOT_CUR_SPX_IRQ || slot == SLOT_LOWER64_IRQ) {
		irq_count++;
		if (!irq_handler)
			unexpected(slot);
		irq_handler();
		return;
	}
	if (slot == SLOT_CUR_SPX_FIQ && fiq_handler) {
		fiq_count++;
		fiq_handler();
		return;
	}
	if ((slot & 3) != 0 || !armed)
		unexpected(slot);
	armed = 0;
	switch (armed_fixup) {
	case FIXUP_NONE:
		break;
	case FIXUP_SKIP:
		write_sysreg(elr_el1, trap_last.elr + 4);
		break;
	case FIXUP_LR:
		write_sysreg(elr_el1, frame->x[30]);
		break;
	}
}

void gic_init(void)
{
	gicd_write(GICD_CTLR, 1);
	gicc_write(GICC_PMR, 0xff);
	gicc_write(GICC_CTLR, 1);
}

void gic_enable(u32 intid, u8 priority)
{
	u32 off = GICD_IPRIORITYR + (intid & ~3u);
	u32 shift = (intid & 3) * 8;
	u32 v = gicd_read(off);
	gicd_write(off, (v & ~(0xffu << shift)) | ((u32)priority << shift));
	gicd_write(GICD_ISENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

volatile struct irq_record irq_last;

void timer_irq_handler(void)
{
	u32 iar = gicc_read(GICC_IAR);
	u32 id = iar & 0x3ff;
	irq_last.iar = iar;
	irq_last.rpr = gicc_read(GICC_RPR);
	irq_last.active = gicd_read(GICD_ISACTIVER);
	if (id == PPI_VIRT_TIMER) {
		u64 ctl = read_sysreg(cntv_ctl_el0);
		irq_last.ctl = (u32)ctl;
		irq_last.not_early = cntvct() >= read_sysreg(cntv_cval_el0);
		write_sysreg(cntv_ctl_el0, ctl | CNT_CTL_IMASK);
	} else if (id == PPI_PHYS_TIMER) {
		u64 ctl = read_sysreg(cntp_ctl_el0);
		irq_last.ctl = (u32)ctl;
		irq_last.not_early = cntpct() >= read_sysreg(cntp_cval_el0);
		write_sysreg(cntp_ctl_el0, 0);
	}
	isb();
	if (id != GIC_SPURIOUS)
		gicc_write(GICC_EOIR, iar);
}

u64 wait_for_irq(u64 before, u64 give_up)
{
	u64 n = 0;
	irq_mask();
	while (irq_count == before) {
		if (cntpct() > give_up)
			return 0;
		__asm__ volatile("dsb sy\n\twfi" ::: "memory");
		n++;
		irq_unmask();
		irq_mask();
	}
	return n;
}
