/*
 * guest-devices: the devices of QEMU 7.2's virt board that no other guest
 * touches, read and written as firmware and Linux do, every value checked
 * against what QEMU 7.2 answers (-M virt,acpi=off: with firmware and ACPI,
 * QEMU has no PL061):
 *
 *  - PL031 RTC at 0x0901_0000: the counter (host time, only its range and
 *    its pace are checked), load, match and its interrupt on SPI 2 (also
 *    waking WFI through the GIC), the always-enabled control register,
 *    PrimeCell IDs;
 *  - PL061 GPIO at 0x0903_0000: reset values, data through the address
 *    mask, direction, level interrupts on SPI 7, clear, AFSEL, IDs;
 *  - virtio-mmio transports 0 and 31: magic, version (1: legacy), device
 *    ID 0 (no device), vendor, everything else zero, writes ignored;
 *  - the PCIe host's ECAM at 0x40_1000_0000: the host bridge 00:00.0 (IDs,
 *    class, writable bits of every header register), empty functions all
 *    ones; the 32-bit, I/O and 64-bit windows all ones with writes dropped;
 *  - the GICv2m frame at 0x0802_0000: TYPER, IIDR, SETSPI pulsing an
 *    edge-triggered SPI;
 *  - external aborts where QEMU maps nothing: past the last transport, the
 *    low ECAM (highmem is on), past the 64-bit window, the v2m frame's end,
 *    the empty platform bus at 0x0c00_0000.
 */
#include "guest.h"

u64 probe_read8(u64 addr), probe_read16(u64 addr), probe_read32(u64 addr), probe_read64(u64 addr);
void probe_write16(u64 addr, u16 value), probe_write32(u64 addr, u32 value);

#define ABORT_MARK 0xdeadul
/* EC 0x25 (data abort, same EL), DFSC 0x10 (synchronous external abort); WnR for a store */
#define ESR_MASK 0xfe0005fful
#define ESR_EXT_ABORT_LOAD 0x96000010ul
#define ESR_EXT_ABORT_STORE 0x96000050ul

#define RTC 0x09010000ul
#define GPIO 0x09030000ul
#define VIRTIO 0x0a000000ul
#define VIRTIO_LAST (VIRTIO + 31 * 0x200ul)
#define ECAM 0x4010000000ul
#define PCIE_MMIO 0x10000000ul
#define PCIE_PIO 0x3eff0000ul
#define PCIE_MMIO_HIGH 0x8000000000ul
#define PCIE_MMIO_HIGH_END 0x10000000000ul
#define LOW_ECAM 0x3f000000ul
#define V2M 0x08020000ul
#define PLATFORM_BUS 0x0c000000ul

#define INTID_RTC 34
#define INTID_GPIO 39
#define INTID_V2M_FIRST 80

static u32 rd(u64 addr) { return mmio_read32(addr); }
static void wr(u64 addr, u32 v) { mmio_write32(addr, v); }

/* The OR of the 32-bit registers from base + from to base + to (excluded). */
static u32 or_words(u64 base, u64 from, u64 to)
{
	u32 any = 0;
	for (u64 off = from; off < to; off += 4)
		any |= rd(base + off);
	return any;
}

/* 'count' ID words from 'first', one byte each, packed low byte first. */
static u64 id_bytes(u64 base, u64 first, unsigned count)
{
	u64 v = 0;
	for (unsigned i = 0; i < count; i++)
		v |= (u64)(rd(base + first + 4 * i) & 0xff) << (8 * i);
	return v;
}

static int gic_pending(u32 intid)
{
	return (gicd_read(GICD_ISPENDR + (intid / 32) * 4) >> (intid % 32)) & 1;
}

static void gic_unpend(u32 intid)
{
	gicd_write(GICD_ICPENDR + (intid / 32) * 4, 1u << (intid % 32));
}

/* GICD_ICFGR: 2 = edge-triggered */
static void gic_edge(u32 intid)
{
	u64 off = 0xc00 + (intid / 16) * 4;
	gicd_write(off, gicd_read(off) | (2u << ((intid % 16) * 2)));
}

static void wait_ms(u64 ms)
{
	u64 until = cntpct() + ms_ticks(ms);
	while (cntpct() < until)
		;
}

