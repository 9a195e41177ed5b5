/*
 * guest-abort: data and instruction aborts taken to the guest's vectors at
 * EL1 (offset 0x200), with ESR, FAR and ELR checked; the handler skips the
 * faulting load or store (ELR + 4) or returns from the faulting branch.
 *
 * 1. MMU off: a load and a store at 0x0b00_0000, an address QEMU's virt
 *    leaves unassigned (between the virtio-mmio transports, which end at
 *    0x0a00_4000, and the PCIe window at 0x1000_0000; the platform bus at
 *    0x0c00_0000 holds nothing without dynamic devices): a synchronous
 *    external abort, DFSC 0x10.
 * 2. MMU on (4 KiB granule, T0SZ 25: three levels from level 1), an identity
 *    map of flash, GIC, UART and the first 128 MiB of RAM, with holes:
 *    translation faults at level 1 (0x8000_0000), level 2 (0x0b00_0000) and
 *    level 3 (a page left out at 0x4060_1000), a permission fault (store to
 *    a read-only page at 0x4060_2000), and an instruction abort (branch to
 *    the missing page).
 *
 * ESR is compared under a mask of the architectural fields EC, IL, FnV, CM,
 * S1PTW, WnR and DFSC/IFSC; ISV and EA are IMPLEMENTATION DEFINED.
 */
#include "guest.h"

u32 load_at(u64 addr);
void store_at(u64 addr, u32 value);
u64 call_at(u64 addr);
extern char load_at_insn[], store_at_insn[];

#define ESR_MASK 0xfe0005fful
#define UNASSIGNED 0x0b000000ul
#define TEST_BLOCK 0x40600000ul	/* 2 MiB mapped with pages */
#define MISSING_PAGE (TEST_BLOCK + 0x1000)
#define READONLY_PAGE (TEST_BLOCK + 0x2000)
#define LEVEL1_HOLE 0x80000000ul

/* Descriptor bits */
#define D_BLOCK 0x1ul
#define D_TABLE 0x3ul
#define D_PAGE 0x3ul
#define D_ATTR(i) ((u64)(i) << 2)
#define D_AP_RO (2ul << 6)
#define D_SH_INNER (3ul << 8)
#define D_AF (1ul << 10)
#define D_PXN (1ul << 53)
#define D_UXN (1ul << 54)
#define NORMAL (D_ATTR(1) | D_SH_INNER | D_AF)
#define DEVICE (D_ATTR(0) | D_AF | D_PXN | D_UXN)

static u64 l1[512] __attribute__((aligned(4096)));
static u64 l2_low[512] __attribute__((aligned(4096)));	/* 0 .. 1 GiB */
static u64 l2_ram[512] __attribute__((aligned(4096)));	/* 1 .. 2 GiB */
static u64 l3_test[512] __attribute__((aligned(4096)));	/* TEST_BLOCK */
static u32 probe = 0x600dcafe;

static void expect_abort(const char *prefix, u64 count, u64 esr, u64 far, u64 elr)
{
	char name[64];
	size_t n = strlen(prefix);
	memcpy(name, prefix, n);
	const char *what[] = { "-taken", "-vector", "-esr", "-far", "-elr" };
	u64 got[] = { trap_count, trap_last.slot * 0x80, trap_last.esr & ESR_MASK, trap_last.far, trap_last.elr };
	u64 want[] = { count, 0x200, esr, far, elr };
	for (int i = 0; i < 5; i++) {
		size_t m = strlen(what[i]);
		memcpy(name + n, what[i], m + 1);
		check_eq(name, got[i], want[i]);
	}
}

static void build_tables(void)
{
	/* flash: normal, read-only, executable */
	for (u64 i = 0; i < 0x08000000ul >> 21; i++)
		l2_low[i] = (i << 21) | NORMAL | D_AP_RO | D_BLOCK;
	l2_low[0x08000000ul >> 21] = 0x08000000ul | DEVICE | D_BLOCK;	/* GIC */
	l2_low[0x09000000ul >> 21] = 0x09000000ul | DEVICE | D_BLOCK;	/* UART, fw_cfg */
	/* RAM: 128 MiB of 2 MiB blocks, TEST_BLOCK by pages */
	for (u64 i = 0; i < 64; i++)
		l2_ram[i] = (0x40000000ul + (i << 21)) | NORMAL | D_PXN | D_BLOCK;
	for (u64 i = 0; i < 512; i++)
		l3_test[i] = (TEST_BLOCK + (i << 12)) | NORMAL | D_PXN | D_PAGE;
	l3_test[1] = 0;
	l3_test[2] |= D_AP_RO;
	l2_ram[(TEST_BLOCK - 0x40000000ul) >> 21] = (u64)l3_test | D_TABLE;
	l1[0] = (u64)l2_low | D_TABLE;
	l1[1] = (u64)l2_ram | D_TABLE;
	/* l1[2] (0x8000_0000 .. 0xbfff_ffff) stays invalid */
}

