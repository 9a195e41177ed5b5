/* Reset entry of a firmware linked to run from RAM (bench-ram.ld): copies
 * the image from where it lies in flash to its RAM address, makes the
 * instruction side see the copy, and enters it at _start (start_bios.S),
 * which then sets up data, bss and the stack as for any -bios firmware. */
	.section .text.reloc, "ax"
	.global _reloc
_reloc:
	ldr	x0, =__image_start
	ldr	x1, =__image_end
	ldr	x2, =__image_load
1:	cmp	x0, x1
	b.hs	2f
	ldr	x3, [x2], #8
	str	x3, [x0], #8
	b	1b
2:	dsb	ish
	ic	iallu
	dsb	ish
	isb
	ldr	x0, =_start
	br	x0
	.ltorg
