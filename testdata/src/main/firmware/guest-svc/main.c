/*
 * guest-svc: SVC taken to the guest's own vectors, from EL1 (current EL with
 * SP_EL1, vector offset 0x200) and from EL0 (lower EL AArch64, offset 0x400),
 * and eret back. Checks the vector slot taken, ESR (EC 0x15, IL, imm16),
 * ELR (the instruction after the svc), SPSR (NZCV, DAIF and mode at the
 * time), the stack the handler ran on, and that execution continues.
 */
#include "guest.h"

u64 svc_el1(void);
void el0_svc_body(void);
extern char svc_el1_after[], el0_svc_after[];

static u64 el0_stack[512] __attribute__((aligned(16)));

void firmware_main(const void *dtb, u64 entry_ticks);

void firmware_main(const void *dtb, u64 entry_ticks)
{
	(void)entry_ticks;
	guest_begin(dtb, "guest-svc");

	trap_arm(FIXUP_NONE);
	u64 r = svc_el1();
	check_eq("svc-el1-taken", trap_count, 1);
	check_eq("svc-el1-vector", trap_last.slot * 0x80, 0x200);
	check_eq("svc-el1-esr", trap_last.esr, 0x56000042);	/* EC 0x15, IL, imm16 0x42 */
	check_eq("svc-el1-ec", ESR_EC(trap_last.esr), 0x15);
	check_eq("svc-el1-imm16", trap_last.esr & 0xffff, 0x42);
	check_eq("svc-el1-elr", trap_last.elr, (u64)svc_el1_after);
	check_eq("svc-el1-spsr", trap_last.spsr, 0x600003c5);	/* Z C, DAIF masked, EL1h */
	check_eq("svc-el1-spsr-mode", trap_last.spsr & 0x1f, 0x5);
	check_eq("svc-el1-continues", r, 0x123);

	trap_arm(FIXUP_NONE);
	u64 top = (u64)&el0_stack[ARRAY_SIZE(el0_stack)];
	r = el0_call(el0_svc_body, (void *)top);
	check_eq("svc-el0-taken", trap_count, 2);
	check_eq("svc-el0-vector", trap_last.slot * 0x80, 0x400);
	check_eq("svc-el0-esr", trap_last.esr, 0x56000043);
	check_eq("svc-el0-ec", ESR_EC(trap_last.esr), 0x15);
	check_eq("svc-el0-elr", trap_last.elr, (u64)el0_svc_after);
	check_eq("svc-el0-spsr", trap_last.spsr, 0x200003c0);	/* C, DAIF masked, EL0t */
	check_eq("svc-el0-handler-on-sp-el1", trap_last.sp, el0_saved_sp);
	check_eq("svc-el0-sp-el0-kept", read_sysreg(sp_el0), top);
	check_eq("svc-el0-continues", r, 0x4321);
	check_eq("svc-back-at-el1", current_el(), 1);
	guest_done();
}
