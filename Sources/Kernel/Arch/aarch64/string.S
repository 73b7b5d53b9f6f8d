/* memcpy, memmove, memset, memcmp for the Swift runtime, in assembly so the compiler
   can never turn them back into calls to themselves. Word-sized when both ends allow. */
    .text
    .globl memcpy, memmove, memset, memcmp
memcpy:                             /* x0 dst, x1 src, x2 n */
    mov x3, x0
    orr x4, x0, x1
    tst x4, #7
    b.ne 2f
1:  cmp x2, #8
    b.lo 2f
    ldr x4, [x1], #8
    str x4, [x3], #8
    sub x2, x2, #8
    b 1b
2:  cbz x2, 3f
    ldrb w4, [x1], #1
    strb w4, [x3], #1
    sub x2, x2, #1
    b 2b
3:  ret
memmove:
    cmp x0, x1
    b.ls memcpy                     /* dst below src: forward copy is safe */
    add x3, x0, x2
    add x1, x1, x2
1:  cbz x2, 2f
    ldrb w4, [x1, #-1]!
    strb w4, [x3, #-1]!
    sub x2, x2, #1
    b 1b
2:  ret
memset:                             /* x0 dst, w1 byte, x2 n */
    mov x3, x0
    and w1, w1, #0xff
1:  cbz x2, 2f
    strb w1, [x3], #1
    sub x2, x2, #1
    b 1b
2:  ret
memcmp:
    mov x3, #0
1:  cmp x3, x2
    b.hs 2f
    ldrb w4, [x0, x3]
    ldrb w5, [x1, x3]
    add x3, x3, #1
    subs w4, w4, w5
    b.eq 1b
    mov w0, w4
    ret
2:  mov w0, #0
    ret
/* free -> liu_free (Swift reserves the symbol name free for its runtime). */
    .globl free
free:
    b liu_free
