/*
 * guest-powerkey: the power key of QEMU's virt without ACPI, pressed from
 * the host with the monitor's system_powerdown (Ctrl-A c on the console).
 * QEMU wires its gpio-keys to the PL061's GPIO 3: the pin goes high, and
 * 100 ms later low again. The guest arms a rising-edge interrupt on GPIO 3
 * (SPI 7, INTID 39), prints READY, sleeps in WFI until the interrupt, and
 * checks what the controller shows; then it waits for the release. Unlike
 * the other guests it needs someone at the console: the test types the
 * monitor command after READY.
 */
#include "guest.h"

#define GPIO 0x09030000ul
#define GPIO_DATA_PIN3 (GPIO + (0x08u << 2))	/* address mask: pin 3 only */
#define GPIOIS 0x404
#define GPIOIBE 0x408
#define GPIOIEV 0x40c
#define GPIOIE 0x410
#define GPIORIS 0x414
#define GPIOMIS 0x418
#define GPIOIC 0x41c
#define PIN3 0x08u
#define INTID_GPIO 39

static volatile u32 seen_iar, seen_ris, seen_mis, seen_pin;
static volatile u64 pressed_at;

static void irq_handler(void)
{
	u32 iar = gicc_read(GICC_IAR);
	seen_iar = iar & 0x3ff;
	seen_ris = mmio_read32(GPIO + GPIORIS);
	seen_mis = mmio_read32(GPIO + GPIOMIS);
	seen_pin = mmio_read32(GPIO_DATA_PIN3);
	pressed_at = cntpct();
	mmio_write32(GPIO + GPIOIC, PIN3);
	if (seen_iar != GIC_SPURIOUS)
		gicc_write(GICC_EOIR, iar);
}

void firmware_main(const void *dtb, u64 entry_ticks);

void firmware_main(const void *dtb, u64 entry_ticks)
{
	(void)entry_ticks;
	guest_begin(dtb, "guest-powerkey");
	trap_set_irq_handler(irq_handler);
	irq_mask();
	gic_init();
	gic_enable(INTID_GPIO, 0x80);
	mmio_write32(GPIO + GPIOIS, 0);		/* edge */
	mmio_write32(GPIO + GPIOIBE, 0);	/* one edge */
	mmio_write32(GPIO + GPIOIEV, PIN3);	/* rising */
	mmio_write32(GPIO + GPIOIE, PIN3);
	check_eq("key-up-before", mmio_read32(GPIO_DATA_PIN3), 0);
	printf("READY press the power key\n");

	u64 before = irq_count;
	u64 waited = wait_for_irq(before, cntpct() + ms_ticks(30000));
	check_true("key-interrupt-taken", waited != 0);
	check_eq("key-iar", seen_iar, INTID_GPIO);
	check_eq("key-ris", seen_ris & PIN3, PIN3);
	check_eq("key-mis", seen_mis & PIN3, PIN3);
	check_eq("key-pin-high", seen_pin, PIN3);
	check_eq("key-cleared", mmio_read32(GPIO + GPIORIS) & PIN3, 0);

	u64 give_up = pressed_at + ms_ticks(5000);
	while (mmio_read32(GPIO_DATA_PIN3) != 0 && cntpct() < give_up)
		;
	u64 held = cntpct() - pressed_at;
	check_eq("key-released", mmio_read32(GPIO_DATA_PIN3), 0);
	check_true("key-held-at-least-50ms", held >= ms_ticks(50));
	check_eq("key-one-interrupt", irq_count - before, 1);
	check_eq("key-release-no-edge", mmio_read32(GPIO + GPIORIS) & PIN3, 0);
	guest_done();
}
