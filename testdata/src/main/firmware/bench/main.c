/*
 * fw_cfg benchmark firmware (-bios). Times the fw_cfg interfaces with the
 * generic timer and follows a plan the host passes as the fw_cfg file
 * "opt/virtfw/bench-plan": one step per line, words separated by spaces.
 *
 *   dma <file> <repeats>     one DMA READ of the whole file into RAM the
 *                            guest never touched (what a boot pays), then
 *                            <repeats> READs into that same buffer
 *   legacy1 <file>           the whole file with 1-byte data register reads
 *   legacy8 <file>           the whole file with 8-byte data register reads
 *   mmio1 <file> <count>     <count> 1-byte data reads, values discarded
 *   mmio8 <file> <count>     <count> 8-byte data reads, values discarded
 *   store8 <file>            8-byte stores of a counter over the legacy
 *                            buffer (sized to the file): what the legacy8
 *                            loop does besides its data register reads
 *   store8nx <file>          the same with the MMU on and the buffer mapped
 *                            never-executable, as an OS maps its data (the
 *                            firmware's own RAM stays executable); the MMU
 *                            is off again afterwards
 *   dmachunk <file> <chunk> <count>
 *                            <count> DMA READs of <chunk> bytes each through
 *                            the file from its start (the first with SELECT),
 *                            all into one buffer the guest has written
 *                            first: the per-transfer cost
 *   dmaskip <file> <chunk> <count>
 *                            the same with SKIP: no bytes move
 *
 * Lines printed:
 *
 *   virtfw bench
 *   TIME entry 0 <counter> <freq>
 *   TIME bench-<step>:<file> <bytes, accesses or transfers> <ticks> <freq>
 *        (step: dma-fresh, dma-repeat, legacy1, legacy8, mmio1, mmio8, store8, store8nx,
 *        dmachunk<chunk>, dmaskip<chunk>)
 *   BENCH sample <step>:<file> first=0x<16 hex> last=0x<16 hex>
 *        (the first and last 8 bytes loaded, little-endian words)
 *   BENCH chunk dmachunk<chunk>:<file> at=<offset> first=0x<16 hex> last=0x<16 hex>
 *        (the same of the last chunk, which starts at <offset> in the file)
 *   BENCH error <what>: <why>
 *   BENCH done steps=<n>
 *
 * Loads store into RAM after the firmware's own 1 MiB; each dma step takes a
 * fresh buffer, legacy steps share one buffer that grows when needed.
 */
#include "board.h"
#include "fwcfg.h"

#define PLAN_NAME "opt/virtfw/bench-plan"
#define PLAN_MAX 8192u
#define WORD_MAX 64u
#define MAX_WORDS 4

extern char __firmware_ram_end[];

static struct fdt fdt;
static struct fwcfg cfg;
static u64 freq;
static u64 heap, ram_end;
static u8 *dir;
static u32 dir_count;
static char plan[PLAN_MAX + 1];
static u8 *legacy_buf;
static u64 legacy_cap;
static u32 steps;

static void timing(const char *step, const char *file, u64 bytes, u64 ticks)
{
	printf("TIME bench-%s:%s %lu %lu %lu\n", step, file, bytes, ticks, freq);
}

static void error(const char *what, const char *why)
{
	printf("BENCH error %s: %s\n", what, why);
}

/* Bump allocator over RAM after the firmware's own 1 MiB, 2 MiB-aligned so
 * that every buffer starts on a page the guest never touched. */
static u8 *ram_alloc(u64 size)
{
	u64 start = ALIGN_UP(heap, 0x200000ul);
	if (start > ram_end || size > ram_end - start)
		return NULL;
	heap = start + size;
	return (u8 *)start;
}

