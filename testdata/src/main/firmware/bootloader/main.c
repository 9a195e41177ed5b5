/*
 * Boot loader (-bios): what firmware does for Linux on the virt board.
 * Reads the kernel, initrd and command line from fw_cfg (DMA, or legacy
 * 8-byte reads when the fw_cfg file "opt/virtfw/legacy" exists), places
 * them in RAM, adds bootargs and linux,initrd-start/end to /chosen of a
 * copy of the device tree and enters the kernel as booti does:
 * x0 = device tree, x1 = x2 = x3 = 0, MMU off, interrupts masked.
 *
 * RAM layout (base = start of RAM, where QEMU put the device tree):
 *   base + 0       QEMU's device tree (at most 1 MiB), left untouched
 *   base + 1 MiB   this firmware's data, bss and stack
 *   base + 2 MiB   kernel 2 MiB-aligned base; the Image at + text_offset
 *   next 64 KiB    initrd
 *   next 2 MiB     the edited device tree (never crosses a 2 MiB boundary)
 *
 * Lines: "BOOT ..." describe what was done, "TIME <what> <bytes> <ticks>
 * <freq>" give counter values and durations, "BOOT error ..." precede a
 * power-off when booting is impossible.
 */
#include "board.h"
#include "fwcfg.h"

#define LEGACY_SWITCH_FILE "opt/virtfw/legacy"
#define KERNEL_REGION_OFFSET 0x200000ul /* from the start of RAM */
#define KERNEL_ALIGN 0x200000ul
#define INITRD_ALIGN 0x10000ul
#define DTB_ALIGN 0x200000ul
#define DTB_SLACK 0x10000u
#define DTB_MAX 0x200000u
#define DEFAULT_TEXT_OFFSET 0x80000ul /* booting.rst: when image_size is 0 */
#define ARM64_IMAGE_MAGIC 0x644d5241u /* "ARM\x64" */
#define CMDLINE_MAX 65536u

/* arm64 Image header (Documentation/arch/arm64/booting.rst), little-endian. */
struct arm64_image_header {
	u32 code0, code1;
	u64 text_offset;
	u64 image_size;
	u64 flags;
	u64 res2, res3, res4;
	u32 magic;
	u32 res5;
};

extern char __firmware_ram_end[];
extern char __dtb_max[];
void jump_to_kernel(u64 dtb, u64 entry) __attribute__((noreturn));

static struct fwcfg cfg;
static int use_dma;
static u64 freq;
static char cmdline[CMDLINE_MAX];

static void fail(const char *what, const char *detail) __attribute__((noreturn));
static void fail(const char *what, const char *detail)
{
	printf("BOOT error %s: %s\n", what, detail);
	psci_system_off();
}

static u32 read_u32_item(u16 key)
{
	u32 v = 0;
	if (use_dma) {
		if (fwcfg_dma_read_item(&cfg, key, &v, 4) != 0)
			fail("fw_cfg", "DMA read of a size item failed");
	} else {
		fwcfg_select(&cfg, key);
		v = fwcfg_read4(&cfg);
	}
	return v; /* fw_cfg integers are little-endian, as is this CPU */
}

/* Reads n bytes of an item into RAM at dst; returns the ticks it took. */
static u64 load_item(u16 key, void *dst, u64 n)
{
	u64 t0 = timer_count();
	if (use_dma) {
		if (fwcfg_dma_read_item(&cfg, key, dst, n) != 0)
			fail("fw_cfg", "DMA transfer reported an error");
	} else {
		fwcfg_select(&cfg, key);
		fwcfg_read_legacy(&cfg, dst, n);
	}
	return timer_count() - t0;
}

/* Looks the switch file up in the directory, read with the legacy
 * interface (it is small and works whichever mode is chosen). */
static int legacy_switch_present(void)
{
	u32 count_be;
	fwcfg_select(&cfg, FW_CFG_FILE_DIR);
	count_be = fwcfg_read4(&cfg);
	u32 count = bswap32(count_be);
	for (u32 i = 0; i < count; i++) {
		u8 entry[FW_CFG_FILE_ENTRY_SIZE];
		fwcfg_read_legacy(&cfg, entry, sizeof(entry));
		if (memcmp(entry + 8, LEGACY_SWITCH_FILE, sizeof(LEGACY_SWITCH_FILE)) == 0)
			return 1;
	}
	return 0;
}

static int set_u64_prop(void *dtb, const char *name, u64 value)
{
	struct fdt f;
	int err = fdt_open(&f, dtb);
	if (err)
		return err;
	int chosen = fdt_path(&f, "/chosen", 7);
	if (chosen < 0)
		return chosen;
	u64 be = bswap64(value);
	return fdt_edit_setprop(dtb, chosen, name, &be, 8);
}

