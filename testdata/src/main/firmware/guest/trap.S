/* Recording exception vectors for the guests. Each of the 16 slots pushes a
 * frame of x0..x30, puts its own slot number (its marker) in x0 and calls
 * trap_entry(slot, frame) in guest.c, which records ESR/ELR/FAR/SPSR and
 * decides where eret goes. The table lives in flash (2 KiB aligned). */
#define FRAME_SIZE 256

	.section .text.guest_vectors, "ax"
	.balign 2048
	.global guest_vectors
guest_vectors:
	.irp slot, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.balign 128
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x0, #\slot
	b	trap_common
	.endr

trap_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	mov	x1, sp
	bl	trap_entry
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #FRAME_SIZE
	eret

/* u64 el0_call(void (*fn)(void), void *stack_top): drop to EL0t at fn with
 * SP_EL0 = stack_top (DAIF masked). fn ends with "svc #0xfff"; trap_entry
 * then erets to el0_return at EL1h, which restores this frame and returns
 * fn's x0. */
	.section .text.el0_call, "ax"
	.global el0_call
	.global el0_return
el0_call:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	mov	x2, sp
	adrp	x3, el0_saved_sp
	str	x2, [x3, :lo12:el0_saved_sp]
	msr	sp_el0, x1
	msr	elr_el1, x0
	mov	x2, #0x3c0		/* EL0t, D A I F masked */
	msr	spsr_el1, x2
	isb
	eret
el0_return:
	adrp	x3, el0_saved_sp
	ldr	x2, [x3, :lo12:el0_saved_sp]
	mov	sp, x2
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

	.section .bss.el0_saved_sp, "aw", %nobits
	.balign 8
	.global el0_saved_sp
el0_saved_sp:
	.skip 8
