/* aarch64 hotswap stub. The kernel copies hotswap_start..hotswap_end to a fixed address
   between the DTB and the image and enters it through hotswap_enter with X0 -> descriptor
   list (LiveUpdate HotswapDescriptors). The copy overwrites the old kernel's page tables,
   so it runs with the MMU and caches off: first every source and destination range is
   cleaned and invalidated to the point of coherency, then SCTLR_EL1.M/C/I go off, the
   segments are copied and .bss zeroed (128 bytes a round), the destinations are cleaned
   and invalidated once more (lines fetched speculatively before the MMU went off would
   hide what the new kernel writes with its MMU off), then the I-cache and TLB are
   invalidated and the new kernel entered with X0 = magic, X1 -> soft-reset block.
   Position-independent, no stack. */
    .section .text.hotswap, "ax"
    .globl hotswap_start, hotswap_end
hotswap_start:
    msr daifset, #0xf
    mov x9, x0
    mov x8, #1                      /* sources and destinations */
    bl maintain_segments
    mrs x10, sctlr_el1
    bic x10, x10, #(1 << 0)         /* M */
    bic x10, x10, #(1 << 2)         /* C */
    bic x10, x10, #(1 << 12)        /* I */
    msr sctlr_el1, x10
    isb

    ldr x10, [x9]                   /* segments left */
    add x11, x9, #32
1:  cbz x10, 4f
    ldp x12, x13, [x11]             /* destination, source */
    ldp x14, x15, [x11, #16]        /* file size, memory size */
    sub x15, x15, x14
    orr x16, x12, x13
    tst x16, #15                    /* with the MMU off memory is Device: no unaligned pairs */
    b.ne 2f
10: cmp x14, #128                   /* 128 bytes a round, in SIMD registers (FP is on since */
    b.lo 12f                        /* boot), where both sides are aligned */
    ldp q16, q17, [x13], #32
    ldp q18, q19, [x13], #32
    ldp q20, q21, [x13], #32
    ldp q22, q23, [x13], #32
    stp q16, q17, [x12], #32
    stp q18, q19, [x12], #32
    stp q20, q21, [x12], #32
    stp q22, q23, [x12], #32
    sub x14, x14, #128
    b 10b
12: cmp x14, #16                    /* then 16 bytes a round */
    b.lo 2f
    ldp x16, x17, [x13], #16
    stp x16, x17, [x12], #16
    sub x14, x14, #16
    b 12b
2:  cbz x14, 3f
    ldrb w16, [x13], #1
    strb w16, [x12], #1
    sub x14, x14, #1
    b 2b
3:  cbz x15, 5f
    tst x12, #15
    b.ne 11f
    cmp x15, #128
    b.lo 13f
    movi v16.16b, #0
    movi v17.16b, #0
14: stp q16, q17, [x12], #32        /* .bss: 128 bytes a round too */
    stp q16, q17, [x12], #32
    stp q16, q17, [x12], #32
    stp q16, q17, [x12], #32
    sub x15, x15, #128
    cmp x15, #128
    b.hs 14b
    b 3b
13: cmp x15, #16
    b.lo 11f
    stp xzr, xzr, [x12], #16
    sub x15, x15, #16
    b 3b
11: strb wzr, [x12], #1
    sub x15, x15, #1
    b 3b
5:  add x11, x11, #32
    sub x10, x10, #1
    b 1b

4:  mov x8, #0                      /* destinations only: the sources are done with */
    bl maintain_segments
    ic iallu
    tlbi vmalle1
    dsb sy
    isb
    ldr x12, [x9, #8]               /* entry */
    ldr x0, [x9, #16]               /* magic */
    ldr x1, [x9, #24]               /* soft-reset block */
    br x12

/* Cleans and invalidates to PoC the destination range of every descriptor of the list at
   X9, and its source range too unless X8 is 0. Uses X6, X10-X17. */
maintain_segments:
    mov x6, x30
    ldr x10, [x9]
    add x11, x9, #32
6:  cbz x10, 7f
    ldr x12, [x11]
    ldr x13, [x11, #24]
    bl clean_range
    cbz x8, 15f
    ldr x12, [x11, #8]
    ldr x13, [x11, #16]
    bl clean_range
15: add x11, x11, #32
    sub x10, x10, #1
    b 6b
7:  dsb sy
    ret x6

/* DC CIVAC over [X12, X12 + X13), sixteen lines a round while sixteen remain (the loop's
   own instructions then add a quarter to the two each line needs). Uses X12-X17. */
clean_range:
    mrs x14, ctr_el0
    ubfx x14, x14, #16, #4          /* DminLine: log2 of the line size in words */
    mov x15, #4
    lsl x15, x15, x14               /* line size */
    add x13, x12, x13
    sub x16, x15, #1
    bic x12, x12, x16
    lsl x17, x15, #4                /* sixteen lines */
16: sub x16, x13, x12
    cmp x16, x17
    b.lo 8f
    .rept 16
    dc civac, x12
    add x12, x12, x15
    .endr
    b 16b
8:  cmp x12, x13
    b.hs 9f
    dc civac, x12
    add x12, x12, x15
    b 8b
9:  ret
hotswap_end:

/* Kernel-side helpers, not copied. */
    .text
    .globl hotswap_stub_address, hotswap_stub_size, hotswap_enter
hotswap_stub_address:
    adr x0, hotswap_start
    ret
hotswap_stub_size:
    mov x0, #(hotswap_end - hotswap_start)
    ret
/* hotswap_enter(list, stub, window, windowSize): the stub, list and block were written
   through the data cache; push the window to PoC (the stub runs part of its way with the
   MMU off) and make the copied code visible to instruction fetch, then jump. */
hotswap_enter:
    mov x12, x2
    mov x13, x3
    bl clean_range
    dsb sy
    ic iallu
    dsb sy
    isb
    br x1

    .section .note.GNU-stack,"",@progbits
