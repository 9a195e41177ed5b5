/*
 * guest-undef: undefined instructions (EC 0x00) and BRK (EC 0x3c) taken to
 * the guest's vectors from EL1 (offset 0x200) and EL0 (offset 0x400); ELR
 * is the trapping instruction, the handler skips it and execution goes on.
 */
#include "guest.h"

void undef_el1(void), brk_el1(void), undef_el0_body(void), mrs_el0_body(void), brk_el0_body(void);
u64 mrs_el2_el1(void);
extern char undef_el1_insn[], brk_el1_insn[], mrs_el2_el1_insn[], undef_el0_insn[], mrs_el0_insn[],
	brk_el0_insn[];

static u64 el0_stack[512] __attribute__((aligned(16)));

static void expect_sync(const char *prefix, u64 count, u64 vector, u64 esr, u64 elr)
{
	char name[64];
	size_t n = strlen(prefix);
	memcpy(name, prefix, n);
	const char *what[] = { "-taken", "-vector", "-esr", "-elr" };
	u64 got[] = { trap_count, trap_last.slot * 0x80, trap_last.esr, trap_last.elr };
	u64 want[] = { count, vector, esr, elr };
	for (int i = 0; i < 4; i++) {
		size_t m = strlen(what[i]);
		memcpy(name + n, what[i], m + 1);
		check_eq(name, got[i], want[i]);
	}
}

void firmware_main(const void *dtb, u64 entry_ticks);

void firmware_main(const void *dtb, u64 entry_ticks)
{
	(void)entry_ticks;
	guest_begin(dtb, "guest-undef");
	void *top = &el0_stack[ARRAY_SIZE(el0_stack)];

	trap_arm(FIXUP_SKIP);
	undef_el1();
	expect_sync("undef-el1", 1, 0x200, 0x02000000, (u64)undef_el1_insn);	/* EC 0, IL */
	check_eq("undef-el1-spsr-mode", trap_last.spsr & 0x1f, 0x5);

	trap_arm(FIXUP_SKIP);
	brk_el1();
	expect_sync("brk-el1", 2, 0x200, 0xf2000007, (u64)brk_el1_insn);	/* EC 0x3c, IL, imm 7 */
	check_eq("brk-el1-ec", ESR_EC(trap_last.esr), 0x3c);
	check_eq("brk-el1-comment", trap_last.esr & 0xffff, 0x7);

	trap_arm(FIXUP_SKIP);
	u64 r = mrs_el2_el1();
	expect_sync("mrs-hcr-el2-at-el1", 3, 0x200, 0x02000000, (u64)mrs_el2_el1_insn);
	check_eq("mrs-hcr-el2-at-el1-x0-unchanged", r, 0x77);

	trap_arm(FIXUP_SKIP);
	r = el0_call(undef_el0_body, top);
	expect_sync("undef-el0", 4, 0x400, 0x02000000, (u64)undef_el0_insn);
	check_eq("undef-el0-spsr-mode", trap_last.spsr & 0x1f, 0x0);
	check_eq("undef-el0-continues", r, 0x5a);

	trap_arm(FIXUP_SKIP);
	r = el0_call(mrs_el0_body, top);
	expect_sync("mrs-midr-at-el0", 5, 0x400, 0x02000000, (u64)mrs_el0_insn);
	check_eq("mrs-midr-at-el0-continues", r, 0x5b);

	trap_arm(FIXUP_SKIP);
	r = el0_call(brk_el0_body, top);
	expect_sync("brk-el0", 6, 0x400, 0xf2000099, (u64)brk_el0_insn);
	check_eq("brk-el0-continues", r, 0x5c);
	guest_done();
}
