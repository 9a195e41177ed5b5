/* Loads, stores and a branch that fault (see main.c). Each has a label on
 * the faulting instruction; data aborts are skipped (ELR + 4). */
	.section .text.abort_bodies, "ax"
	/* u32 load_at(u64 addr): returns 0xdead if the load was skipped. */
	.global load_at, load_at_insn
load_at:
	mov	x1, x0
	mov	w0, #0xdead
load_at_insn:
	ldr	w0, [x1]
	ret

	/* void store_at(u64 addr, u32 value) */
	.global store_at, store_at_insn
store_at:
store_at_insn:
	str	w1, [x0]
	ret

	/* u64 call_at(u64 addr): blr to addr; the handler returns to x30,
	 * so x0 comes back unchanged when the instruction fetch faults. */
	.global call_at
call_at:
	stp	x29, x30, [sp, #-16]!
	blr	x0
	ldp	x29, x30, [sp], #16
	ret
