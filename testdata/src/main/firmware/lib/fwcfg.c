#include "fwcfg.h"

/* The DMA access descriptor, FWCfgDmaAccess: all fields big-endian. */
struct fwcfg_dma_access {
	u32 control;
	u32 length;
	u64 address;
} __attribute__((aligned(16)));

int fwcfg_probe(struct fwcfg *c, const struct fdt *f)
{
	int node = fdt_find_compatible(f, -1, "qemu,fw-cfg-mmio");
	if (node < 0)
		return node;
	int err = fdt_reg(f, node, 0, &c->base, &c->size);
	if (err)
		return err;
	fwcfg_select(c, FW_CFG_ID);
	u32 id = fwcfg_read4(c);
	c->has_dma = (id & FW_CFG_VERSION_DMA) && c->size >= FW_CFG_MMIO_DMA_SIZE;
	return 0;
}

void fwcfg_read_legacy(const struct fwcfg *c, void *dst, u64 n)
{
	u8 *d = dst;
	if (((uintptr_t)d & 7) == 0) {
		u64 *w = (u64 *)d;
		for (u64 i = n / 8; i; i--)
			*w++ = fwcfg_read8(c);
		d = (u8 *)w;
		n &= 7;
	} else {
		for (; n >= 8; n -= 8) {
			u64 v = fwcfg_read8(c);
			for (int k = 0; k < 8; k++, v >>= 8)
				*d++ = (u8)v;
		}
	}
	if (n) {
		u64 v = fwcfg_read8(c);
		for (; n; n--, v >>= 8)
			*d++ = (u8)v;
	}
}

u32 fwcfg_dma_trigger(const struct fwcfg *c, u32 control, u32 length, u64 address, enum fwcfg_trigger how)
{
	struct fwcfg_dma_access access;
	volatile struct fwcfg_dma_access *a = &access;
	a->control = bswap32(control);
	a->length = bswap32(length);
	a->address = bswap64(address);
	u64 desc = (u64)(uintptr_t)&access;
	dsb();
	if (how == FWCFG_TRIGGER_64) {
		mmio_write64(c->base + FW_CFG_DMA_ADDR, bswap64(desc));
	} else {
		mmio_write32(c->base + FW_CFG_DMA_ADDR, bswap32((u32)(desc >> 32)));
		mmio_write32(c->base + FW_CFG_DMA_ADDR_LOW, bswap32((u32)desc));
	}
	dsb();
	/* QEMU completes the transfer before the write returns; the spec lets a
	 * device finish later, so wait (boundedly) for the busy bits to clear. */
	u32 ctl = bswap32(a->control);
	for (u32 spin = 0; (ctl & ~(u32)FW_CFG_DMA_CTL_ERROR) && spin < 100000000u; spin++)
		ctl = bswap32(a->control);
	return ctl;
}

u32 fwcfg_dma_read_item(const struct fwcfg *c, u16 key, void *dst, u64 n)
{
	u32 control = fwcfg_dma_ctl_select(key) | FW_CFG_DMA_CTL_READ;
	u64 addr = (u64)(uintptr_t)dst;
	do {
		u32 chunk = n > 0x80000000ul ? 0x80000000u : (u32)n;
		u32 ctl = fwcfg_dma(c, control, chunk, addr);
		if (ctl)
			return ctl;
		control = FW_CFG_DMA_CTL_READ;
		addr += chunk;
		n -= chunk;
	} while (n);
	return 0;
}

void fwcfg_decode_file(const u8 *dir, u32 i, struct fwcfg_file *out)
{
	const u8 *e = dir + 4 + (u64)i * FW_CFG_FILE_ENTRY_SIZE;
	out->size = fdt_be32(e);
	out->select = (u16)((e[4] << 8) | e[5]);
	memcpy(out->name, e + 8, FW_CFG_MAX_FILE_PATH);
	out->name[FW_CFG_MAX_FILE_PATH - 1] = '\0';
}
