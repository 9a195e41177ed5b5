/*
 * The test "kernel": an arm64 Image that reports what it was given and
 * powers off. Lines (all on the UART named by /chosen/stdout-path):
 *
 *   KERNEL entry x0=0x<dtb> x1=0x<x1> x2=0x<x2> x3=0x<x3> el=<n>
 *   KERNEL dtb totalsize=0x<n> nodes=<n> properties=<n> valid=<0|1>
 *   KERNEL image base=0x<addr> text_offset=0x<n> image_size=0x<n> flags=0x<n>
 *   KERNEL padding bytes=<n> crc32=<8 hex>
 *   KERNEL bootargs "<text>"            or  KERNEL bootargs none
 *   KERNEL initrd start=0x<a> end=0x<b> size=<n> crc32=<8 hex>   or  KERNEL initrd none
 *   TIME kernel-entry 0 <counter at entry> <freq>
 *   TIME kernel-initrd-crc <bytes> <ticks> <freq>
 *   KERNEL poweroff
 *
 * With the word "virtfw.dumpdtb" in bootargs, the device tree's used bytes
 * (header to the end of the strings block) are also printed before the
 * power-off, 32 bytes a line as lower-case hex: "KERNEL dtb-dump <hex>".
 *
 * The padding is whatever follows the built image inside image_size (the
 * Java TestKernel utility appends deterministic bytes and sets image_size).
 */
#include "board.h"

extern char _head[];
extern char __end[];

#define DUMP_DTB_WORD "virtfw.dumpdtb"
#define DUMP_BYTES_PER_LINE 32

static int has_word(const char *s, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = s; *p; p++) {
		int at_start = p == s || p[-1] == ' ';
		if (at_start && strncmp(p, word, n) == 0 && (p[n] == '\0' || p[n] == ' '))
			return 1;
	}
	return 0;
}

static void dump_dtb(const u8 *dtb)
{
	u32 used = fdt_used_size(dtb);
	for (u32 i = 0; i < used; i += DUMP_BYTES_PER_LINE) {
		printf("KERNEL dtb-dump ");
		for (u32 k = i; k < used && k < i + DUMP_BYTES_PER_LINE; k++)
			printf("%02x", dtb[k]);
		printf("\n");
	}
}

static u64 initrd_prop(const struct fdt *f, int chosen, const char *name, int *ok)
{
	u32 len;
	const u8 *p = fdt_getprop(f, chosen, name, &len);
	if (!p || (len != 4 && len != 8)) {
		*ok = 0;
		return 0;
	}
	return fdt_cells(p, len / 4);
}

void kernel_main(u64 x0, u64 x1, u64 x2, u64 x3, u64 entry_ticks, u64 base)
{
	struct fdt f;
	crc32_init();
	if ((x0 & 7) != 0 || board_init(&f, (const void *)x0) != 0)
		psci_system_off(); /* no device tree, no console */
	u64 freq = timer_freq();
	printf("KERNEL entry x0=0x%lx x1=0x%lx x2=0x%lx x3=0x%lx el=%u\n", x0, x1, x2, x3, current_el());

	u32 nodes, props;
	int valid = fdt_stats(&f, &nodes, &props) == 0;
	printf("KERNEL dtb totalsize=0x%x nodes=%u properties=%u valid=%u\n", f.totalsize, nodes, props, valid);

	const u64 *header = (const u64 *)base;
	u64 text_offset = header[1], image_size = header[2], flags = header[3];
	printf("KERNEL image base=0x%lx text_offset=0x%lx image_size=0x%lx flags=0x%lx\n", base, text_offset,
	       image_size, flags);
	u64 own = (u64)(__end - _head);
	u64 pad = image_size > own ? image_size - own : 0;
	u32 pad_crc = crc32_end(crc32_update(crc32_begin(), (const u8 *)base + own, pad));
	printf("KERNEL padding bytes=%lu crc32=%08x\n", pad, pad_crc);

	int chosen = fdt_path(&f, "/chosen", 7);
	u32 len = 0;
	const u8 *args = chosen >= 0 ? fdt_getprop(&f, chosen, "bootargs", &len) : NULL;
	int dump = 0;
	if (args && len > 0 && args[len - 1] == '\0') {
		printf("KERNEL bootargs \"%s\"\n", (const char *)args);
		dump = has_word((const char *)args, DUMP_DTB_WORD);
	} else {
		printf("KERNEL bootargs none\n");
	}

	int ok = chosen >= 0;
	u64 start = ok ? initrd_prop(&f, chosen, "linux,initrd-start", &ok) : 0;
	u64 end = ok ? initrd_prop(&f, chosen, "linux,initrd-end", &ok) : 0;
	u64 t0 = 0, t1 = 0;
	if (ok && end >= start) {
		t0 = timer_count();
		u32 crc = crc32_end(crc32_update(crc32_begin(), (const u8 *)start, end - start));
		t1 = timer_count();
		printf("KERNEL initrd start=0x%lx end=0x%lx size=%lu crc32=%08x\n", start, end, end - start, crc);
	} else {
		printf("KERNEL initrd none\n");
	}
	printf("TIME kernel-entry 0 %lu %lu\n", entry_ticks, freq);
	printf("TIME kernel-initrd-crc %lu %lu %lu\n", ok ? end - start : 0, t1 - t0, freq);
	if (dump)
		dump_dtb((const u8 *)x0);
	printf("KERNEL poweroff\n");
}
