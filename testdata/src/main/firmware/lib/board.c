#include "board.h"

static int find_console(const struct fdt *f, u64 *base)
{
	int chosen = fdt_path(f, "/chosen", 7);
	if (chosen < 0)
		return chosen;
	u32 len;
	const u8 *p = fdt_getprop(f, chosen, "stdout-path", &len);
	if (!p || len == 0 || p[len - 1] != '\0')
		return FDT_ERR_NOTFOUND;
	size_t n = 0;
	while (n < len - 1 && p[n] != ':')
		n++;
	int node = fdt_path(f, (const char *)p, n);
	if (node < 0)
		return node;
	/* Only a PL011 is driven; anything else stays silent. */
	u32 clen;
	const u8 *compat = fdt_getprop(f, node, "compatible", &clen);
	int pl011 = 0;
	for (u32 i = 0; compat && i < clen; i += (u32)strlen((const char *)compat + i) + 1)
		if (strcmp((const char *)compat + i, "arm,pl011") == 0)
			pl011 = 1;
	if (!pl011)
		return FDT_ERR_NOTFOUND;
	u64 size;
	return fdt_reg(f, node, 0, base, &size);
}

int board_init(struct fdt *f, const void *dtb)
{
	int err = fdt_open(f, dtb);
	if (err)
		return err;
	u64 uart;
	err = find_console(f, &uart);
	if (err)
		return err;
	console_init(uart);
	int psci = fdt_path(f, "/psci", 5);
	int smc = 0;
	if (psci >= 0) {
		u32 len;
		const u8 *m = fdt_getprop(f, psci, "method", &len);
		smc = m && len == 4 && memcmp(m, "smc", 4) == 0;
	}
	psci_init(smc);
	return 0;
}

int board_memory(const struct fdt *f, u64 *base, u64 *size)
{
	int node = fdt_path(f, "/memory", 7);
	if (node < 0)
		return node;
	return fdt_reg(f, node, 0, base, size);
}
