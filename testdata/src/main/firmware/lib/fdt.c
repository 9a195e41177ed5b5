/* Read side of the device tree library. Every offset read from the blob is
 * checked against the block it must lie in before it is used. */
#include "fdt.h"

#define FDT_MAX_DEPTH 32

static u32 hdr(const u8 *blob, u32 field)
{
	return fdt_be32(blob + field * 4);
}

int fdt_open(struct fdt *f, const void *blob)
{
	const u8 *b = blob;
	if ((uintptr_t)b & 7)
		return FDT_ERR_BADSTRUCTURE;
	if (hdr(b, 0) != FDT_MAGIC)
		return FDT_ERR_BADMAGIC;
	u32 total = hdr(b, 1);
	u32 version = hdr(b, 5), last_comp = hdr(b, 6);
	if (version < 17 || last_comp > 17)
		return FDT_ERR_BADVERSION;
	f->blob = b;
	f->totalsize = total;
	f->off_struct = hdr(b, 2);
	f->off_strings = hdr(b, 3);
	f->off_rsvmap = hdr(b, 4);
	f->size_strings = hdr(b, 8);
	f->size_struct = hdr(b, 9);
	if (total < FDT_HEADER_SIZE || f->off_struct > total || f->size_struct > total - f->off_struct ||
	    f->off_strings > total || f->size_strings > total - f->off_strings ||
	    f->off_rsvmap > total || f->off_rsvmap < FDT_HEADER_SIZE || (f->off_struct & 3) ||
	    (f->off_rsvmap & 7) || (f->size_struct & 3))
		return FDT_ERR_TRUNCATED;
	return 0;
}

const char *fdt_strerror(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case FDT_ERR_NOTFOUND:
		return "not found";
	case FDT_ERR_BADMAGIC:
		return "bad magic";
	case FDT_ERR_TRUNCATED:
		return "truncated";
	case FDT_ERR_BADSTRUCTURE:
		return "bad structure";
	case FDT_ERR_NOSPACE:
		return "no space";
	case FDT_ERR_BADVERSION:
		return "unsupported version";
	default:
		return "unknown error";
	}
}

static u32 token_at(const struct fdt *f, u32 off)
{
	return fdt_be32(f->blob + f->off_struct + off);
}

/* Returns the token at 'off' and stores the offset of the following token
 * in *next; a negative value when the structure is malformed. */
static int next_token(const struct fdt *f, u32 off, u32 *next)
{
	if (off > f->size_struct - 4 || f->size_struct < 4)
		return FDT_ERR_TRUNCATED;
	u32 tag = token_at(f, off);
	u32 p = off + 4;
	switch (tag) {
	case FDT_BEGIN_NODE: {
		const u8 *s = f->blob + f->off_struct;
		while (p < f->size_struct && s[p])
			p++;
		if (p >= f->size_struct)
			return FDT_ERR_TRUNCATED;
		p = (u32)ALIGN_UP(p + 1, 4);
		break;
	}
	case FDT_PROP: {
		if (p > f->size_struct - 8)
			return FDT_ERR_TRUNCATED;
		u32 len = token_at(f, p);
		if (len > f->size_struct - (p + 8))
			return FDT_ERR_TRUNCATED;
		p = (u32)ALIGN_UP(p + 8 + len, 4);
		break;
	}
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		break;
	default:
		return FDT_ERR_BADSTRUCTURE;
	}
	if (p > f->size_struct)
		return FDT_ERR_TRUNCATED;
	*next = p;
	return (int)tag;
}

int fdt_root(const struct fdt *f)
{
	u32 off = 0, next;
	int tag;
	while ((tag = next_token(f, off, &next)) == (int)FDT_NOP)
		off = next;
	if (tag < 0)
		return tag;
	return tag == (int)FDT_BEGIN_NODE ? (int)off : FDT_ERR_BADSTRUCTURE;
}

