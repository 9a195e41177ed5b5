/* Exception vector table: every entry reports the exception and powers off.
 * Entry index / 4 tells the source group (current EL SP0, current EL SPx,
 * lower EL AArch64, lower EL AArch32), entry index % 4 the kind. The table
 * is reached PC-relatively, so it also works in the relocatable kernel. */
	.section .text.vectors, "ax"
	.balign 2048
	.global exception_vectors
exception_vectors:
	.irp idx, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.balign 128
	mov	x0, #\idx
	b	exception_common
	.endr

exception_common:
	/* x0 = entry index = (group << 2) | kind, as exception_report expects. */
	mrs	x4, CurrentEL
	cmp	x4, #(2 << 2)
	b.eq	1f
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	b	2f
1:	mrs	x1, esr_el2
	mrs	x2, elr_el2
	mrs	x3, far_el2
2:	bl	exception_report
3:	wfi
	b	3b

	/* install_vectors: point VBAR of the current EL at the table. */
	.section .text.install_vectors, "ax"
	.global install_vectors
install_vectors:
	adr	x0, exception_vectors
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.eq	1f
	msr	vbar_el1, x0
	isb
	ret
1:	msr	vbar_el2, x0
	isb
	ret

	/* jump_to_kernel(dtb, entry): enter an arm64 Image as booti does. */
	.section .text.jump_to_kernel, "ax"
	.global jump_to_kernel
jump_to_kernel:
	mov	x4, x1
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	dsb	sy
	isb
	br	x4
