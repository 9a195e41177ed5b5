/* Entry of the -bios firmware. QEMU's virt board starts the CPU at the
 * reset address 0x0 (flash) with the device tree at the start of RAM
 * (0x4000_0000, the boot protocol for firmware). The image runs in place
 * from flash and never writes it: .data is copied to RAM, .bss cleared,
 * the stack is in RAM above the device tree's 1 MiB. */
	.section .text.start, "ax"
	.global _start
_start:
	isb
	mrs	x19, cntpct_el0		/* counter at firmware entry */
	msr	daifset, #0xf
	ldr	x0, =__stack_top
	mov	sp, x0
	/* .data: flash -> RAM */
	ldr	x0, =__data_start
	ldr	x1, =__data_end
	ldr	x2, =__data_load
1:	cmp	x0, x1
	b.hs	2f
	ldr	x3, [x2], #8
	str	x3, [x0], #8
	b	1b
2:	/* .bss */
	ldr	x0, =__bss_start
	ldr	x1, =__bss_end
3:	cmp	x0, x1
	b.hs	4f
	str	xzr, [x0], #8
	b	3b
4:	bl	install_vectors
	ldr	x0, =__dtb_base
	mov	x1, x19
	bl	firmware_main
	bl	psci_system_off
5:	wfi
	b	5b
