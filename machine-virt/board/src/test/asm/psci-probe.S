// Calls PSCI functions over hvc and prints each result (x0) as 16 hex digits, one per line,
// then SYSTEM_OFF (print_hex and power_off come from lib.S). The same image runs on QEMU and
// on our board: their outputs must agree.
        .text
        .global _start
_start:
        adr     x27, calls
1:      ldp     x0, x1, [x27], #16
        cbz     x0, 9f
        mov     x2, xzr
        mov     x3, xzr
        hvc     #0
        bl      print_hex
        b       1b
9:      b       power_off

        .balign 16
calls:  // function id, first argument
        .quad 0x84000000, 0             // PSCI_VERSION
        .quad 0x84000006, 0             // MIGRATE_INFO_TYPE
        .quad 0xc4000004, 0             // AFFINITY_INFO cpu 0
        .quad 0xc4000004, 1             // AFFINITY_INFO cpu 1 (absent)
        .quad 0xc4000003, 0             // CPU_ON cpu 0 (itself)
        .quad 0xc4000003, 1             // CPU_ON cpu 1 (absent)
        .quad 0x84000003, 0             // CPU_ON (32-bit id) cpu 0
        .quad 0xc4000005, 0             // MIGRATE
        .quad 0x8400000a, 0x84000000    // PSCI_FEATURES(...)
        .quad 0x8400000a, 0x84000001
        .quad 0x8400000a, 0xc4000001
        .quad 0x8400000a, 0x84000002
        .quad 0x8400000a, 0x84000003
        .quad 0x8400000a, 0xc4000003
        .quad 0x8400000a, 0x84000004
        .quad 0x8400000a, 0xc4000004
        .quad 0x8400000a, 0x84000005
        .quad 0x8400000a, 0xc4000005
        .quad 0x8400000a, 0x84000006
        .quad 0x8400000a, 0x84000007
        .quad 0x8400000a, 0x84000008
        .quad 0x8400000a, 0x84000009
        .quad 0x8400000a, 0x8400000a
        .quad 0x8400000a, 0x8400000c
        .quad 0x8400000a, 0x84000012
        .quad 0x8400000a, 0x80000000
        .quad 0, 0
#include "lib.S"