static u64 le64(const u8 *p)
{
	u64 v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void sample(const char *step, const char *file, const u8 *buf, u64 n)
{
	u64 first = n >= 8 ? le64(buf) : 0;
	u64 last = n >= 8 ? le64(buf + n - 8) : 0;
	printf("BENCH sample %s:%s first=0x%016lx last=0x%016lx\n", step, file, first, last);
}

static int read_directory(void)
{
	u32 count_be;
	fwcfg_select(&cfg, FW_CFG_FILE_DIR);
	fwcfg_read_legacy(&cfg, &count_be, 4);
	dir_count = bswap32(count_be);
	if (dir_count > 4096)
		return -1;
	dir = ram_alloc(4 + (u64)dir_count * FW_CFG_FILE_ENTRY_SIZE);
	if (!dir)
		return -1;
	fwcfg_select(&cfg, FW_CFG_FILE_DIR);
	fwcfg_read_legacy(&cfg, dir, 4 + (u64)dir_count * FW_CFG_FILE_ENTRY_SIZE);
	return 0;
}

static int find_file(const char *name, struct fwcfg_file *out)
{
	for (u32 i = 0; i < dir_count; i++) {
		fwcfg_decode_file(dir, i, out);
		if (strcmp(out->name, name) == 0)
			return 0;
	}
	return -1;
}

static void step_dma(const struct fwcfg_file *f, u64 repeats)
{
	if (!cfg.has_dma) {
		error(f->name, "the device offers no DMA interface");
		return;
	}
	u8 *buf = ram_alloc(f->size);
	if (!buf) {
		error(f->name, "no room in RAM for a fresh buffer");
		return;
	}
	u64 t0 = timer_count();
	u32 ctl = fwcfg_dma_read_item(&cfg, f->select, buf, f->size);
	u64 t1 = timer_count();
	if (ctl) {
		error(f->name, "DMA transfer reported an error");
		return;
	}
	timing("dma-fresh", f->name, f->size, t1 - t0);
	sample("dma-fresh", f->name, buf, f->size);
	for (u64 r = 0; r < repeats; r++) {
		t0 = timer_count();
		ctl = fwcfg_dma_read_item(&cfg, f->select, buf, f->size);
		t1 = timer_count();
		if (ctl) {
			error(f->name, "DMA transfer reported an error");
			return;
		}
		timing("dma-repeat", f->name, f->size, t1 - t0);
	}
	sample("dma-repeat", f->name, buf, f->size);
}

static u8 *legacy_buffer(u64 size)
{
	if (size > legacy_cap) {
		legacy_buf = ram_alloc(size);
		legacy_cap = legacy_buf ? size : 0;
	}
	return legacy_buf;
}

static void step_legacy1(const struct fwcfg_file *f)
{
	u8 *buf = legacy_buffer(f->size);
	if (!buf) {
		error(f->name, "no room in RAM for the legacy buffer");
		return;
	}
	volatile u8 *data = (volatile u8 *)(cfg.base + FW_CFG_DATA);
	u64 n = f->size;
	u64 t0 = timer_count();
	fwcfg_select(&cfg, f->select);
	for (u64 i = 0; i < n; i++)
		buf[i] = *data;
	u64 t1 = timer_count();
	timing("legacy1", f->name, n, t1 - t0);
	sample("legacy1", f->name, buf, n);
}

static void step_legacy8(const struct fwcfg_file *f)
{
	u8 *buf = legacy_buffer(f->size);
	if (!buf) {
		error(f->name, "no room in RAM for the legacy buffer");
		return;
	}
	u64 t0 = timer_count();
	fwcfg_select(&cfg, f->select);
	fwcfg_read_legacy(&cfg, buf, f->size);
	u64 t1 = timer_count();
	timing("legacy8", f->name, f->size, t1 - t0);
	sample("legacy8", f->name, buf, f->size);
}

static void step_mmio(const struct fwcfg_file *f, int width, u64 count)
{
	u64 sink = 0;
	u64 t0 = timer_count();
	fwcfg_select(&cfg, f->select);
	if (width == 1) {
		volatile u8 *data = (volatile u8 *)(cfg.base + FW_CFG_DATA);
		for (u64 i = 0; i < count; i++)
			sink += *data;
	} else {
		volatile u64 *data = (volatile u64 *)(cfg.base + FW_CFG_DATA);
		for (u64 i = 0; i < count; i++)
			sink += *data;
	}
	u64 t1 = timer_count();
	timing(width == 1 ? "mmio1" : "mmio8", f->name, count, t1 - t0);
	printf("BENCH sum %s:%s 0x%016lx\n", width == 1 ? "mmio1" : "mmio8", f->name, sink);
}

static void step_dmachunk(const struct fwcfg_file *f, u64 chunk, u64 count, int skip)
{
	if (!cfg.has_dma) {
		error(f->name, "the device offers no DMA interface");
		return;
	}
	if (chunk == 0 || chunk > 0x80000000u || count == 0 || count > f->size / chunk) {
		error(f->name, "the chunks run past the end of the file");
		return;
	}
	u8 *buf = legacy_buffer(chunk);
	if (!buf) {
		error(f->name, "no room in RAM for the chunk buffer");
		return;
	}
	/* Into RAM the guest has written (not the host's first touch of it). */
	for (u64 i = 0; i < chunk; i++)
		((volatile u8 *)buf)[i] = 0;
	u32 op = skip ? FW_CFG_DMA_CTL_SKIP : FW_CFG_DMA_CTL_READ;
	u64 t0 = timer_count();
	u32 ctl = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(f->select) | op, (u32)chunk, (u64)(uintptr_t)buf);
	for (u64 i = 1; i < count; i++)
		ctl |= fwcfg_dma(&cfg, op, (u32)chunk, (u64)(uintptr_t)buf);
	u64 t1 = timer_count();
	if (ctl) {
		error(f->name, "DMA transfer reported an error");
		return;
	}
	printf("TIME bench-%s%lu:%s %lu %lu %lu\n", skip ? "dmaskip" : "dmachunk", chunk, f->name, count, t1 - t0,
	       freq);
	if (!skip && chunk >= 8)
		printf("BENCH chunk dmachunk%lu:%s at=%lu first=0x%016lx last=0x%016lx\n", chunk, f->name,
		       (count - 1) * chunk, *(u64 *)buf, *(u64 *)(buf + chunk - 8));
}

