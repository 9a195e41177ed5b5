/* arm64 Image header (Linux Documentation/arch/arm64/booting.rst) and entry.
 * The code only uses PC-relative addressing, so the image runs wherever it
 * is loaded; the build links it at two bases and checks the bytes agree. */
#define IMAGE_TEXT_OFFSET 0x80000
/* flags: bit 0 = 0 little-endian, bits 1-2 = 1 4K pages, bit 3 = 1 the
 * image may be placed anywhere in RAM. */
#define IMAGE_FLAGS 0xa

	.section .text.head, "ax"
	.global _head
_head:
	b	kernel_entry		/* code0 */
	.word	0			/* code1 */
	.quad	IMAGE_TEXT_OFFSET	/* text_offset */
	.quad	__image_size		/* image_size, little-endian */
	.quad	IMAGE_FLAGS		/* flags */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.word	0			/* res5 */

kernel_entry:
	isb
	mrs	x23, cntpct_el0
	msr	daifset, #0xf
	mov	x19, x0
	mov	x20, x1
	mov	x21, x2
	mov	x22, x3
	adrp	x0, __stack_top
	add	x0, x0, :lo12:__stack_top
	mov	sp, x0
	bl	install_vectors
	/* kernel_main(x0, x1, x2, x3, entry counter, image base) */
	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	mov	x3, x22
	mov	x4, x23
	adr	x5, _head
	bl	kernel_main
	bl	psci_system_off
1:	wfi
	b	1b
