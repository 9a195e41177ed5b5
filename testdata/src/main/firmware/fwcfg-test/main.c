/*
 * fw_cfg test firmware (-bios). Finds the UART, PSCI and fw_cfg through the
 * device tree QEMU places at the start of RAM, then exercises the legacy
 * and DMA interfaces and prints one line per check:
 *
 *   CHECK <name> PASS|FAIL <detail>
 *   TIME <what> <bytes> <ticks> <counter frequency>
 *   SUMMARY <n> passed, <m> failed
 *
 * File contents are checked against the manifest the host passes as the
 * fw_cfg file "opt/virtfw/crc32": one line per file, "<name> <size> <crc32>",
 * size in decimal, CRC-32 (zlib) as 8 hex digits. Files without a manifest
 * line (QEMU's own) are checked for agreement between the read methods.
 */
#include "board.h"
#include "fwcfg.h"

#define MANIFEST_NAME "opt/virtfw/crc32"
#define MAX_MANIFEST 64
#define FILL_PATTERN 0xA5
#define TAIL_PATTERN 0xEE
#define TAIL_BYTES 8

extern char __firmware_ram_end[];
extern char __dtb_base[];
extern char __dtb_max[];

struct manifest_entry {
	char name[FW_CFG_MAX_FILE_PATH];
	u64 size;
	u32 crc;
	int seen;
};

static struct fdt fdt;
static struct fwcfg cfg;
static u32 passed, failed;
static u64 freq;
static struct manifest_entry manifest[MAX_MANIFEST];
static u32 manifest_count;
static u64 ram_base, ram_end, heap;

