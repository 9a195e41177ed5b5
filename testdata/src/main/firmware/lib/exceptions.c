/* Any exception taken by the test firmware is a failure: report it on the
 * console and power off, so a run never hangs. No pointer tables here: the
 * test kernel runs wherever it is loaded. */
#include "fw.h"

static const char *kind_name(u64 kind)
{
	switch (kind & 3) {
	case 0:
		return "sync";
	case 1:
		return "irq";
	case 2:
		return "fiq";
	default:
		return "serror";
	}
}

void exception_report(u64 index, u64 esr, u64 elr, u64 far)
{
	printf("EXCEPTION %s from group %lu esr=0x%lx elr=0x%lx far=0x%lx\n",
	       kind_name(index), index >> 2, esr, elr, far);
	psci_system_off();
}