/* A load that must take a synchronous external abort. */
static void expect_load_abort(const char *name, u64 addr)
{
	char n[64];
	size_t len = strlen(name);
	memcpy(n, name, len);
	u64 before = trap_count;
	trap_arm(FIXUP_SKIP);
	u64 v = probe_read32(addr);
	memcpy(n + len, "-taken", 7);
	check_eq(n, trap_count - before, 1);
	memcpy(n + len, "-esr", 5);
	check_eq(n, trap_last.esr & ESR_MASK, ESR_EXT_ABORT_LOAD);
	memcpy(n + len, "-far", 5);
	check_eq(n, trap_last.far, addr);
	memcpy(n + len, "-skipped", 9);
	check_eq(n, v, ABORT_MARK);
}

static void rtc(void)
{
	u32 t0 = rd(RTC + 0x00);
	check_true("rtc-counter-after-2020", t0 >= 1577836800u);
	check_eq("rtc-mr-reset", rd(RTC + 0x04), 0);
	check_eq("rtc-lr-reset", rd(RTC + 0x08), 0);
	check_eq("rtc-cr-enabled", rd(RTC + 0x0c), 1);
	check_eq("rtc-imsc-reset", rd(RTC + 0x10), 0);
	check_eq("rtc-ris-reset", rd(RTC + 0x14), 0);
	check_eq("rtc-mis-reset", rd(RTC + 0x18), 0);
	check_eq("rtc-icr-reads-zero", rd(RTC + 0x1c), 0);
	check_eq("rtc-reserved-reads-zero", rd(RTC + 0x20), 0);
	check_eq("rtc-periph-ids-4-7-zero", id_bytes(RTC, 0xfd0, 4), 0);
	check_eq("rtc-ids", id_bytes(RTC, 0xfe0, 8), 0xb105f00d00141031ul);
	check_eq("rtc-id-byte-read", mmio_read8(RTC + 0xfe1), 0x31);

	/* a match one second ahead fires while the counter moves on */
	wr(RTC + 0x04, rd(RTC + 0x00) + 1);
	u32 a = rd(RTC + 0x00);
	wait_ms(1100);
	u32 b = rd(RTC + 0x00);
	check_true("rtc-counter-advances-1-or-2", b - a >= 1 && b - a <= 2);
	check_eq("rtc-match-fired", rd(RTC + 0x14), 1);
	check_eq("rtc-match-masked", rd(RTC + 0x18), 0);
	check_eq("rtc-masked-not-pending-at-gic", gic_pending(INTID_RTC), 0);
	wr(RTC + 0x10, 1);
	check_eq("rtc-imsc-set", rd(RTC + 0x10), 1);
	check_eq("rtc-mis-set", rd(RTC + 0x18), 1);
	check_eq("rtc-pending-at-gic", gic_pending(INTID_RTC), 1);
	wr(RTC + 0x1c, 1);
	check_eq("rtc-icr-clears", rd(RTC + 0x14), 0);
	check_eq("rtc-icr-lowers-line", gic_pending(INTID_RTC), 0);

	/* load moves the counter; a match equal to the counter fires at once */
	wr(RTC + 0x08, 0x12345678);
	u32 loaded = rd(RTC + 0x00);
	check_true("rtc-load-moves-counter", loaded - 0x12345678u <= 1);
	check_eq("rtc-lr-readback", rd(RTC + 0x08), 0x12345678);
	wr(RTC + 0x04, rd(RTC + 0x00));
	check_eq("rtc-match-now-fires", rd(RTC + 0x14), 1);
	check_eq("rtc-match-now-pending-at-gic", gic_pending(INTID_RTC), 1);
	wr(RTC + 0x0c, 0);
	check_eq("rtc-cr-ignores-writes", rd(RTC + 0x0c), 1);
	wr(RTC + 0x10, 0);
	check_eq("rtc-imsc-clear-lowers-line", gic_pending(INTID_RTC), 0);
	wr(RTC + 0x1c, 1);
	wr(RTC + 0x08, t0 + (rd(RTC + 0x00) - loaded));
}

static volatile u32 rtc_irq_iar;

static void rtc_irq_handler(void)
{
	u32 iar = gicc_read(GICC_IAR);
	rtc_irq_iar = iar;
	wr(RTC + 0x1c, 1);
	gicc_write(GICC_EOIR, iar);
}

