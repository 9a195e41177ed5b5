/*
 * Flattened device tree (DTB, Devicetree Specification v0.4 chapter 5):
 * a bounds-checked reader and a small editor that inserts or replaces
 * properties in a blob with free space at its end.
 * Node handles are offsets of FDT_BEGIN_NODE tokens inside the structure
 * block; negative values are errors (FDT_ERR_*).
 */
#ifndef FDT_H
#define FDT_H
#include "fw.h"

#define FDT_MAGIC 0xD00DFEEDu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u
#define FDT_HEADER_SIZE 40u

#define FDT_ERR_NOTFOUND (-1)
#define FDT_ERR_BADMAGIC (-2)
#define FDT_ERR_TRUNCATED (-3)
#define FDT_ERR_BADSTRUCTURE (-4)
#define FDT_ERR_NOSPACE (-5)
#define FDT_ERR_BADVERSION (-6)

struct fdt {
	const u8 *blob;
	u32 totalsize;
	u32 off_struct, size_struct;
	u32 off_strings, size_strings;
	u32 off_rsvmap;
};

/* Validates the header of the blob at 'blob' (8-byte aligned). */
int fdt_open(struct fdt *f, const void *blob);
const char *fdt_strerror(int err);

int fdt_root(const struct fdt *f);
/* Next node in document order after 'node'; *depth is adjusted. */
int fdt_next_node(const struct fdt *f, int node, int *depth);
const char *fdt_node_name(const struct fdt *f, int node);
int fdt_subnode(const struct fdt *f, int parent, const char *name, size_t namelen);
/* An absolute path, or an alias name (first component looked up in /aliases). */
int fdt_path(const struct fdt *f, const char *path, size_t len);
int fdt_parent(const struct fdt *f, int node);
int fdt_find_compatible(const struct fdt *f, int after, const char *compatible);
const u8 *fdt_getprop(const struct fdt *f, int node, const char *name, u32 *len);
int fdt_prop_u32(const struct fdt *f, int node, const char *name, u32 dflt, u32 *out);
u64 fdt_cells(const u8 *p, u32 cells);
/* Entry idx of "reg", decoded with the parent's #address-cells/#size-cells. */
int fdt_reg(const struct fdt *f, int node, u32 idx, u64 *addr, u64 *size);
/* Walks the whole structure block checking nesting and name offsets. */
int fdt_stats(const struct fdt *f, u32 *nodes, u32 *props);

/* Editor. The blob is rewritten in place; offsets of nodes after an edit
 * point may move, so look nodes up again after each call. */
/* Copies the blob at src into dst (8-byte aligned) of capacity cap as
 * header, reservation map, structure, strings, free space; totalsize = cap. */
int fdt_edit_open(void *dst, u32 cap, const void *src);
int fdt_edit_setprop(void *blob, int node, const char *name, const void *value, u32 len);
/* Bytes in use (end of the strings block). */
u32 fdt_used_size(const void *blob);

static inline u32 fdt_be32(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | p[3];
}

#endif
