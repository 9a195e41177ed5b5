/*
 * guest-wfi: WFI sleeps until the virtual timer's deadline, 50 ms ahead.
 * WFI runs with IRQs masked (as Linux idles): the pending PPI 27 ends it,
 * then the IRQ is taken as soon as IRQs are unmasked. The counter after
 * the wake-up has reached CVAL, and one WFI was enough (QEMU's WFI sleeps
 * until an interrupt is pending; the architecture would allow spurious
 * wake-ups, which an idle board does not need).
 */
#include "guest.h"

void firmware_main(const void *dtb, u64 entry_ticks);

void firmware_main(const void *dtb, u64 entry_ticks)
{
	(void)entry_ticks;
	guest_begin(dtb, "guest-wfi");
	trap_set_irq_handler(timer_irq_handler);
	gic_init();
	gic_enable(PPI_VIRT_TIMER, 0x80);

	irq_mask();
	u64 cval = cntvct() + ms_ticks(50);
	write_sysreg(cntv_cval_el0, cval);
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
	isb();
	u64 before = irq_count;
	u64 wfis = wait_for_irq(before, cntpct() + ms_ticks(5000));
	u64 after = cntvct();
	check_true("wfi-irq-taken", wfis != 0);
	check_eq("wfi-woke-once", wfis, 1);
	check_eq("wfi-iar", irq_last.iar, PPI_VIRT_TIMER);
	check_true("wfi-woke-after-deadline", after >= cval);
	check_true("wfi-handler-after-deadline", irq_last.not_early);
	check_true("wfi-not-late", after - cval < ms_ticks(1000));
	write_sysreg(cntv_ctl_el0, 0);
	isb();
	guest_done();
}