/* The match interrupt reaches a guest sleeping in WFI, through the GIC. */
static void rtc_alarm(void)
{
	gic_init();
	gic_enable(INTID_RTC, 0x80);
	trap_set_irq_handler(rtc_irq_handler);
	u64 before = irq_count;
	wr(RTC + 0x1c, 1);
	wr(RTC + 0x04, rd(RTC + 0x00) + 1);
	wr(RTC + 0x10, 1);
	u64 wfis = wait_for_irq(before, cntpct() + ms_ticks(3000));
	check_true("rtc-alarm-wakes-wfi", wfis > 0);
	check_eq("rtc-alarm-irqs", irq_count - before, 1);
	check_eq("rtc-alarm-iar", rtc_irq_iar, INTID_RTC);
	check_eq("rtc-alarm-cleared", rd(RTC + 0x14), 0);
	wr(RTC + 0x10, 0);
	gicd_write(GICD_ICENABLER + 4, 1u << (INTID_RTC - 32));
}

static void gpio(void)
{
	static const u32 regs[] = { 0x3fc, 0x400, 0x404, 0x408, 0x40c, 0x410, 0x414, 0x418, 0x41c, 0x420, 0x500 };
	u32 any = 0;
	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		any |= rd(GPIO + regs[i]);
	check_eq("gpio-registers-reset-zero", any, 0);
	check_eq("gpio-periph-ids-4-7-zero", id_bytes(GPIO, 0xfd0, 4), 0);
	check_eq("gpio-ids", id_bytes(GPIO, 0xfe0, 8), 0xb105f00d00041061ul);

	wr(GPIO + 0x400, 0xff);
	check_eq("gpio-dir", rd(GPIO + 0x400), 0xff);
	wr(GPIO + 0x3fc, 0xa5);
	check_eq("gpio-data-all", rd(GPIO + 0x3fc), 0xa5);
	check_eq("gpio-data-read-masked", rd(GPIO + (0x0f << 2)), 0x05);
	wr(GPIO + (0x30 << 2), 0xff);
	check_eq("gpio-data-write-masked", rd(GPIO + 0x3fc), 0xb5);
	wr(GPIO + 0x400, 0x0f);
	wr(GPIO + 0x3fc, 0x00);
	check_eq("gpio-data-write-outputs-only", rd(GPIO + 0x3fc), 0xb0);
	wr(GPIO + 0x420, 0x3c);
	check_eq("gpio-afsel", rd(GPIO + 0x420), 0x3c);
	wr(GPIO + 0x400, 0);
	wr(GPIO + 0x404, 0xff);
	/* level mode, low level (IEV 0): every pin whose data is 0 */
	check_eq("gpio-level-ris", rd(GPIO + 0x414), 0x4f);
	check_eq("gpio-level-mis-unmasked-none", rd(GPIO + 0x418), 0);
	check_eq("gpio-level-not-pending-at-gic", gic_pending(INTID_GPIO), 0);
	wr(GPIO + 0x410, 0x0f);
	check_eq("gpio-ie", rd(GPIO + 0x410), 0x0f);
	check_eq("gpio-level-mis", rd(GPIO + 0x418), 0x0f);
	check_eq("gpio-level-pending-at-gic", gic_pending(INTID_GPIO), 1);
	wr(GPIO + 0x41c, 0xff);
	check_eq("gpio-level-latches-again-after-clear", rd(GPIO + 0x414), 0x4f);
	wr(GPIO + 0x40c, 0xff);
	wr(GPIO + 0x41c, 0xff);
	check_eq("gpio-level-high-event", rd(GPIO + 0x414), 0xb0);
	check_eq("gpio-level-high-not-in-mask", gic_pending(INTID_GPIO), 0);
	wr(GPIO + 0x404, 0);
	wr(GPIO + 0x41c, 0xff);
	check_eq("gpio-clear", rd(GPIO + 0x414), 0);

	/* edges: pins turned from outputs into inputs whose data changed since
	 * the last update (0xb0 -> 0x5a): any edge for IBE pins (0xe0), else the
	 * edge IEV selects (rising for 0x0f: pins 1 and 3 went 0 -> 1) */
	wr(GPIO + 0x408, 0xf0);
	wr(GPIO + 0x40c, 0x0f);
	wr(GPIO + 0x400, 0xff);
	wr(GPIO + 0x3fc, 0x5a);
	wr(GPIO + 0x400, 0x00);
	check_eq("gpio-edge-ris", rd(GPIO + 0x414), 0xea);
	wr(GPIO + 0x41c, 0xff);
	wr(GPIO + 0x410, 0);
	check_eq("gpio-edge-clear", rd(GPIO + 0x414), 0);
	check_eq("gpio-clear-lowers-line", gic_pending(INTID_GPIO), 0);
	wr(GPIO + 0x408, 0);
	wr(GPIO + 0x40c, 0);
	wr(GPIO + 0x420, 0);
}

