#ifndef BOARD_H
#define BOARD_H
#include "fdt.h"

/* Opens the device tree at 'dtb', then sets up the console from
 * /chosen/stdout-path (a path or alias, options after ':' ignored) and the
 * PSCI conduit from /psci "method". Returns 0 or FDT_ERR_*; on error the
 * console may be silent. */
int board_init(struct fdt *f, const void *dtb);
/* First /memory reg entry; 0 or FDT_ERR_*. */
int board_memory(const struct fdt *f, u64 *base, u64 *size);

#endif