/* Translation tables for store8nx: 4 KiB granule, 39-bit VAs from level 1
 * (TTBR0_EL1), every address mapped to itself as normal memory. The first
 * GiB (flash, devices) is one block; the second (RAM from 0x4000_0000) is 2 MiB
 * blocks, those from the first 2 MiB boundary after the firmware's own RAM
 * never executable (PXN, UXN). */
static u64 tables[2][512] __attribute__((aligned(4096)));

#define PTE_BLOCK_NORMAL 0x705ul   /* block, AttrIndx 1 (normal), inner shareable, AF */
#define PTE_TABLE 0x3ul
#define PTE_XN (3ul << 53)         /* PXN and UXN */

static void mmu_on(void)
{
	u64 exec_end = ALIGN_UP((u64)__firmware_ram_end, 0x200000ul);
	tables[0][0] = 0x0ul | PTE_BLOCK_NORMAL;
	tables[0][1] = (u64)tables[1] | PTE_TABLE;
	for (u64 i = 0; i < 512; i++) {
		u64 pa = 0x40000000ul + (i << 21);
		tables[1][i] = pa | PTE_BLOCK_NORMAL | (pa >= exec_end ? PTE_XN : 0);
	}
	/* MAIR: attr 0 device nGnRnE, attr 1 normal write-back; TCR: T0SZ 25,
	 * walks write-back and inner shareable, EPD1 (no TTBR1 walks). Only
	 * SCTLR_EL1.M changes: the caches stay as they were. */
	__asm__ volatile("msr mair_el1, %0\n"
			 "msr tcr_el1, %1\n"
			 "msr ttbr0_el1, %2\n"
			 "dsb sy\n"
			 "isb\n"
			 "mrs x9, sctlr_el1\n"
			 "orr x9, x9, #1\n"
			 "msr sctlr_el1, x9\n"
			 "isb\n"
			 :: "r"(0xff00ul), "r"(25ul | 0x500ul | 0x3000ul | (1ul << 23)), "r"((u64)tables[0])
			 : "x9", "memory");
}

static void mmu_off(void)
{
	__asm__ volatile("mrs x9, sctlr_el1\n"
			 "bic x9, x9, #1\n"
			 "msr sctlr_el1, x9\n"
			 "isb\n"
			 "tlbi vmalle1\n"
			 "dsb sy\n"
			 "isb\n" ::: "x9", "memory");
}