static void virtio(void)
{
	check_eq("virtio0-magic", rd(VIRTIO + 0x000), 0x74726976);
	check_eq("virtio0-version-legacy", rd(VIRTIO + 0x004), 1);
	check_eq("virtio0-device-id-none", rd(VIRTIO + 0x008), 0);
	check_eq("virtio0-vendor-qemu", rd(VIRTIO + 0x00c), 0x554d4551);
	check_eq("virtio0-other-registers-zero", or_words(VIRTIO, 0x010, 0x200), 0);
	check_eq("virtio0-magic-byte-0", mmio_read8(VIRTIO + 0), 0x76);
	check_eq("virtio0-magic-byte-1", mmio_read8(VIRTIO + 1), 0);
	check_eq("virtio0-magic-halfword-2", mmio_read16(VIRTIO + 2), 0);
	check_eq("virtio0-magic-and-version-64", mmio_read64(VIRTIO), 0x174726976ul);
	wr(VIRTIO + 0x070, 0xf);
	wr(VIRTIO + 0x030, 0);
	check_eq("virtio0-status-write-ignored", rd(VIRTIO + 0x070), 0);
	check_eq("virtio31-magic", rd(VIRTIO_LAST + 0x000), 0x74726976);
	check_eq("virtio31-version-legacy", rd(VIRTIO_LAST + 0x004), 1);
	check_eq("virtio31-device-id-none", rd(VIRTIO_LAST + 0x008), 0);
	check_eq("virtio31-vendor-qemu", rd(VIRTIO_LAST + 0x00c), 0x554d4551);
	expect_load_abort("virtio-past-last-transport", VIRTIO + 32 * 0x200);
}

/* Each header dword of 00:00.0 after writing all ones (then restored): QEMU's write masks. */
static const u32 bridge_after_ones[16] = {
	0x00081b36, 0x00000507, 0x06000000, 0x000000ff, 0, 0, 0, 0,
	0, 0, 0, 0x11001af4, 0, 0, 0, 0x000000ff,
};

static void ecam(void)
{
	check_eq("pcie-bridge-ids", rd(ECAM + 0x00), 0x00081b36);
	check_eq("pcie-bridge-command-status", rd(ECAM + 0x04), 0);
	check_eq("pcie-bridge-class-revision", rd(ECAM + 0x08), 0x06000000);
	check_eq("pcie-bridge-header-type", rd(ECAM + 0x0c), 0);
	check_eq("pcie-bridge-no-bars", or_words(ECAM, 0x10, 0x2c), 0);
	check_eq("pcie-bridge-subsystem", rd(ECAM + 0x2c), 0x11001af4);
	check_eq("pcie-bridge-rest-zero", or_words(ECAM, 0x30, 0x100), 0);
	check_eq("pcie-bridge-past-256-ones", rd(ECAM + 0x100), 0xffffffff);
	check_eq("pcie-bridge-last-word-ones", rd(ECAM + 0xffc), 0xffffffff);
	check_eq("pcie-bridge-device-id-halfword", mmio_read16(ECAM + 2), 0x0008);
	check_eq("pcie-bridge-base-class-byte", mmio_read8(ECAM + 0xb), 0x06);
	check_eq("pcie-bridge-64-bit-read", mmio_read64(ECAM), 0x00081b36);
	for (u64 i = 0; i < 16; i++) {
		char name[] = "pcie-bridge-write-ones-0x00";
		name[sizeof(name) - 3] = "0123456789abcdef"[(i * 4) >> 4];
		name[sizeof(name) - 2] = "0123456789abcdef"[(i * 4) & 15];
		u32 old = rd(ECAM + i * 4);
		wr(ECAM + i * 4, 0xffffffff);
		check_eq(name, rd(ECAM + i * 4), bridge_after_ones[i]);
		wr(ECAM + i * 4, old);
	}
	wr(ECAM + 0x04, 0x0147);
	check_eq("pcie-bridge-command-write", rd(ECAM + 0x04), 0x0107);
	wr(ECAM + 0x04, 0xffff0000);
	check_eq("pcie-bridge-status-write-one-to-clear", rd(ECAM + 0x04), 0);
	wr(ECAM + 0x40, 0x12345678);
	check_eq("pcie-bridge-device-specific-write", rd(ECAM + 0x40), 0x12345678);
	wr(ECAM + 0x40, 0);

	check_eq("pcie-dev0-fn1-ones", rd(ECAM + 0x1000), 0xffffffff);
	check_eq("pcie-dev1-ones", rd(ECAM + 0x8000), 0xffffffff);
	check_eq("pcie-dev1-halfword-ones", mmio_read16(ECAM + 0x8002), 0xffff);
	check_eq("pcie-bus1-ones", rd(ECAM + 0x100000), 0xffffffff);
	check_eq("pcie-bus255-ones", rd(ECAM + 0xff00000), 0xffffffff);
	wr(ECAM + 0x8004, 7);
	check_eq("pcie-dev1-write-ignored", rd(ECAM + 0x8004), 0xffffffff);
	expect_load_abort("pcie-low-ecam-unmapped", LOW_ECAM);
}