static void mmu_on(void)
{
	write_sysreg(mair_el1, 0xff00ul);	/* attr0 Device-nGnRnE, attr1 Normal WB */
	/* T0SZ 25, inner/outer WB WA, inner shareable, 4 KiB, EPD1, IPS 32 bits */
	write_sysreg(tcr_el1, 25ul | (1ul << 8) | (1ul << 10) | (3ul << 12) | (1ul << 23));
	write_sysreg(ttbr0_el1, (u64)l1);
	isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb ish\n\tisb" ::: "memory");
	write_sysreg(sctlr_el1, (read_sysreg(sctlr_el1) | 1ul) & ~2ul);
	isb();
}

static void mmu_off(void)
{
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~1ul);
	isb();
}

void firmware_main(const void *dtb, u64 entry_ticks);

void firmware_main(const void *dtb, u64 entry_ticks)
{
	(void)entry_ticks;
	guest_begin(dtb, "guest-abort");

	/* 1. external aborts, MMU off */
	trap_arm(FIXUP_SKIP);
	u32 v = load_at(UNASSIGNED);
	expect_abort("ext-abort-load", 1, 0x96000010, UNASSIGNED, (u64)load_at_insn);	/* EC 0x25, DFSC 0x10 */
	check_eq("ext-abort-load-skipped", v, 0xdead);
	trap_arm(FIXUP_SKIP);
	store_at(UNASSIGNED + 8, 1);
	expect_abort("ext-abort-store", 2, 0x96000050, UNASSIGNED + 8, (u64)store_at_insn);	/* WnR */

	/* 2. MMU on */
	build_tables();
	mmu_on();
	check_eq("mmu-on", read_sysreg(sctlr_el1) & 1, 1);
	check_eq("mmu-on-ram-read", load_at((u64)&probe), 0x600dcafe);
	check_eq("mmu-on-readonly-page-read", load_at(READONLY_PAGE), 0);
	check_eq("mmu-on-no-trap-yet", trap_count, 2);

	trap_arm(FIXUP_SKIP);
	v = load_at(LEVEL1_HOLE + 0x40);
	expect_abort("translation-l1-load", 3, 0x96000005, LEVEL1_HOLE + 0x40, (u64)load_at_insn);
	check_eq("translation-l1-load-skipped", v, 0xdead);

	trap_arm(FIXUP_SKIP);
	v = load_at(UNASSIGNED + 0x10);
	expect_abort("translation-l2-load", 4, 0x96000006, UNASSIGNED + 0x10, (u64)load_at_insn);

	trap_arm(FIXUP_SKIP);
	store_at(MISSING_PAGE + 0x18, 0x1234);
	expect_abort("translation-l3-store", 5, 0x96000047, MISSING_PAGE + 0x18, (u64)store_at_insn);

	trap_arm(FIXUP_SKIP);
	store_at(READONLY_PAGE + 0x20, 0x1234);
	expect_abort("permission-l3-store", 6, 0x9600004f, READONLY_PAGE + 0x20, (u64)store_at_insn);
	check_eq("permission-l3-store-not-written", load_at(READONLY_PAGE + 0x20), 0);

	trap_arm(FIXUP_LR);
	u64 r = call_at(MISSING_PAGE);
	/* EC 0x21 (instruction abort, same EL), IFSC translation fault level 3;
	 * ELR = FAR = the branch target */
	expect_abort("instruction-abort-l3", 7, 0x86000007, MISSING_PAGE, MISSING_PAGE);
	check_eq("instruction-abort-l3-returned", r, MISSING_PAGE);

	mmu_off();
	check_eq("mmu-off", read_sysreg(sctlr_el1) & 1, 0);
	check_eq("traps-in-all", trap_count, 7);
	guest_done();
}
