// A minimal arm64 Linux Image (Documentation/arch/arm64/booting.rst header): prints x0 (the device
// tree address), where it was loaded, and the magic found at x0, then powers off. Position
// independent, so any load address works.
        .global _start
_start:
_head:  b       start                   // code0
        .long   0                       // code1
        .quad   TEXT_OFFSET             // text_offset
        .quad   _end - _head            // image_size
        .quad   0xa                     // flags: little-endian, 4K pages, anywhere
        .quad   0, 0, 0                 // res2-res4
        .ascii  "ARM\x64"               // magic
        .long   0                       // res5
start:  mov     x20, x0
        bl      print_hex               // x0 on entry
        adr     x0, _head
        bl      print_hex               // load address
        ldr     w0, [x20]
        rev     w0, w0
        bl      print_hex               // 00000000d00dfeed
        b       power_off
#include "lib.S"
_end:
