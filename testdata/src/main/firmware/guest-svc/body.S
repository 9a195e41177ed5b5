/* SVC round trips, from EL1 and from EL0 (see main.c). */
	.section .text.svc_el1, "ax"
	/* u64 svc_el1(void): svc #0x42 with NZCV = Z|C; returns
	 * 0x123 + (SP after - SP before), so 0x123 when the handler kept SP. */
	.global svc_el1
	.global svc_el1_after
svc_el1:
	mov	x1, sp
	mov	x0, #0x60000000
	msr	nzcv, x0
	svc	#0x42
svc_el1_after:
	mov	x2, sp
	sub	x0, x2, x1
	add	x0, x0, #0x123
	ret

	.section .text.el0_svc_body, "ax"
	/* Runs at EL0: svc #0x43 with NZCV = C, then leaves with x0 = 0x4321. */
	.global el0_svc_body
	.global el0_svc_after
el0_svc_body:
	mov	x0, #0x20000000
	msr	nzcv, x0
	svc	#0x43
el0_svc_after:
	mov	x0, #0x4321
	svc	#0xfff