int fdt_next_node(const struct fdt *f, int node, int *depth)
{
	u32 off = (u32)node, next;
	int tag = next_token(f, off, &next);
	if (tag != (int)FDT_BEGIN_NODE)
		return tag < 0 ? tag : FDT_ERR_BADSTRUCTURE;
	for (;;) {
		off = next;
		tag = next_token(f, off, &next);
		if (tag < 0)
			return tag;
		if (tag == (int)FDT_BEGIN_NODE) {
			(*depth)++;
			return (int)off;
		}
		if (tag == (int)FDT_END_NODE) {
			if (--(*depth) < 0)
				return FDT_ERR_NOTFOUND;
		}
		if (tag == (int)FDT_END)
			return FDT_ERR_NOTFOUND;
	}
}

const char *fdt_node_name(const struct fdt *f, int node)
{
	return (const char *)f->blob + f->off_struct + (u32)node + 4;
}

static int name_matches(const char *node_name, const char *name, size_t len)
{
	if (strncmp(node_name, name, len) != 0)
		return 0;
	if (node_name[len] == '\0')
		return 1;
	/* "pl011" matches "pl011@9000000" when the query has no unit address. */
	for (size_t i = 0; i < len; i++)
		if (name[i] == '@')
			return 0;
	return node_name[len] == '@';
}

int fdt_subnode(const struct fdt *f, int parent, const char *name, size_t namelen)
{
	int depth = 0;
	int node = parent;
	for (;;) {
		node = fdt_next_node(f, node, &depth);
		if (node < 0 || depth < 1)
			return FDT_ERR_NOTFOUND;
		if (depth == 1 && name_matches(fdt_node_name(f, node), name, namelen))
			return node;
	}
}

int fdt_path(const struct fdt *f, const char *path, size_t len)
{
	int node = fdt_root(f);
	if (node < 0)
		return node;
	size_t i = 0;
	if (len == 0)
		return FDT_ERR_NOTFOUND;
	if (path[0] != '/') {
		/* alias: the first component names a property of /aliases */
		size_t end = 0;
		while (end < len && path[end] != '/')
			end++;
		int aliases = fdt_subnode(f, node, "aliases", 7);
		if (aliases < 0)
			return aliases;
		char name[64];
		if (end >= sizeof(name))
			return FDT_ERR_NOTFOUND;
		memcpy(name, path, end);
		name[end] = '\0';
		u32 plen;
		const u8 *target = fdt_getprop(f, aliases, name, &plen);
		if (!target || plen < 2 || target[0] != '/' || target[plen - 1] != '\0')
			return FDT_ERR_NOTFOUND;
		node = fdt_path(f, (const char *)target, plen - 1);
		if (node < 0)
			return node;
		i = end;
	}
	while (i < len) {
		while (i < len && path[i] == '/')
			i++;
		if (i == len)
			break;
		size_t start = i;
		while (i < len && path[i] != '/')
			i++;
		node = fdt_subnode(f, node, path + start, i - start);
		if (node < 0)
			return node;
	}
	return node;
}

int fdt_parent(const struct fdt *f, int node)
{
	int stack[FDT_MAX_DEPTH];
	int depth = 0;
	int cur = fdt_root(f);
	if (cur < 0)
		return cur;
	stack[0] = cur;
	if (cur == node)
		return FDT_ERR_NOTFOUND;
	for (;;) {
		cur = fdt_next_node(f, cur, &depth);
		if (cur < 0 || depth < 1 || depth >= FDT_MAX_DEPTH)
			return FDT_ERR_NOTFOUND;
		stack[depth] = cur;
		if (cur == node)
			return stack[depth - 1];
	}
}

static int string_equals(const struct fdt *f, u32 nameoff, const char *name)
{
	if (nameoff >= f->size_strings)
		return 0;
	const char *s = (const char *)f->blob + f->off_strings + nameoff;
	u32 room = f->size_strings - nameoff;
	for (u32 i = 0; i < room; i++) {
		if (s[i] != name[i])
			return 0;
		if (s[i] == '\0')
			return 1;
	}
	return 0;
}