static void check(int ok, const char *name, const char *suffix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void check(int ok, const char *name, const char *suffix, const char *fmt, ...)
{
	va_list ap;
	if (ok)
		passed++;
	else
		failed++;
	printf("CHECK %s%s%s %s ", name, suffix ? ":" : "", suffix ? suffix : "", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void timing(const char *what, const char *suffix, u64 bytes, u64 ticks)
{
	printf("TIME %s%s%s %lu %lu %lu\n", what, suffix ? ":" : "", suffix ? suffix : "", bytes, ticks, freq);
}

/* Bump allocator over the RAM after the firmware's own 1 MiB. */
static u8 *ram_alloc(u64 size)
{
	u64 start = ALIGN_UP(heap, 4096);
	if (start > ram_end || size > ram_end - start)
		return NULL;
	heap = start + size;
	return (u8 *)start;
}

static int all_equal(const u8 *p, u64 n, u8 v)
{
	for (u64 i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static void check_registers(void)
{
	u8 sig[4];
	fwcfg_select(&cfg, FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		sig[i] = fwcfg_read1(&cfg);
	check(memcmp(sig, "QEMU", 4) == 0, "signature-legacy1", NULL, "bytes=%02x%02x%02x%02x", sig[0], sig[1],
	      sig[2], sig[3]);

	fwcfg_select(&cfg, FW_CFG_SIGNATURE);
	u32 sig4 = fwcfg_read4(&cfg);
	check(sig4 == 0x554D4551u, "signature-legacy4", NULL, "value=0x%08x", sig4);

	fwcfg_select(&cfg, FW_CFG_SIGNATURE);
	u64 sig8 = fwcfg_read8(&cfg);
	u64 after = fwcfg_read8(&cfg);
	check(sig8 == 0x554D4551ul && after == 0, "signature-legacy8-past-end", NULL, "value=0x%016lx next=0x%lx",
	      sig8, after);

	fwcfg_select(&cfg, FW_CFG_ID);
	u32 id = fwcfg_read4(&cfg);
	check((id & FW_CFG_VERSION) && (id & FW_CFG_VERSION_DMA), "id-features", NULL,
	      "id=0x%x traditional=%u dma=%u", id, id & FW_CFG_VERSION, (id & FW_CFG_VERSION_DMA) >> 1);

	u64 dma_sig = mmio_read64(cfg.base + FW_CFG_DMA_ADDR);
	check(bswap64(dma_sig) == FW_CFG_DMA_SIGNATURE, "dma-signature", NULL, "value=0x%016lx", dma_sig);

	u32 lo = mmio_read32(cfg.base + FW_CFG_DMA_ADDR), hi = mmio_read32(cfg.base + FW_CFG_DMA_ADDR_LOW);
	check(bswap32(lo) == 0x51454d55u && bswap32(hi) == 0x20434647u, "dma-signature-read32", NULL,
	      "low=0x%08x high=0x%08x", lo, hi);

	fwcfg_select(&cfg, FW_CFG_INVALID_KEY);
	u64 unknown = fwcfg_read8(&cfg);
	u8 unknown1 = fwcfg_read1(&cfg);
	check(unknown == 0 && unknown1 == 0, "unknown-key-legacy", NULL, "key=0x%x value=0x%lx", FW_CFG_INVALID_KEY,
	      unknown);

	/* A legacy write to the data register is ignored (the item is read-only). */
	fwcfg_select(&cfg, FW_CFG_SIGNATURE);
	mmio_write8(cfg.base + FW_CFG_DATA, 0x58);
	fwcfg_select(&cfg, FW_CFG_SIGNATURE);
	u32 again = fwcfg_read4(&cfg);
	check(again == 0x554D4551u, "legacy-data-write-ignored", NULL, "value=0x%08x", again);
}

static void check_dma_edges(u8 *buf)
{
	u32 ctl;

	memset(buf, 0xFF, 32);
	ctl = fwcfg_dma_trigger(&cfg, fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_READ, 4, (u64)buf,
				FWCFG_TRIGGER_64);
	check(ctl == 0 && memcmp(buf, "QEMU", 4) == 0 && buf[4] == 0xFF, "dma-read-trigger64", NULL,
	      "control=0x%x", ctl);

	memset(buf, 0xFF, 32);
	ctl = fwcfg_dma_trigger(&cfg, fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_READ, 4, (u64)buf,
				FWCFG_TRIGGER_SPLIT32);
	check(ctl == 0 && memcmp(buf, "QEMU", 4) == 0 && buf[4] == 0xFF, "dma-read-trigger-split32", NULL,
	      "control=0x%x", ctl);

	/* A 32-bit write of the high half alone must not start a transfer. */
	mmio_write32(cfg.base + FW_CFG_DMA_ADDR, 0);
	fwcfg_select(&cfg, FW_CFG_SIGNATURE);
	u32 sig = fwcfg_read4(&cfg);
	check(sig == 0x554D4551u, "dma-high-half-only-no-transfer", NULL, "value=0x%08x", sig);

	memset(buf, 0xFF, 32);
	ctl = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_READ, 12, (u64)buf);
	check(ctl == 0 && memcmp(buf, "QEMU", 4) == 0 && all_equal(buf + 4, 8, 0) && buf[12] == 0xFF,
	      "dma-read-past-end", NULL, "control=0x%x zero-filled=%u", ctl, all_equal(buf + 4, 8, 0));

	memset(buf, 0xFF, 32);
	ctl = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(FW_CFG_INVALID_KEY) | FW_CFG_DMA_CTL_READ, 16, (u64)buf);
	check(ctl == 0 && all_equal(buf, 16, 0) && buf[16] == 0xFF, "dma-unknown-key", NULL,
	      "key=0x%x control=0x%x", FW_CFG_INVALID_KEY, ctl);

	memset(buf, 0xFF, 32);
	ctl = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_WRITE, 4, (u64)buf);
	u32 ctl2 = fwcfg_dma(&cfg, FW_CFG_DMA_CTL_READ, 4, (u64)buf + 8);
	check(ctl == FW_CFG_DMA_CTL_ERROR && ctl2 == 0 && all_equal(buf + 8, 4, 0), "dma-write-read-only", NULL,
	      "control=0x%x then-read control=0x%x offset-advanced=%u", ctl, ctl2, all_equal(buf + 8, 4, 0));

	memset(buf, 0xFF, 32);
	ctl = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_READ, 0, (u64)buf);
	ctl2 = fwcfg_dma(&cfg, FW_CFG_DMA_CTL_READ, 4, (u64)buf + 8);
	check(ctl == 0 && all_equal(buf, 8, 0xFF) && ctl2 == 0 && memcmp(buf + 8, "QEMU", 4) == 0,
	      "dma-zero-length-read", NULL, "control=0x%x untouched=%u", ctl, all_equal(buf, 8, 0xFF));

	ctl = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_WRITE, 0, (u64)buf);
	check(ctl == 0, "dma-zero-length-write", NULL, "control=0x%x", ctl);

	memset(buf, 0xFF, 32);
	ctl = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_SKIP, 0, 0);
	ctl2 = fwcfg_dma(&cfg, FW_CFG_DMA_CTL_READ, 4, (u64)buf);
	check(ctl == 0 && ctl2 == 0 && memcmp(buf, "QEMU", 4) == 0, "dma-zero-length-skip", NULL, "control=0x%x",
	      ctl);

	memset(buf, 0xFF, 32);
	ctl = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_SKIP, 2, 0);
	ctl2 = fwcfg_dma(&cfg, FW_CFG_DMA_CTL_READ, 4, (u64)buf);
	check(ctl == 0 && ctl2 == 0 && memcmp(buf, "MU\0\0", 4) == 0, "dma-skip", NULL,
	      "control=0x%x bytes=%02x%02x%02x%02x", ctl, buf[0], buf[1], buf[2], buf[3]);

	memset(buf, 0xFF, 32);
	ctl = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_SKIP, 1000, 0);
	ctl2 = fwcfg_dma(&cfg, FW_CFG_DMA_CTL_READ, 4, (u64)buf);
	check(ctl == 0 && ctl2 == 0 && all_equal(buf, 4, 0), "dma-skip-past-end", NULL, "control=0x%x", ctl);

	memset(buf, 0xFF, 32);
	ctl = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(FW_CFG_ID), 4, (u64)buf);
	ctl2 = fwcfg_dma(&cfg, FW_CFG_DMA_CTL_READ, 4, (u64)buf + 8);
	check(ctl == 0 && all_equal(buf, 8, 0xFF) && ctl2 == 0 && (buf[8] & 3) == 3, "dma-select-only", NULL,
	      "control=0x%x untouched=%u id=0x%x", ctl, all_equal(buf, 8, 0xFF), buf[8]);

	memset(buf, 0xFF, 32);
	ctl = fwcfg_dma(&cfg,
			fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_WRITE |
				FW_CFG_DMA_CTL_SKIP,
			4, (u64)buf);
	check(ctl == 0 && memcmp(buf, "QEMU", 4) == 0, "dma-read-takes-precedence", NULL, "control=0x%x", ctl);

	/* One selector and offset shared by both interfaces. */
	memset(buf, 0xFF, 32);
	fwcfg_select(&cfg, FW_CFG_SIGNATURE);
	u8 first = fwcfg_read1(&cfg);
	ctl = fwcfg_dma(&cfg, FW_CFG_DMA_CTL_READ, 3, (u64)buf);
	check(first == 'Q' && ctl == 0 && memcmp(buf, "EMU", 3) == 0, "shared-state-legacy-then-dma", NULL,
	      "control=0x%x", ctl);

	ctl = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_READ, 2, (u64)buf);
	u8 third = fwcfg_read1(&cfg);
	check(ctl == 0 && third == 'M', "shared-state-dma-then-legacy", NULL, "control=0x%x next=0x%02x", ctl,
	      third);

	/* A READ into memory that is not RAM reports ERROR; the device goes on. */
	ctl = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_READ, 4, ram_end);
	memset(buf, 0xFF, 32);
	ctl2 = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_READ, 4, (u64)buf);
	check(ctl == FW_CFG_DMA_CTL_ERROR && ctl2 == 0 && memcmp(buf, "QEMU", 4) == 0, "dma-target-not-ram", NULL,
	      "address=0x%lx control=0x%x", ram_end, ctl);

	/* A descriptor wholly outside RAM is not executed; the device goes on. */
	fwcfg_dma_kick(&cfg, ram_end);
	memset(buf, 0xFF, 32);
	ctl2 = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_READ, 4, (u64)buf);
	check(ctl2 == 0 && memcmp(buf, "QEMU", 4) == 0, "dma-descriptor-not-ram", NULL, "address=0x%lx", ram_end);

	/* A descriptor whose second half lies past the end of RAM is not executed
	 * either; QEMU still writes ERROR into its control field, which is RAM. */
	volatile u32 *half = (volatile u32 *)(ram_end - 8);
	half[0] = bswap32(fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_READ);
	half[1] = bswap32(4);
	fwcfg_dma_kick(&cfg, ram_end - 8);
	u32 straddle_ctl = bswap32(half[0]);
	memset(buf, 0xFF, 32);
	ctl2 = fwcfg_dma(&cfg, fwcfg_dma_ctl_select(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_READ, 4, (u64)buf);
	check(straddle_ctl == FW_CFG_DMA_CTL_ERROR && ctl2 == 0 && memcmp(buf, "QEMU", 4) == 0,
	      "dma-descriptor-straddles-ram-end", NULL,
	      "address=0x%lx control-after=0x%x", ram_end - 8, straddle_ctl);
}

