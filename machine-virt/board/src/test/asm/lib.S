// Shared routines for the test guests: #include "lib.S" at the end of a program.
// All of them are position independent (literals via .ltorg).
#define UART_DR 0x09000000

// puts: prints the NUL-terminated string at x0. Clobbers x0-x2.
puts:   ldr     x1, =UART_DR
1:      ldrb    w2, [x0], #1
        cbz     w2, 2f
        str     w2, [x1]
        b       1b
2:      ret

// print_hex: prints x0 as 16 hex digits and a newline. Clobbers x1-x5.
print_hex:
        ldr     x1, =UART_DR
        mov     x2, #60
3:      lsr     x3, x0, x2
        and     x3, x3, #0xf
        cmp     x3, #10
        add     x4, x3, #'0'
        add     x5, x3, #('a' - 10)
        csel    x3, x4, x5, lo
        str     w3, [x1]
        subs    x2, x2, #4
        b.ge    3b
        mov     w3, #'\n'
        str     w3, [x1]
        ret

// PSCI SYSTEM_OFF and SYSTEM_RESET over hvc; they do not return.
power_off:
        ldr     x0, =0x84000008
        hvc     #0
        b       .
system_reset:
        ldr     x0, =0x84000009
        hvc     #0
        b       .
        .ltorg
