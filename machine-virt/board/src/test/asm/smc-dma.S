// Code in RAM that fw_cfg DMA overwrites: the board must drop the translated copy.
// Writes "mov x0, #1; ret" at CODE, calls it, prints x0; then DMA-reads the fw_cfg file
// "opt/code" (holding "mov x0, #2; ret") over it, calls it again, prints x0.
#define FW_CFG  0x09020000
#define CODE    0x40300000
#define DESC    0x40500000
        .global _start
_start: ldr     x27, =FW_CFG
        ldr     x20, =CODE
        ldr     w0, =0xd2800020         // mov x0, #1
        str     w0, [x20]
        ldr     w0, =0xd65f03c0         // ret
        str     w0, [x20, #4]
        dsb     sy
        ic      iallu
        isb
        blr     x20
        bl      print_hex
        // DMA: SELECT | READ of FILE_KEY, 8 bytes, to CODE
        ldr     x1, =DESC
        ldr     w2, =(FILE_KEY << 16) | 0x0a
        rev     w2, w2
        str     w2, [x1]
        mov     w2, #8
        rev     w2, w2
        str     w2, [x1, #4]
        rev     x2, x20
        str     x2, [x1, #8]
        rev     x2, x1
        dsb     sy
        str     x2, [x27, #16]
        isb
        blr     x20
        bl      print_hex
        b       power_off
#include "lib.S"