/* Reads the directory with the legacy interface and by DMA; returns the
 * legacy copy (validated) or NULL. */
static u8 *check_directory(u32 *count_out)
{
	u32 count_be;
	fwcfg_select(&cfg, FW_CFG_FILE_DIR);
	fwcfg_read_legacy(&cfg, &count_be, 4);
	u32 count = bswap32(count_be);
	u64 size = 4 + (u64)count * FW_CFG_FILE_ENTRY_SIZE;
	u8 *legacy = ram_alloc(size + TAIL_BYTES);
	u8 *dma = ram_alloc(size + TAIL_BYTES);
	if (!legacy || !dma) {
		check(0, "directory-legacy", NULL, "count=%u does not fit in RAM", count);
		return NULL;
	}
	u64 t0 = timer_count();
	fwcfg_select(&cfg, FW_CFG_FILE_DIR);
	fwcfg_read_legacy(&cfg, legacy, size);
	u64 t1 = timer_count();
	int ok = fdt_be32(legacy) == count;
	int sorted = 1, terminated = 1, selectors = 1;
	struct fwcfg_file prev, cur;
	for (u32 i = 0; i < count; i++) {
		const u8 *raw = legacy + 4 + (u64)i * FW_CFG_FILE_ENTRY_SIZE;
		u32 n = 0;
		while (n < FW_CFG_MAX_FILE_PATH && raw[8 + n])
			n++;
		if (n == FW_CFG_MAX_FILE_PATH || n == 0)
			terminated = 0;
		fwcfg_decode_file(legacy, i, &cur);
		if (cur.select < FW_CFG_FILE_FIRST || cur.select != FW_CFG_FILE_FIRST + i)
			selectors = 0;
		if (i > 0 && strcmp(prev.name, cur.name) >= 0)
			sorted = 0;
		prev = cur;
		printf("FILE 0x%04x %u %s\n", cur.select, cur.size, cur.name);
	}
	check(ok && sorted && terminated && selectors, "directory-legacy", NULL,
	      "count=%u sorted=%u names-terminated=%u selectors-from-0x20=%u", count, sorted, terminated,
	      selectors);
	timing("directory-legacy8", NULL, size, t1 - t0);

	memset(dma, TAIL_PATTERN, size + TAIL_BYTES);
	t0 = timer_count();
	u32 ctl = fwcfg_dma_read_item(&cfg, FW_CFG_FILE_DIR, dma, size);
	t1 = timer_count();
	check(ctl == 0 && memcmp(dma, legacy, size) == 0 && all_equal(dma + size, TAIL_BYTES, TAIL_PATTERN),
	      "directory-dma", NULL, "control=0x%x identical=%u bytes=%lu", ctl, memcmp(dma, legacy, size) == 0,
	      size);
	timing("directory-dma", NULL, size, t1 - t0);
	*count_out = count;
	return legacy;
}

