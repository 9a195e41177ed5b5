/* Loads and stores of each width that may fault (see main.c). A faulting
 * access is skipped by the handler (ELR + 4): a load then returns the
 * marker already in x0. */
	.section .text.device_bodies, "ax"
	.global probe_read8, probe_read16, probe_read32, probe_read64, probe_write32
probe_read8:
	mov	x1, x0
	mov	x0, #0xdead
	ldrb	w0, [x1]
	ret
probe_read16:
	mov	x1, x0
	mov	x0, #0xdead
	ldrh	w0, [x1]
	ret
probe_read32:
	mov	x1, x0
	mov	x0, #0xdead
	ldr	w0, [x1]
	ret
probe_read64:
	mov	x1, x0
	mov	x0, #0xdead
	ldr	x0, [x1]
	ret
probe_write32:
	str	w1, [x0]
	ret
	.global probe_write16
probe_write16:
	strh	w1, [x0]
	ret
