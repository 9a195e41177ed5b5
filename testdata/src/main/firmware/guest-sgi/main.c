/*
 * guest-sgi: software-generated interrupts through GICD_SGIR, to this CPU
 * by the "self" filter and by a target list naming CPU 0: pending while
 * PSTATE.I is set (GICD_ISPENDR0, GICC_HPPIR), taken at vector offset 0x280
 * on unmask, acknowledged with the source CPU (0) in GICC_IAR. Also the
 * distributor's type register as QEMU's virt has it, and a spurious IAR
 * read when nothing is pending.
 */
#include "guest.h"

static void sgi(const char *prefix, u32 sgir, u32 intid)
{
	char name[64];
	size_t n = strlen(prefix);
	memcpy(name, prefix, n);
#define NAME(s) (memcpy(name + n, s, sizeof(s)), name)
	u64 before = irq_count;
	gicd_write(GICD_SGIR, sgir);
	dsb();
	isb();
	check_eq(NAME("-pending"), (gicd_read(GICD_ISPENDR) >> intid) & 1, 1);
	check_eq(NAME("-hppir"), gicc_read(GICC_HPPIR), intid);
	check_eq(NAME("-no-vector-yet"), irq_count, before);
	irq_unmask();
	u64 taken = irq_count;
	irq_mask();
	check_eq(NAME("-taken-at-unmask"), taken - before, 1);
	check_eq(NAME("-vector"), trap_last.slot * 0x80, 0x280);
	check_eq(NAME("-iar"), irq_last.iar, intid);	/* source CPU 0 */
	check_eq(NAME("-rpr-in-handler"), irq_last.rpr, 0x90);
	check_eq(NAME("-hppir-after"), gicc_read(GICC_HPPIR) & 0x3ff, GIC_SPURIOUS);
	check_eq(NAME("-not-pending-after"), (gicd_read(GICD_ISPENDR) >> intid) & 1, 0);
#undef NAME
}

void firmware_main(const void *dtb, u64 entry_ticks);

void firmware_main(const void *dtb, u64 entry_ticks)
{
	(void)entry_ticks;
	guest_begin(dtb, "guest-sgi");
	trap_set_irq_handler(timer_irq_handler);
	irq_mask();
	gic_init();
	check_eq("gic-typer", gicd_read(GICD_TYPER), 0x8);
	check_eq("gic-spurious-iar", gicc_read(GICC_IAR) & 0x3ff, GIC_SPURIOUS);
	gic_enable(5, 0x90);
	gic_enable(6, 0x90);
	sgi("sgi-self", (2u << 24) | 5, 5);
	sgi("sgi-target-list", (1u << 16) | 6, 6);
	check_eq("sgi-irqs", irq_count, 2);
	guest_done();
}
