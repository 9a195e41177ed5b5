/* PSCI SYSTEM_OFF through the conduit named by /psci "method". */
#include "fw.h"

#define PSCI_0_2_FN_SYSTEM_OFF 0x84000008u

static int psci_smc;

void psci_init(int use_smc)
{
	psci_smc = use_smc;
}

void psci_system_off(void)
{
	register u64 x0 __asm__("x0") = PSCI_0_2_FN_SYSTEM_OFF;
	if (psci_smc)
		__asm__ volatile("smc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
	/* SYSTEM_OFF does not return; if the conduit is missing, stop here. */
	printf("PSCI SYSTEM_OFF returned 0x%lx\n", x0);
	for (;;)
		__asm__ volatile("wfi");
}