static int find_file(const u8 *dir, u32 count, const char *name, struct fwcfg_file *out)
{
	for (u32 i = 0; i < count; i++) {
		fwcfg_decode_file(dir, i, out);
		if (strcmp(out->name, name) == 0)
			return 1;
	}
	return 0;
}

static void load_manifest(const u8 *dir, u32 count)
{
	struct fwcfg_file mf;
	if (!find_file(dir, count, MANIFEST_NAME, &mf)) {
		check(0, "manifest", NULL, "fw_cfg file %s missing", MANIFEST_NAME);
		return;
	}
	u8 *text = ram_alloc((u64)mf.size + 1);
	if (!text || fwcfg_dma_read_item(&cfg, mf.select, text, mf.size) != 0) {
		check(0, "manifest", NULL, "cannot read %s (%u bytes)", MANIFEST_NAME, mf.size);
		return;
	}
	int bad_line = 0;
	u32 line_no = 0;
	for (u64 pos = 0; pos < mf.size;) {
		u64 end = pos;
		while (end < mf.size && text[end] != '\n')
			end++;
		line_no++;
		const char *line = (const char *)text + pos;
		u64 len = end - pos;
		pos = end + 1;
		if (len == 0)
			continue;
		u64 sp1 = 0;
		while (sp1 < len && line[sp1] != ' ')
			sp1++;
		u64 size, crc;
		int n1 = sp1 + 1 < len ? parse_u64(line + sp1 + 1, len - sp1 - 1, 10, &size) : 0;
		u64 at = sp1 + 1 + (u64)n1;
		int n2 = (n1 && at < len && line[at] == ' ') ? parse_u64(line + at + 1, len - at - 1, 16, &crc) : 0;
		if (sp1 == 0 || sp1 >= FW_CFG_MAX_FILE_PATH || !n1 || !n2 || at + 1 + (u64)n2 != len ||
		    crc > 0xFFFFFFFFul || manifest_count == MAX_MANIFEST) {
			if (!bad_line)
				bad_line = (int)line_no;
			continue;
		}
		struct manifest_entry *m = &manifest[manifest_count++];
		memcpy(m->name, line, sp1);
		m->name[sp1] = '\0';
		m->size = size;
		m->crc = (u32)crc;
	}
	check(!bad_line && manifest_count > 0, "manifest", NULL, "entries=%u bad-line=%d", manifest_count, bad_line);
}

