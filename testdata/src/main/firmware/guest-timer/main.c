/*
 * guest-timer: the virtual timer (CNTV_*, PPI 27) and the physical EL1
 * timer (CNTP_*, PPI 30) through the GICv2, each with a deadline 200 ms
 * ahead: the IRQ is taken at vector offset 0x280 (current EL, SP_EL1) once
 * the counter has reached CVAL, GICC_IAR names the PPI, ISTATUS is set, the
 * running priority is the interrupt's, and after the handler masks the
 * timer and writes GICC_EOIR nothing is pending or active. Both counters
 * start near zero at power-on and read the same (QEMU's CNTVOFF is 0).
 */
#include "guest.h"

#define PRIORITY 0xa0

void firmware_main(const void *dtb, u64 entry_ticks);

void firmware_main(const void *dtb, u64 entry_ticks)
{
	guest_begin(dtb, "guest-timer");
	/* power-on to here is far less than 2 s, whatever the host's uptime */
	check_true("counter-starts-near-zero", entry_ticks < ms_ticks(2000));
	u64 p0 = cntpct();
	u64 v = cntvct();
	u64 p1 = cntpct();
	check_true("counters-agree", v + 1 >= p0 && v <= p1 + 1);
	trap_set_irq_handler(timer_irq_handler);
	gic_init();
	gic_enable(PPI_VIRT_TIMER, PRIORITY);
	gic_enable(PPI_PHYS_TIMER, PRIORITY);
	check_eq("gic-ppi-enabled", gicd_read(GICD_ISENABLER) & ((1u << 27) | (1u << 30)), (1u << 27) | (1u << 30));
	check_eq("gic-priority", (gicd_read(GICD_IPRIORITYR + 24) >> 24) & 0xff, PRIORITY);
	check_eq("gic-nothing-pending", gicc_read(GICC_HPPIR) & 0x3ff, GIC_SPURIOUS);
	/*
	 * Far enough ahead that a loaded host cannot stall the guest past the
	 * deadline between programming the timer and reading ISTATUS back:
	 * QEMU sets ISTATUS only when its host timer fires, so a stall there
	 * makes "not yet fired" and "counter past CVAL" meet.
	 */
	u64 ahead = ms_ticks(200);

	/* virtual timer, deadline by CVAL */
	irq_mask();
	u64 cval = cntvct() + ahead;
	write_sysreg(cntv_cval_el0, cval);
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
	isb();
	u64 c0 = cntvct();
	u64 ctl = read_sysreg(cntv_ctl_el0);
	u64 c1 = cntvct();
	check_eq("timer-virt-cval-readback", read_sysreg(cntv_cval_el0), cval);
	check_eq("timer-virt-ctl-enabled", ctl & 3, CNT_CTL_ENABLE);
	/* ISTATUS must agree with the counter around the read */
	check_true("timer-virt-istatus-consistent", (ctl & CNT_CTL_ISTATUS) ? c1 >= cval : c0 < cval);
	u64 before = irq_count;
	u64 woke = wait_for_irq(before, cntpct() + ms_ticks(5000));
	check_true("timer-virt-irq-taken", woke != 0);
	check_eq("timer-virt-irq-count", irq_count - before, 1);
	check_eq("timer-virt-vector", trap_last.slot * 0x80, 0x280);
	check_eq("timer-virt-spsr", trap_last.spsr & 0x3ff, 0x345);	/* D A F masked, I clear, EL1h */
	check_eq("timer-virt-iar", irq_last.iar, PPI_VIRT_TIMER);
	check_eq("timer-virt-istatus-in-handler", irq_last.ctl & 7, CNT_CTL_ENABLE | CNT_CTL_ISTATUS);
	check_true("timer-virt-not-early", irq_last.not_early);
	check_eq("timer-virt-rpr-in-handler", irq_last.rpr, PRIORITY);
	check_eq("timer-virt-active-in-handler", (irq_last.active >> 27) & 1, 1);
	check_eq("timer-virt-ctl-after", read_sysreg(cntv_ctl_el0) & 7, 7);	/* ENABLE IMASK ISTATUS */
	check_eq("timer-virt-not-pending-after", (gicd_read(GICD_ISPENDR) >> 27) & 1, 0);
	check_eq("timer-virt-not-active-after", (gicd_read(GICD_ISACTIVER) >> 27) & 1, 0);
	check_eq("timer-virt-hppir-after", gicc_read(GICC_HPPIR) & 0x3ff, GIC_SPURIOUS);
	check_eq("timer-virt-rpr-after", gicc_read(GICC_RPR), 0xff);
	irq_unmask();
	irq_mask();
	check_eq("timer-virt-masked-stays-quiet", irq_count - before, 1);
	write_sysreg(cntv_ctl_el0, 0);
	isb();

	/* physical timer, deadline by TVAL */
	u32 tval = (u32)ahead;
	c0 = cntpct();
	write_sysreg(cntp_tval_el0, tval);
	isb();
	c1 = cntpct();
	cval = read_sysreg(cntp_cval_el0);
	check_true("timer-phys-tval-sets-cval", cval >= c0 + tval && cval <= c1 + tval);
	write_sysreg(cntp_ctl_el0, CNT_CTL_ENABLE);
	isb();
	c0 = cntpct();
	ctl = read_sysreg(cntp_ctl_el0);
	c1 = cntpct();
	check_eq("timer-phys-ctl-enabled", ctl & 3, CNT_CTL_ENABLE);
	check_true("timer-phys-istatus-consistent", (ctl & CNT_CTL_ISTATUS) ? c1 >= cval : c0 < cval);
	before = irq_count;
	woke = wait_for_irq(before, cntpct() + ms_ticks(5000));
	check_true("timer-phys-irq-taken", woke != 0);
	check_eq("timer-phys-irq-count", irq_count - before, 1);
	check_eq("timer-phys-vector", trap_last.slot * 0x80, 0x280);
	check_eq("timer-phys-iar", irq_last.iar, PPI_PHYS_TIMER);
	check_eq("timer-phys-istatus-in-handler", irq_last.ctl & 7, CNT_CTL_ENABLE | CNT_CTL_ISTATUS);
	check_true("timer-phys-not-early", irq_last.not_early);
	check_eq("timer-phys-rpr-in-handler", irq_last.rpr, PRIORITY);
	check_eq("timer-phys-ctl-after", read_sysreg(cntp_ctl_el0) & 3, 0);
	check_true("timer-phys-tval-negative-after", (int)(u32)read_sysreg(cntp_tval_el0) < 0);
	check_eq("timer-phys-not-pending-after", (gicd_read(GICD_ISPENDR) >> 30) & 1, 0);
	check_eq("timer-phys-hppir-after", gicc_read(GICC_HPPIR) & 0x3ff, GIC_SPURIOUS);
	check_eq("timer-phys-cval-kept", read_sysreg(cntp_cval_el0), cval);
	guest_done();
}
