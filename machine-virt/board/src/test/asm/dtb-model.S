// Firmware: finds the device tree at the start of RAM, prints its magic, then walks the root
// node's properties to print the value of "model".
        .global _start
_start: ldr     x20, =0x40000000        // the DTB
        ldr     w0, [x20]
        rev     w0, w0                  // FDT header fields are big-endian
        bl      print_hex
        ldr     w21, [x20, #8]          // off_dt_struct
        rev     w21, w21
        ldr     w22, [x20, #12]         // off_dt_strings
        rev     w22, w22
        add     x22, x20, x22           // strings block
        add     x23, x20, x21           // structure cursor
        ldr     w0, [x23], #4
        rev     w0, w0
        cmp     w0, #1                  // FDT_BEGIN_NODE
        b.ne    fail
        add     x23, x23, #4            // the root's empty name, padded
prop:   ldr     w0, [x23]
        rev     w0, w0
        cmp     w0, #3                  // FDT_PROP
        b.ne    fail
        ldr     w24, [x23, #4]          // len
        rev     w24, w24
        ldr     w25, [x23, #8]          // nameoff
        rev     w25, w25
        add     x0, x22, x25
        adr     x1, model
        bl      streq
        cbnz    x0, found
        add     x24, x24, #3            // next property: value padded to 4
        and     x24, x24, #~3
        add     x23, x23, #12
        add     x23, x23, x24
        b       prop
found:  add     x0, x23, #12
        bl      puts
        adr     x0, nl
        bl      puts
        b       power_off
fail:   adr     x0, bad
        bl      puts
        b       power_off

// streq: x0 = 1 when the strings at x0 and x1 are equal. Clobbers x2, x3.
streq:  ldrb    w2, [x0], #1
        ldrb    w3, [x1], #1
        cmp     w2, w3
        b.ne    1f
        cbnz    w2, streq
        mov     x0, #1
        ret
1:      mov     x0, #0
        ret

model:  .asciz  "model"
nl:     .asciz  "\n"
bad:    .asciz  "no model property\n"
        .balign 4
#include "lib.S"