static struct manifest_entry *manifest_for(const char *name)
{
	for (u32 i = 0; i < manifest_count; i++)
		if (strcmp(manifest[i].name, name) == 0)
			return &manifest[i];
	return NULL;
}

/* Compares a computed CRC with the manifest or, without an entry, with the
 * reference CRC of the first method (one DMA READ). */
static void report_file(const char *method, const struct fwcfg_file *f, const struct manifest_entry *m,
			u32 crc, u32 reference, int extra_ok, const char *extra)
{
	u32 want = m ? m->crc : reference;
	check(crc == want && extra_ok, method, f->name, "size=%u crc32=%08x expected=%08x%s %s", f->size, crc, want,
	      m ? "" : " (no manifest entry: expected is the DMA read's)", extra);
}

static const u32 chunk_sizes[] = {1, 3, 5, 7, 13, 31, 61, 127, 509, 1021, 4093, 8191, 65521};
static const u32 gap_sizes[] = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377};

/* Odd-sized chunks: pass 0 reads the chunks and skips the gaps, pass 1
 * skips the chunks and reads the gaps, both into the same buffer. */
static u32 dma_chunked(const struct fwcfg_file *f, u8 *buf, u32 *ops)
{
	u32 first_error = 0;
	*ops = 0;
	for (int pass = 0; pass < 2; pass++) {
		u64 pos = 0;
		u32 control = fwcfg_dma_ctl_select(f->select);
		for (u32 i = 0; pos < f->size; i++) {
			u32 chunk = chunk_sizes[i % ARRAY_SIZE(chunk_sizes)];
			u32 gap = gap_sizes[(i * 7) % ARRAY_SIZE(gap_sizes)];
			for (int part = 0; part < 2 && pos < f->size; part++) {
				u64 len = part == 0 ? chunk : gap;
				if (len > f->size - pos)
					len = f->size - pos;
				int read = (part == 0) == (pass == 0);
				u32 ctl = fwcfg_dma(&cfg, control | (read ? FW_CFG_DMA_CTL_READ : FW_CFG_DMA_CTL_SKIP),
						    (u32)len, read ? (u64)(buf + pos) : 0);
				(*ops)++;
				if (ctl && !first_error)
					first_error = ctl;
				control = 0;
				pos += len;
			}
		}
	}
	return first_error;
}