void firmware_main(const void *dtb, u64 entry_ticks)
{
	struct fdt f;
	crc32_init();
	if (board_init(&f, dtb) != 0)
		psci_system_off(); /* no console to report on */
	freq = timer_freq();
	printf("TIME bootloader-entry 0 %lu %lu\n", entry_ticks, freq);
	if (f.totalsize > (u64)__dtb_max)
		fail("device tree", "larger than the 1 MiB below the firmware's RAM");

	u64 ram_base, ram_size;
	if (board_memory(&f, &ram_base, &ram_size) != 0)
		fail("device tree", "no /memory reg");
	u64 ram_end = ram_base + ram_size;
	int err = fwcfg_probe(&cfg, &f);
	if (err)
		fail("device tree", "no node compatible with qemu,fw-cfg-mmio");
	fwcfg_select(&cfg, FW_CFG_SIGNATURE);
	if (fwcfg_read4(&cfg) != 0x554D4551u)
		fail("fw_cfg", "bad signature");
	int legacy = legacy_switch_present();
	use_dma = cfg.has_dma && !legacy;
	printf("BOOT fw_cfg base=0x%lx dma-available=%u mode=%s\n", cfg.base, cfg.has_dma,
	       use_dma ? "dma" : "legacy");

	u32 kernel_size = read_u32_item(FW_CFG_KERNEL_SIZE);
	u32 initrd_size = read_u32_item(FW_CFG_INITRD_SIZE);
	u32 cmdline_size = read_u32_item(FW_CFG_CMDLINE_SIZE);
	if (kernel_size < sizeof(struct arm64_image_header))
		fail("kernel", "no kernel in fw_cfg (start QEMU with -kernel)");

	/* The header first, to learn where the image goes. */
	struct arm64_image_header hdr __attribute__((aligned(16)));
	load_item(FW_CFG_KERNEL_DATA, &hdr, sizeof(hdr));
	if (hdr.magic != ARM64_IMAGE_MAGIC)
		fail("kernel", "not an arm64 Image (no \"ARM\\x64\" magic at offset 56)");
	u64 text_offset = hdr.text_offset, image_size = hdr.image_size;
	if (image_size == 0)
		text_offset = DEFAULT_TEXT_OFFSET;
	if (text_offset & 7)
		fail("kernel", "text_offset is not 8-byte aligned");
	u64 kernel_base = ALIGN_UP(ram_base + KERNEL_REGION_OFFSET, KERNEL_ALIGN);
	u64 kernel_load = kernel_base + text_offset;
	u64 kernel_end = kernel_load + (image_size > kernel_size ? image_size : kernel_size);
	u64 initrd_start = ALIGN_UP(kernel_end, INITRD_ALIGN);
	u64 initrd_end = initrd_start + initrd_size;
	u64 dtb_addr = ALIGN_UP(initrd_end, DTB_ALIGN);
	u64 dtb_cap = ALIGN_UP(fdt_used_size(dtb) + CMDLINE_MAX + DTB_SLACK, 8);
	if (dtb_cap > DTB_MAX)
		dtb_cap = DTB_MAX;
	if (kernel_end > ram_end || initrd_end > ram_end || dtb_addr > ram_end || dtb_cap > ram_end - dtb_addr)
		fail("layout", "kernel, initrd and device tree do not fit in RAM");
	if (cmdline_size > CMDLINE_MAX - 1)
		fail("cmdline", "longer than 64 KiB");

	u64 ticks = load_item(FW_CFG_KERNEL_DATA, (void *)kernel_load, kernel_size);
	printf("BOOT kernel size=%u load=0x%lx text_offset=0x%lx image_size=0x%lx\n", kernel_size, kernel_load,
	       text_offset, image_size);
	printf("TIME kernel-load-%s %u %lu %lu\n", use_dma ? "dma" : "legacy", kernel_size, ticks, freq);

	if (initrd_size) {
		ticks = load_item(FW_CFG_INITRD_DATA, (void *)initrd_start, initrd_size);
		printf("BOOT initrd size=%u start=0x%lx end=0x%lx\n", initrd_size, initrd_start, initrd_end);
		printf("TIME initrd-load-%s %u %lu %lu\n", use_dma ? "dma" : "legacy", initrd_size, ticks, freq);
	} else {
		printf("BOOT initrd none\n");
	}

	if (cmdline_size)
		load_item(FW_CFG_CMDLINE_DATA, cmdline, cmdline_size);
	cmdline[cmdline_size] = '\0';
	u32 args_len = (u32)strlen(cmdline) + 1;
	printf("BOOT cmdline \"%s\"\n", cmdline);

	/* /chosen exists: the console was found through its stdout-path. */
	void *fdt_copy = (void *)dtb_addr;
	err = fdt_edit_open(fdt_copy, (u32)dtb_cap, dtb);
	if (!err) {
		struct fdt g;
		err = fdt_open(&g, fdt_copy);
		int chosen = err ? err : fdt_path(&g, "/chosen", 7);
		err = chosen < 0 ? chosen : fdt_edit_setprop(fdt_copy, chosen, "bootargs", cmdline, args_len);
	}
	if (!err && initrd_size) {
		err = set_u64_prop(fdt_copy, "linux,initrd-start", initrd_start);
		if (!err)
			err = set_u64_prop(fdt_copy, "linux,initrd-end", initrd_end);
	}
	if (err)
		fail("device tree edit", fdt_strerror(err));
	printf("BOOT dtb addr=0x%lx used=%u totalsize=0x%lx\n", dtb_addr, fdt_used_size(fdt_copy), dtb_cap);
	printf("BOOT jump entry=0x%lx x0=0x%lx\n", kernel_load, dtb_addr);
	printf("TIME bootloader-jump 0 %lu %lu\n", timer_count(), freq);
	jump_to_kernel(dtb_addr, kernel_load);
}
