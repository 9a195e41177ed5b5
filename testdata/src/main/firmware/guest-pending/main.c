/*
 * guest-pending: with PSTATE.I set, the virtual timer fires (ISTATUS set)
 * and PPI 27 stays pending in the GIC (GICD_ISPENDR0, GICC_HPPIR) and at
 * the PE (ISR_EL1.I) without any vector being taken; unmasking takes the
 * IRQ at once, before the next instruction after the ISB.
 */
#include "guest.h"

void firmware_main(const void *dtb, u64 entry_ticks);

void firmware_main(const void *dtb, u64 entry_ticks)
{
	(void)entry_ticks;
	guest_begin(dtb, "guest-pending");
	trap_set_irq_handler(timer_irq_handler);
	gic_init();
	gic_enable(PPI_VIRT_TIMER, 0x80);

	irq_mask();
	u64 cval = cntvct() + ms_ticks(10);
	write_sysreg(cntv_cval_el0, cval);
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
	isb();
	u64 give_up = cntpct() + ms_ticks(5000);
	u64 ctl;
	while (!((ctl = read_sysreg(cntv_ctl_el0)) & CNT_CTL_ISTATUS) && cntpct() < give_up)
		;
	check_eq("pending-istatus", ctl & 7, CNT_CTL_ENABLE | CNT_CTL_ISTATUS);
	check_true("pending-counter-reached-cval", cntvct() >= cval);
	check_eq("pending-gicd-ispendr", (gicd_read(GICD_ISPENDR) >> 27) & 1, 1);
	check_eq("pending-gicc-hppir", gicc_read(GICC_HPPIR) & 0x3ff, PPI_VIRT_TIMER);
	check_eq("pending-isr-el1-i", (read_sysreg(isr_el1) >> 7) & 1, 1);
	check_eq("pending-no-vector-taken", trap_count, 0);

	irq_unmask();
	u64 taken = irq_count;	/* the first access after the ISB */
	irq_mask();
	check_eq("pending-taken-at-unmask", taken, 1);
	check_eq("pending-vector", trap_last.slot * 0x80, 0x280);
	check_eq("pending-iar", irq_last.iar, PPI_VIRT_TIMER);
	check_true("pending-not-early", irq_last.not_early);
	check_eq("pending-gicd-ispendr-after", (gicd_read(GICD_ISPENDR) >> 27) & 1, 0);
	check_eq("pending-gicc-hppir-after", gicc_read(GICC_HPPIR) & 0x3ff, GIC_SPURIOUS);
	check_eq("pending-isr-el1-after", read_sysreg(isr_el1) & 0x1c0, 0);
	write_sysreg(cntv_ctl_el0, 0);
	isb();
	guest_done();
}