static void check_file(const struct fwcfg_file *f, u8 *buf)
{
	struct manifest_entry *m = manifest_for(f->name);
	if (m)
		m->seen = 1;

	/* One DMA READ of the whole file and TAIL_BYTES past its end. */
	memset(buf + f->size, TAIL_PATTERN, TAIL_BYTES);
	u64 t0 = timer_count();
	u32 ctl = fwcfg_dma_read_item(&cfg, f->select, buf, (u64)f->size + TAIL_BYTES);
	u64 t1 = timer_count();
	u32 reference = crc32_end(crc32_update(crc32_begin(), buf, f->size));
	int tail_zero = all_equal(buf + f->size, TAIL_BYTES, 0);
	check((m ? reference == m->crc : 1) && ctl == 0 && tail_zero && (!m || m->size == f->size), "file-dma",
	      f->name, "size=%u crc32=%08x expected=%08x control=0x%x past-end-zero=%u%s", f->size, reference,
	      m ? m->crc : reference, ctl, tail_zero, m ? "" : " (no manifest entry)");
	timing("file-dma", f->name, f->size, t1 - t0);

	/* Legacy, 1-byte reads, then one past the end. */
	t0 = timer_count();
	fwcfg_select(&cfg, f->select);
	u32 crc = crc32_begin();
	for (u32 i = 0; i < f->size; i++)
		crc = crc32_byte(crc, fwcfg_read1(&cfg));
	u8 past1 = fwcfg_read1(&cfg);
	t1 = timer_count();
	report_file("file-legacy1", f, m, crc32_end(crc), reference, past1 == 0,
		    past1 == 0 ? "past-end-zero=1" : "past-end-zero=0");
	timing("file-legacy1", f->name, f->size, t1 - t0);

	/* Legacy, 8-byte reads; the bytes after the end of the last word are 0. */
	t0 = timer_count();
	fwcfg_select(&cfg, f->select);
	crc = crc32_begin();
	u32 left = f->size;
	for (; left >= 8; left -= 8) {
		u64 w = fwcfg_read8(&cfg);
		crc = crc32_update(crc, &w, 8);
	}
	int past_ok = 1;
	if (left) {
		u64 w = fwcfg_read8(&cfg);
		crc = crc32_update(crc, &w, left);
		past_ok = (w >> (8 * left)) == 0;
	}
	past_ok = past_ok && fwcfg_read8(&cfg) == 0;
	t1 = timer_count();
	report_file("file-legacy8", f, m, crc32_end(crc), reference, past_ok,
		    past_ok ? "past-end-zero=1" : "past-end-zero=0");
	timing("file-legacy8", f->name, f->size, t1 - t0);

	/* DMA in odd-sized chunks with SKIPs, into a buffer filled with a pattern. */
	memset(buf, FILL_PATTERN, (u64)f->size + TAIL_BYTES);
	u32 ops;
	t0 = timer_count();
	ctl = dma_chunked(f, buf, &ops);
	t1 = timer_count();
	crc = crc32_end(crc32_update(crc32_begin(), buf, f->size));
	int untouched = all_equal(buf + f->size, TAIL_BYTES, FILL_PATTERN);
	u32 want = m ? m->crc : reference;
	check(crc == want && ctl == 0 && untouched, "file-dma-chunks", f->name,
	      "size=%u crc32=%08x expected=%08x%s control=0x%x transfers=%u tail-untouched=%u", f->size, crc, want,
	      m ? "" : " (no manifest entry: expected is the DMA read's)", ctl, ops, untouched);
	timing("file-dma-chunks", f->name, f->size, t1 - t0);
}

