/* Write side of the device tree library: a compact copy with free space at
 * the end, then in-place insertion or replacement of properties. Blocks keep the
 * order header, reservation map, structure, strings; inserting into the
 * structure block moves the rest of it and the strings block up. */
#include "fdt.h"

enum { H_MAGIC, H_TOTALSIZE, H_OFF_STRUCT, H_OFF_STRINGS, H_OFF_RSVMAP, H_VERSION,
       H_LAST_COMP, H_BOOT_CPUID, H_SIZE_STRINGS, H_SIZE_STRUCT };

static void set_hdr(u8 *blob, u32 field, u32 v)
{
	*(u32 *)(blob + field * 4) = bswap32(v);
}

static u32 get_hdr(const u8 *blob, u32 field)
{
	return fdt_be32(blob + field * 4);
}

static void put_be32(u8 *p, u32 v)
{
	*(u32 *)p = bswap32(v); /* p is 4-byte aligned inside the structure block */
}

u32 fdt_used_size(const void *blob)
{
	const u8 *b = blob;
	return get_hdr(b, H_OFF_STRINGS) + get_hdr(b, H_SIZE_STRINGS);
}

int fdt_edit_open(void *dst, u32 cap, const void *src)
{
	struct fdt f;
	int err = fdt_open(&f, src);
	if (err)
		return err;
	if ((uintptr_t)dst & 7)
		return FDT_ERR_BADSTRUCTURE;
	/* The reservation map ends with an all-zero entry. */
	u32 rsv = 0;
	for (;; rsv += 16) {
		if (f.off_rsvmap + rsv + 16 > f.totalsize)
			return FDT_ERR_TRUNCATED;
		const u8 *e = f.blob + f.off_rsvmap + rsv;
		if (fdt_cells(e, 2) == 0 && fdt_cells(e + 8, 2) == 0)
			break;
	}
	rsv += 16;
	u32 off_rsv = FDT_HEADER_SIZE;
	u32 off_struct = off_rsv + rsv;
	u32 off_strings = off_struct + f.size_struct;
	u32 used = off_strings + f.size_strings;
	if (used > cap)
		return FDT_ERR_NOSPACE;
	u8 *d = dst;
	memmove(d + off_rsv, f.blob + f.off_rsvmap, rsv);
	memmove(d + off_struct, f.blob + f.off_struct, f.size_struct);
	memmove(d + off_strings, f.blob + f.off_strings, f.size_strings);
	set_hdr(d, H_MAGIC, FDT_MAGIC);
	set_hdr(d, H_TOTALSIZE, cap);
	set_hdr(d, H_OFF_STRUCT, off_struct);
	set_hdr(d, H_OFF_STRINGS, off_strings);
	set_hdr(d, H_OFF_RSVMAP, off_rsv);
	set_hdr(d, H_VERSION, 17);
	set_hdr(d, H_LAST_COMP, 16);
	set_hdr(d, H_BOOT_CPUID, get_hdr(f.blob, H_BOOT_CPUID));
	set_hdr(d, H_SIZE_STRINGS, f.size_strings);
	set_hdr(d, H_SIZE_STRUCT, f.size_struct);
	return 0;
}

/* Replaces old_len bytes at structure offset 'at' by room for new_len
 * (both multiples of 4), moving everything behind them. */
static int splice(u8 *blob, u32 at, u32 old_len, u32 new_len)
{
	u32 total = get_hdr(blob, H_TOTALSIZE);
	u32 off_struct = get_hdr(blob, H_OFF_STRUCT);
	u32 size_struct = get_hdr(blob, H_SIZE_STRUCT);
	u32 off_strings = get_hdr(blob, H_OFF_STRINGS);
	u32 used = fdt_used_size(blob);
	if (at + old_len > size_struct || off_strings < off_struct + size_struct)
		return FDT_ERR_BADSTRUCTURE;
	if (new_len > old_len && new_len - old_len > total - used)
		return FDT_ERR_NOSPACE;
	u32 from = off_struct + at + old_len;
	u32 to = off_struct + at + new_len;
	memmove(blob + to, blob + from, used - from);
	set_hdr(blob, H_SIZE_STRUCT, size_struct - old_len + new_len);
	set_hdr(blob, H_OFF_STRINGS, off_strings - old_len + new_len);
	return 0;
}

/* Offset of 'name' in the strings block, appending it when missing. */
static int string_offset(u8 *blob, const char *name)
{
	u32 off = get_hdr(blob, H_OFF_STRINGS);
	u32 size = get_hdr(blob, H_SIZE_STRINGS);
	u32 len = (u32)strlen(name) + 1;
	const u8 *s = blob + off;
	for (u32 i = 0; i + len <= size; i++)
		if (memcmp(s + i, name, len) == 0)
			return (int)i;
	if (len > get_hdr(blob, H_TOTALSIZE) - (off + size))
		return FDT_ERR_NOSPACE;
	memcpy(blob + off + size, name, len);
	set_hdr(blob, H_SIZE_STRINGS, size + len);
	return (int)size;
}

int fdt_edit_setprop(void *b, int node, const char *name, const void *value, u32 len)
{
	u8 *blob = b;
	struct fdt f;
	int err = fdt_open(&f, blob);
	if (err)
		return err;
	int nameoff = string_offset(blob, name);
	if (nameoff < 0)
		return nameoff;
	err = fdt_open(&f, blob);
	if (err)
		return err;
	u32 new_len = (u32)ALIGN_UP(12 + len, 4);
	u32 at, old_len;
	u32 plen;
	const u8 *old = fdt_getprop(&f, node, name, &plen);
	if (old) {
		at = (u32)(old - 12 - (f.blob + f.off_struct));
		old_len = (u32)ALIGN_UP(12 + plen, 4);
	} else {
		/* New properties go first, right after the node's name. */
		const char *nm = fdt_node_name(&f, node);
		at = (u32)ALIGN_UP((u32)node + 4 + strlen(nm) + 1, 4);
		old_len = 0;
	}
	err = splice(blob, at, old_len, new_len);
	if (err)
		return err;
	u8 *p = blob + get_hdr(blob, H_OFF_STRUCT) + at;
	put_be32(p, FDT_PROP);
	put_be32(p + 4, len);
	put_be32(p + 8, (u32)nameoff);
	memcpy(p + 12, value, len);
	for (u32 i = 12 + len; i < new_len; i++)
		p[i] = 0;
	return 0;
}
