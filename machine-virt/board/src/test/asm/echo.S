// Echoes the console input in upper case until it reads '.', polling the PL011's flag register
// (RXFE) as U-Boot does, then powers off.
#define FR_RXFE (1 << 4)
        .global _start
_start: ldr     x20, =0x09000000
1:      ldr     w0, [x20, #0x18]        // UARTFR
        tbnz    w0, #4, 1b              // RXFE: nothing yet
        ldr     w0, [x20]               // UARTDR
        and     w0, w0, #0xff
        cmp     w0, #'.'
        b.eq    power_off
        cmp     w0, #'a'
        b.lo    2f
        cmp     w0, #'z'
        b.hi    2f
        sub     w0, w0, #('a' - 'A')
2:      str     w0, [x20]
        b       1b
#include "lib.S"