static void windows(void)
{
	check_eq("pcie-mmio-ones", rd(PCIE_MMIO), 0xffffffff);
	check_eq("pcie-mmio-64-ones", mmio_read64(PCIE_MMIO), ~0ul);
	check_eq("pcie-mmio-last-byte-ones", mmio_read8(0x3efeffff), 0xff);
	wr(PCIE_MMIO + 0x100, 0x1234);
	check_eq("pcie-mmio-write-dropped", rd(PCIE_MMIO + 0x100), 0xffffffff);
	check_eq("pcie-pio-ones", rd(PCIE_PIO), 0xffffffff);
	check_eq("pcie-pio-last-ones", rd(PCIE_PIO + 0xfffc), 0xffffffff);
	check_eq("pcie-mmio-high-ones", rd(PCIE_MMIO_HIGH), 0xffffffff);
	check_eq("pcie-mmio-high-last-ones", rd(PCIE_MMIO_HIGH_END - 4), 0xffffffff);
	expect_load_abort("pcie-past-mmio-high", PCIE_MMIO_HIGH_END);
}

static void v2m(void)
{
	check_eq("v2m-typer", rd(V2M + 0x008), 0x00500040);
	check_eq("v2m-iidr", rd(V2M + 0xfcc), 0x05100000);
	check_eq("v2m-reserved-zero", rd(V2M + 0x000) | rd(V2M + 0xfd0) | rd(V2M + 0xffc), 0);
	check_eq("v2m-typer-halfword-zero", mmio_read16(V2M + 0x008), 0);
	/* a level-sensitive SPI forgets the pulse; an edge-triggered one latches it */
	wr(V2M + 0x040, INTID_V2M_FIRST);
	check_eq("v2m-setspi-level-not-pending", gic_pending(INTID_V2M_FIRST), 0);
	gic_edge(INTID_V2M_FIRST);
	gic_edge(INTID_V2M_FIRST + 1);
	gic_edge(INTID_V2M_FIRST - 1);
	wr(V2M + 0x040, INTID_V2M_FIRST);
	check_eq("v2m-setspi-edge-pending", gic_pending(INTID_V2M_FIRST), 1);
	probe_write16(V2M + 0x040, INTID_V2M_FIRST + 1);
	check_eq("v2m-setspi-halfword-pending", gic_pending(INTID_V2M_FIRST + 1), 1);
	wr(V2M + 0x040, INTID_V2M_FIRST - 1);
	check_eq("v2m-setspi-outside-frame-ignored", gic_pending(INTID_V2M_FIRST - 1), 0);
	gic_unpend(INTID_V2M_FIRST);
	gic_unpend(INTID_V2M_FIRST + 1);
	expect_load_abort("v2m-past-frame", V2M + 0x1000);
}

static void platform_bus(void)
{
	expect_load_abort("platform-bus-empty", PLATFORM_BUS);
	expect_load_abort("platform-bus-empty-end", PLATFORM_BUS + 0x1fffffc);
	u64 before = trap_count;
	trap_arm(FIXUP_SKIP);
	probe_write32(PLATFORM_BUS + 0x100, 1);
	check_eq("platform-bus-store-taken", trap_count - before, 1);
	check_eq("platform-bus-store-esr", trap_last.esr & ESR_MASK, ESR_EXT_ABORT_STORE);
}

void firmware_main(const void *dtb, u64 entry_ticks);

void firmware_main(const void *dtb, u64 entry_ticks)
{
	(void)entry_ticks;
	guest_begin(dtb, "guest-devices");
	rtc();
	rtc_alarm();
	gpio();
	virtio();
	ecam();
	windows();
	v2m();
	platform_bus();
	guest_done();
}