static void check_timer(void)
{
	u64 a = timer_count();
	u64 b = timer_count();
	check(freq != 0 && b >= a, "generic-timer", NULL, "cntfrq=%lu monotonic=%u", freq, b >= a);
}

void firmware_main(const void *dtb, u64 entry_ticks)
{
	crc32_init();
	if (board_init(&fdt, dtb) != 0)
		psci_system_off(); /* no console to report on */
	freq = timer_freq();
	printf("virtfw fwcfg-test\n");
	timing("entry", NULL, 0, entry_ticks);

	check(fdt.totalsize <= (u64)__dtb_max, "dtb", NULL, "totalsize=0x%x below-firmware-ram=%u", fdt.totalsize,
	      fdt.totalsize <= (u64)__dtb_max);
	int err = board_memory(&fdt, &ram_base, &ram_end);
	ram_end += ram_base;
	check(err == 0 && ram_base == (u64)__dtb_base && ram_end > (u64)__firmware_ram_end, "dt-memory", NULL,
	      "base=0x%lx end=0x%lx", ram_base, ram_end);
	if (err) {
		printf("SUMMARY %u passed, %u failed\n", passed, failed);
		psci_system_off();
	}
	heap = ALIGN_UP((u64)__firmware_ram_end, 0x100000);

	err = fwcfg_probe(&cfg, &fdt);
	check(err == 0 && cfg.size >= FW_CFG_MMIO_DMA_SIZE, "dt-fw-cfg", NULL, "base=0x%lx size=0x%lx err=%s", cfg.base,
	      cfg.size, fdt_strerror(err));
	if (err) {
		printf("SUMMARY %u passed, %u failed\n", passed, failed);
		psci_system_off();
	}
	check_timer();
	check_registers();
	u8 *scratch = ram_alloc(4096);
	check_dma_edges(scratch);

	u32 count = 0;
	u8 *dir = check_directory(&count);
	if (dir) {
		load_manifest(dir, count);
		u64 largest = 0;
		struct fwcfg_file f;
		for (u32 i = 0; i < count; i++) {
			fwcfg_decode_file(dir, i, &f);
			if (f.size > largest)
				largest = f.size;
		}
		u8 *buf = ram_alloc(largest + TAIL_BYTES);
		if (!buf) {
			check(0, "file-buffer", NULL, "largest file %lu does not fit in RAM", largest);
		} else {
			for (u32 i = 0; i < count; i++) {
				fwcfg_decode_file(dir, i, &f);
				check_file(&f, buf);
			}
		}
		for (u32 i = 0; i < manifest_count; i++)
			if (!manifest[i].seen)
				check(0, "file-present", manifest[i].name, "listed in %s but not in the directory",
				      MANIFEST_NAME);
	}
	printf("SUMMARY %u passed, %u failed\n", passed, failed);
	timing("exit", NULL, 0, timer_count());
}
