/*
 * QEMU fw_cfg, MMIO transport (QEMU docs/specs/fw_cfg.rst): data register
 * at +0 (byte stream), selector at +8 (16-bit big-endian), DMA address at
 * +16 (64-bit big-endian; a 32-bit write at +20 or one 64-bit write at +16
 * starts a transfer).
 */
#ifndef FWCFG_H
#define FWCFG_H
#include "fw.h"
#include "fdt.h"

#define FW_CFG_DATA 0x00
#define FW_CFG_SELECTOR 0x08
#define FW_CFG_DMA_ADDR 0x10
#define FW_CFG_DMA_ADDR_LOW 0x14
#define FW_CFG_MMIO_DMA_SIZE 0x18

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_KERNEL_SIZE 0x08
#define FW_CFG_INITRD_SIZE 0x0b
#define FW_CFG_KERNEL_DATA 0x11
#define FW_CFG_INITRD_DATA 0x12
#define FW_CFG_CMDLINE_SIZE 0x14
#define FW_CFG_CMDLINE_DATA 0x15
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_INVALID_KEY 0x3fff

#define FW_CFG_VERSION 0x01
#define FW_CFG_VERSION_DMA 0x02

#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10

/* "QEMU CFG" read from the DMA address register as a 64-bit value. */
#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ul
#define FW_CFG_MAX_FILE_PATH 56
#define FW_CFG_FILE_ENTRY_SIZE 64

struct fwcfg {
	u64 base;
	u64 size;
	int has_dma;
};

/* One directory entry, converted to host order. */
struct fwcfg_file {
	u32 size;
	u16 select;
	char name[FW_CFG_MAX_FILE_PATH];
};

/* Finds the device through compatible "qemu,fw-cfg-mmio"; 0 or FDT_ERR_*. */
int fwcfg_probe(struct fwcfg *c, const struct fdt *f);

static inline void fwcfg_select(const struct fwcfg *c, u16 key)
{
	mmio_write16(c->base + FW_CFG_SELECTOR, bswap16(key));
}
static inline u8 fwcfg_read1(const struct fwcfg *c) { return mmio_read8(c->base + FW_CFG_DATA); }
static inline u32 fwcfg_read4(const struct fwcfg *c) { return mmio_read32(c->base + FW_CFG_DATA); }
static inline u64 fwcfg_read8(const struct fwcfg *c) { return mmio_read64(c->base + FW_CFG_DATA); }

/* Legacy: n bytes of the selected item into dst with 8-byte data reads
 * (the last partial word stored byte by byte). */
void fwcfg_read_legacy(const struct fwcfg *c, void *dst, u64 n);

enum fwcfg_trigger { FWCFG_TRIGGER_64, FWCFG_TRIGGER_SPLIT32 };
/* One DMA transfer; returns the control word the device wrote back
 * (0 on success, FW_CFG_DMA_CTL_ERROR on failure). */
u32 fwcfg_dma_trigger(const struct fwcfg *c, u32 control, u32 length, u64 address, enum fwcfg_trigger how);
static inline u32 fwcfg_dma(const struct fwcfg *c, u32 control, u32 length, u64 address)
{
	return fwcfg_dma_trigger(c, control, length, address, FWCFG_TRIGGER_64);
}
/* Starts a transfer with a descriptor at 'desc' prepared by the caller. */
static inline void fwcfg_dma_kick(const struct fwcfg *c, u64 desc)
{
	dsb();
	mmio_write64(c->base + FW_CFG_DMA_ADDR, bswap64(desc));
	dsb();
}
static inline u32 fwcfg_dma_ctl_select(u16 key) { return ((u32)key << 16) | FW_CFG_DMA_CTL_SELECT; }
/* Reads n bytes of item 'key' (from its start) by DMA, in transfers of at
 * most 2 GiB; returns the final control word. */
u32 fwcfg_dma_read_item(const struct fwcfg *c, u16 key, void *dst, u64 n);

/* Decodes directory entry i (0-based) from a raw directory image. */
void fwcfg_decode_file(const u8 *dir, u32 i, struct fwcfg_file *out);

#endif