const u8 *fdt_getprop(const struct fdt *f, int node, const char *name, u32 *len)
{
	u32 off = (u32)node, next;
	int tag = next_token(f, off, &next);
	if (tag != (int)FDT_BEGIN_NODE)
		return NULL;
	for (;;) {
		off = next;
		tag = next_token(f, off, &next);
		if (tag == (int)FDT_NOP)
			continue;
		if (tag != (int)FDT_PROP)
			return NULL;
		const u8 *p = f->blob + f->off_struct + off;
		if (string_equals(f, fdt_be32(p + 8), name)) {
			*len = fdt_be32(p + 4);
			return p + 12;
		}
	}
}

int fdt_prop_u32(const struct fdt *f, int node, const char *name, u32 dflt, u32 *out)
{
	u32 len;
	const u8 *p = fdt_getprop(f, node, name, &len);
	if (!p) {
		*out = dflt;
		return FDT_ERR_NOTFOUND;
	}
	if (len != 4)
		return FDT_ERR_BADSTRUCTURE;
	*out = fdt_be32(p);
	return 0;
}

u64 fdt_cells(const u8 *p, u32 cells)
{
	u64 v = 0;
	for (u32 i = 0; i < cells; i++)
		v = (v << 32) | fdt_be32(p + 4 * i);
	return v;
}

int fdt_find_compatible(const struct fdt *f, int after, const char *compatible)
{
	/* Starting after a node, the walk may climb above it: start deep. */
	int depth = after < 0 ? 0 : 1 << 20;
	int node = after < 0 ? fdt_root(f) : after;
	size_t want = strlen(compatible) + 1;
	if (node < 0)
		return node;
	if (after >= 0)
		goto next;
	for (;;) {
		u32 len;
		const u8 *p = fdt_getprop(f, node, "compatible", &len);
		for (u32 i = 0; p && i < len;) {
			u32 n = 0;
			while (i + n < len && p[i + n])
				n++;
			if (n + 1 == want && memcmp(p + i, compatible, want) == 0)
				return node;
			i += n + 1;
		}
	next:
		node = fdt_next_node(f, node, &depth);
		if (node < 0)
			return node;
	}
}

int fdt_reg(const struct fdt *f, int node, u32 idx, u64 *addr, u64 *size)
{
	int parent = fdt_parent(f, node);
	if (parent < 0)
		return parent;
	u32 ac, sc, len;
	if (fdt_prop_u32(f, parent, "#address-cells", 2, &ac) == FDT_ERR_BADSTRUCTURE ||
	    fdt_prop_u32(f, parent, "#size-cells", 1, &sc) == FDT_ERR_BADSTRUCTURE || ac > 2 || sc > 2 || ac == 0)
		return FDT_ERR_BADSTRUCTURE;
	const u8 *p = fdt_getprop(f, node, "reg", &len);
	if (!p)
		return FDT_ERR_NOTFOUND;
	u32 entry = (ac + sc) * 4;
	if (len / entry <= idx)
		return FDT_ERR_NOTFOUND;
	p += entry * idx;
	*addr = fdt_cells(p, ac);
	*size = fdt_cells(p + ac * 4, sc);
	return 0;
}

int fdt_stats(const struct fdt *f, u32 *nodes, u32 *props)
{
	u32 off = 0, next;
	int depth = 0;
	*nodes = *props = 0;
	for (;;) {
		int tag = next_token(f, off, &next);
		if (tag < 0)
			return tag;
		if (tag == (int)FDT_BEGIN_NODE) {
			(*nodes)++;
			depth++;
		} else if (tag == (int)FDT_END_NODE) {
			if (--depth < 0)
				return FDT_ERR_BADSTRUCTURE;
		} else if (tag == (int)FDT_PROP) {
			if (depth == 0 || fdt_be32(f->blob + f->off_struct + off + 8) >= f->size_strings)
				return FDT_ERR_BADSTRUCTURE;
			(*props)++;
		} else if (tag == (int)FDT_END) {
			return depth == 0 && *nodes > 0 ? 0 : FDT_ERR_BADSTRUCTURE;
		}
		off = next;
	}
}
