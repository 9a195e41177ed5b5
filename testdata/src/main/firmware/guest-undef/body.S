/* Undefined instructions and BRK (see main.c). Each function has a label
 * on the instruction that traps; the handler skips it (ELR + 4). */
	.section .text.undef_bodies, "ax"
	.global undef_el1, undef_el1_insn
undef_el1:
undef_el1_insn:
	.inst	0x00000000		/* UDF #0 */
	ret

	.global brk_el1, brk_el1_insn
brk_el1:
brk_el1_insn:
	brk	#0x7
	ret

	.global mrs_el2_el1, mrs_el2_el1_insn
mrs_el2_el1:
	mov	x0, #0x77
mrs_el2_el1_insn:
	mrs	x0, hcr_el2		/* EL2 register read from EL1: UNDEFINED */
	ret

	/* At EL0: UDF, then leave with x0 = 0x5a. */
	.global undef_el0_body, undef_el0_insn
undef_el0_body:
undef_el0_insn:
	.inst	0x00000000
	mov	x0, #0x5a
	svc	#0xfff

	/* At EL0: read MIDR_EL1 (an EL1 register), then leave. */
	.global mrs_el0_body, mrs_el0_insn
mrs_el0_body:
	mov	x3, #0
mrs_el0_insn:
	mrs	x3, midr_el1
	mov	x0, #0x5b
	svc	#0xfff

	/* At EL0: brk #0x99, then leave. */
	.global brk_el0_body, brk_el0_insn
brk_el0_body:
brk_el0_insn:
	brk	#0x99
	mov	x0, #0x5c
	svc	#0xfff