/* store8, and with mmu store8nx: the same loop with the MMU on (mmu_on). */
static void step_store8(const struct fwcfg_file *f, int mmu)
{
	volatile u64 *buf = (volatile u64 *)legacy_buffer(f->size);
	if (!buf) {
		error(f->name, "no room in RAM for the legacy buffer");
		return;
	}
	if (mmu && (u64)buf + f->size > 0x80000000ul) {
		error(f->name, "store8nx maps RAM below 2 GiB only");
		return;
	}
	u64 n = f->size / 8;
	if (mmu)
		mmu_on();
	u64 t0 = timer_count();
	for (u64 i = 0; i < n; i++)
		buf[i] = i;
	u64 t1 = timer_count();
	if (mmu)
		mmu_off();
	timing(mmu ? "store8nx" : "store8", f->name, n, t1 - t0);
}

/* Splits one plan line into at most MAX_WORDS words; returns the count. */
static int split(char *line, char *words[MAX_WORDS])
{
	int n = 0;
	char *p = line;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			*p++ = '\0';
		if (!*p)
			break;
		if (n == MAX_WORDS)
			return -1;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
	}
	return n;
}

static int number(const char *s, u64 *out)
{
	size_t len = strlen(s);
	return len > 0 && parse_u64(s, len, 10, out) == (int)len;
}

static void run_line(char *line)
{
	char *w[MAX_WORDS];
	int n = split(line, w);
	if (n == 0)
		return;
	if (n < 2) {
		error("plan", "a step needs a file name (and at most 2 arguments)");
		return;
	}
	struct fwcfg_file f;
	if (strlen(w[1]) >= WORD_MAX || find_file(w[1], &f) != 0) {
		error(w[1], "no such fw_cfg file");
		return;
	}
	u64 arg = 0, arg2 = 0;
	int chunked = strcmp(w[0], "dmachunk") == 0 || strcmp(w[0], "dmaskip") == 0;
	int want_arg = strcmp(w[0], "dma") == 0 || strcmp(w[0], "mmio1") == 0 || strcmp(w[0], "mmio8") == 0;
	if (chunked ? n != 4 || !number(w[2], &arg) || !number(w[3], &arg2)
	            : want_arg != (n == 3) || (want_arg && !number(w[2], &arg))) {
		error(w[0], "wrong arguments");
		return;
	}
	if (chunked)
		step_dmachunk(&f, arg, arg2, strcmp(w[0], "dmaskip") == 0);
	else if (strcmp(w[0], "dma") == 0)
		step_dma(&f, arg);
	else if (strcmp(w[0], "legacy1") == 0)
		step_legacy1(&f);
	else if (strcmp(w[0], "legacy8") == 0)
		step_legacy8(&f);
	else if (strcmp(w[0], "mmio1") == 0)
		step_mmio(&f, 1, arg);
	else if (strcmp(w[0], "mmio8") == 0)
		step_mmio(&f, 8, arg);
	else if (strcmp(w[0], "store8") == 0 || strcmp(w[0], "store8nx") == 0)
		step_store8(&f, strcmp(w[0], "store8nx") == 0);
	else {
		error(w[0], "unknown step");
		return;
	}
	steps++;
}

void firmware_main(const void *dtb, u64 entry_ticks)
{
	if (board_init(&fdt, dtb) != 0)
		psci_system_off(); /* no console to report on */
	freq = timer_freq();
	printf("virtfw bench\n");
	printf("TIME entry 0 %lu %lu\n", entry_ticks, freq);

	u64 ram_base;
	if (board_memory(&fdt, &ram_base, &ram_end) != 0) {
		error("dt", "no /memory");
		psci_system_off();
	}
	ram_end += ram_base;
	heap = (u64)__firmware_ram_end;
	if (fwcfg_probe(&cfg, &fdt) != 0) {
		error("dt", "no qemu,fw-cfg-mmio device");
		psci_system_off();
	}
	struct fwcfg_file pf;
	if (read_directory() != 0 || find_file(PLAN_NAME, &pf) != 0) {
		error(PLAN_NAME, "no such fw_cfg file");
		psci_system_off();
	}
	if (pf.size > PLAN_MAX) {
		error(PLAN_NAME, "larger than 8 KiB");
		psci_system_off();
	}
	fwcfg_select(&cfg, pf.select);
	fwcfg_read_legacy(&cfg, plan, pf.size);
	plan[pf.size] = '\0';

	char *line = plan;
	while (*line) {
		char *end = line;
		while (*end && *end != '\n')
			end++;
		int more = *end == '\n';
		*end = '\0';
		run_line(line);
		line = more ? end + 1 : end;
	}
	printf("BENCH done steps=%u\n", steps);
}
