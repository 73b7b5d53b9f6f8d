/* memcpy, memmove, memset, memcmp for the Swift runtime, in assembly so the compiler
   can never turn them back into calls to themselves. They move 64 bytes a round in SIMD
   registers (the exception entry saves q0-q31), then 8 bytes, then single bytes: these run
   inside an update's downtime, counted by the instruction under QEMU's -icount. The MMU is
   on with SCTLR.A clear, so unaligned accesses to normal memory are allowed. */
    .text
    .globl memcpy, memmove, memset, memcmp
memcpy:                             /* x0 dst, x1 src, x2 n */
    mov x3, x0
1:  cmp x2, #64
    b.lo 2f
    ldp q0, q1, [x1], #32
    ldp q2, q3, [x1], #32
    stp q0, q1, [x3], #32
    stp q2, q3, [x3], #32
    sub x2, x2, #64
    b 1b
2:  cmp x2, #8
    b.lo 3f
    ldr x4, [x1], #8
    str x4, [x3], #8
    sub x2, x2, #8
    b 2b
3:  cbz x2, 4f
    ldrb w4, [x1], #1
    strb w4, [x3], #1
    sub x2, x2, #1
    b 3b
4:  ret
memmove:
    cmp x0, x1
    b.ls memcpy                     /* dst below src: a round loads all it stores first */
    add x3, x1, x2
    cmp x0, x3
    b.hs memcpy                     /* no overlap */
    add x3, x0, x2                  /* backwards from the ends */
    add x1, x1, x2
1:  cmp x2, #64
    b.lo 2f
    ldp q0, q1, [x1, #-32]
    ldp q2, q3, [x1, #-64]!
    stp q0, q1, [x3, #-32]
    stp q2, q3, [x3, #-64]!
    sub x2, x2, #64
    b 1b
2:  cmp x2, #8
    b.lo 3f
    ldr x4, [x1, #-8]!
    str x4, [x3, #-8]!
    sub x2, x2, #8
    b 2b
3:  cbz x2, 4f
    ldrb w4, [x1, #-1]!
    strb w4, [x3, #-1]!
    sub x2, x2, #1
    b 3b
4:  ret
memset:                             /* x0 dst, w1 byte, x2 n */
    mov x3, x0
    dup v0.16b, w1
    fmov x4, d0                     /* the byte in every byte of x4 */
1:  cmp x2, #64
    b.lo 2f
    stp q0, q0, [x3], #32
    stp q0, q0, [x3], #32
    sub x2, x2, #64
    b 1b
2:  cmp x2, #8
    b.lo 3f
    str x4, [x3], #8
    sub x2, x2, #8
    b 2b
3:  cbz x2, 4f
    strb w4, [x3], #1
    sub x2, x2, #1
    b 3b
4:  ret
memcmp:                             /* x0 a, x1 b, x2 n */
1:  cmp x2, #8
    b.lo 2f
    ldr x4, [x0]
    ldr x5, [x1]
    cmp x4, x5
    b.ne 2f                         /* the difference is in these 8 bytes: find it bytewise */
    add x0, x0, #8
    add x1, x1, #8
    sub x2, x2, #8
    b 1b
2:  cbz x2, 3f
    ldrb w4, [x0], #1
    ldrb w5, [x1], #1
    sub x2, x2, #1
    subs w4, w4, w5
    b.eq 2b
    mov w0, w4
    ret
3:  mov w0, #0
    ret
/* free -> liu_free (Swift reserves the symbol name free for its runtime). */
    .globl free
free:
    b liu_free
