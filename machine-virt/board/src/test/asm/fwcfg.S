// Firmware that reads fw_cfg three ways and prints what it found, so that QEMU and this board
// can be compared line by line:
//   signature, ID, KERNEL_SIZE, INITRD_SIZE, CMDLINE_SIZE, the command line;
//   then the file "opt/virtfw/blob" found in the directory: its size, and a checksum of its bytes
//   read with 8-byte legacy reads (buffer A), 4-byte legacy reads (B) and one DMA READ (C),
//   and the DMA control word after the transfer (0 = done).
#define FW_CFG          0x09020000
#define BUF_A           0x40200000
#define BUF_B           0x40300000
#define BUF_C           0x40400000
#define DESC            0x40500000
#define NAME_BUF        0x40600000
        .global _start
_start: ldr     x27, =FW_CFG
        mov     w0, #0x00               // FW_CFG_SIGNATURE
        bl      select
        ldr     w0, [x27]
        bl      print_hex
        mov     w0, #0x01               // FW_CFG_ID
        bl      select
        ldr     w0, [x27]
        bl      print_hex
        mov     w0, #0x08               // FW_CFG_KERNEL_SIZE
        bl      select
        ldr     w0, [x27]
        bl      print_hex
        mov     w0, #0x0b               // FW_CFG_INITRD_SIZE
        bl      select
        ldr     w0, [x27]
        bl      print_hex
        mov     w0, #0x14               // FW_CFG_CMDLINE_SIZE
        bl      select
        ldr     w19, [x27]
        mov     x0, x19
        bl      print_hex
        mov     w0, #0x15               // FW_CFG_CMDLINE_DATA
        bl      select
        ldr     x1, =NAME_BUF
        mov     x2, x19
1:      cbz     x2, 2f
        ldrb    w3, [x27]
        strb    w3, [x1], #1
        sub     x2, x2, #1
        b       1b
2:      strb    wzr, [x1]
        ldr     x0, =NAME_BUF
        bl      puts
        adr     x0, nl
        bl      puts

        // The file directory (FW_CFG_FILE_DIR): be32 count, then 64-byte entries.
        mov     w0, #0x19
        bl      select
        ldr     w20, [x27]
        rev     w20, w20                // count
        mov     x21, #0                 // key found
        mov     x22, #0                 // its size
3:      cbz     w20, 5f
        ldr     w23, [x27]              // be32 size
        rev     w23, w23
        ldrh    w24, [x27]              // be16 select
        rev16   w24, w24
        ldrh    w25, [x27]              // reserved
        ldr     x1, =NAME_BUF
        mov     x2, #7
4:      ldr     x3, [x27]               // 56 bytes of name, 8 at a time
        str     x3, [x1], #8
        subs    x2, x2, #1
        b.ne    4b
        ldr     x0, =NAME_BUF
        adr     x1, wanted
        bl      streq
        sub     w20, w20, #1
        cbz     x0, 3b
        mov     x21, x24
        mov     x22, x23
5:      mov     x0, x21
        bl      print_hex
        mov     x0, x22
        bl      print_hex
        cbz     x21, done

        // A: 8-byte reads of the data register.
        mov     w0, w21
        bl      select
        ldr     x1, =BUF_A
        mov     x2, #0
6:      cmp     x2, x22
        b.hs    7f
        ldr     x3, [x27]
        str     x3, [x1, x2]
        add     x2, x2, #8
        b       6b
        // B: 4-byte reads.
7:      mov     w0, w21
        bl      select
        ldr     x1, =BUF_B
        mov     x2, #0
8:      cmp     x2, x22
        b.hs    9f
        ldr     w3, [x27]
        str     w3, [x1, x2]
        add     x2, x2, #4
        b       8b
        // C: one DMA transfer: SELECT | READ of the key, length = size, into BUF_C.
9:      ldr     x1, =DESC
        lsl     w2, w21, #16
        mov     w3, #0x0a               // FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ
        orr     w2, w2, w3
        rev     w2, w2
        str     w2, [x1]
        rev     w2, w22
        str     w2, [x1, #4]
        ldr     x2, =BUF_C
        rev     x2, x2
        str     x2, [x1, #8]
        rev     x2, x1
        dsb     sy
        str     x2, [x27, #16]          // one 8-byte big-endian write starts the transfer
        ldr     w0, [x1]
        rev     w0, w0
        bl      print_hex               // control after the transfer
        ldr     x0, =BUF_A
        bl      checksum
        ldr     x0, =BUF_B
        bl      checksum
        ldr     x0, =BUF_C
        bl      checksum
done:   b       power_off

// select: writes key w0 to the big-endian selector.
select: rev16   w0, w0
        strh    w0, [x27, #8]
        ret

// checksum: prints h = h * 31 + byte over x22 bytes at x0. Clobbers x0-x6.
checksum:
        mov     x6, x30
        mov     x1, #0
        mov     x2, #0
        mov     x4, #31
1:      cmp     x2, x22
        b.hs    2f
        ldrb    w3, [x0, x2]
        madd    x1, x1, x4, x3
        add     x2, x2, #1
        b       1b
2:      mov     x0, x1
        bl      print_hex
        mov     x30, x6
        ret

streq:  ldrb    w2, [x0], #1
        ldrb    w3, [x1], #1
        cmp     w2, w3
        b.ne    1f
        cbnz    w2, streq
        mov     x0, #1
        ret
1:      mov     x0, #0
        ret

wanted: .asciz  "opt/virtfw/blob"
nl:     .asciz  "\n"
        .balign 4
#include "lib.S"
