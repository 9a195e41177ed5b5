// Counts boots in RAM (QEMU keeps RAM across a system reset): prints the count, resets
// until the third boot, then powers off.
        .global _start
_start: ldr     x9, =0x40100000
        ldr     w10, [x9]
        add     w10, w10, #1
        str     w10, [x9]
        adr     x0, msg
        bl      puts
        mov     x0, x10
        bl      print_hex
        cmp     w10, #3
        b.ge    power_off
        b       system_reset
msg:    .asciz  "boot "
        .balign 4
#include "lib.S"
