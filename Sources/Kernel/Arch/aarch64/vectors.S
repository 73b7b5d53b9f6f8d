/* aarch64 exception vectors: every entry saves all general registers, the exception
   registers and the FP/SIMD state (Swift uses it) and calls aarch64_trap(kind, frame). */
    .set FRAME_SIZE, 816            /* x0-x30, elr, spsr, esr, far, fpsr, fpcr, q0-q31 */
    .set FRAME_Q, 304

    .macro VECTOR kind
    .balign 0x80
    sub sp, sp, #FRAME_SIZE
    stp x0, x1, [sp, #0]
    mov x0, #\kind
    b trap_common
    .endm

    .text
    .balign 0x800
    .globl aarch64_exception_vectors
aarch64_exception_vectors:
    VECTOR 0     /* current EL, SP_EL0: sync */
    VECTOR 1     /* irq */
    VECTOR 2     /* fiq */
    VECTOR 3     /* serror */
    VECTOR 4     /* current EL, SP_ELx: sync */
    VECTOR 5     /* irq */
    VECTOR 6     /* fiq */
    VECTOR 7     /* serror */
    VECTOR 8     /* lower EL, AArch64 */
    VECTOR 9
    VECTOR 10
    VECTOR 11
    VECTOR 12    /* lower EL, AArch32 */
    VECTOR 13
    VECTOR 14
    VECTOR 15

trap_common:
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x19, [sp, #144]
    stp x20, x21, [sp, #160]
    stp x22, x23, [sp, #176]
    stp x24, x25, [sp, #192]
    stp x26, x27, [sp, #208]
    stp x28, x29, [sp, #224]
    mrs x10, elr_el1
    stp x30, x10, [sp, #240]
    mrs x10, spsr_el1
    mrs x11, esr_el1
    stp x10, x11, [sp, #256]
    mrs x10, far_el1
    mrs x11, fpsr
    stp x10, x11, [sp, #272]
    mrs x10, fpcr
    str x10, [sp, #288]
    add x10, sp, #FRAME_Q
    stp q0, q1, [x10, #0]
    stp q2, q3, [x10, #32]
    stp q4, q5, [x10, #64]
    stp q6, q7, [x10, #96]
    stp q8, q9, [x10, #128]
    stp q10, q11, [x10, #160]
    stp q12, q13, [x10, #192]
    stp q14, q15, [x10, #224]
    stp q16, q17, [x10, #256]
    stp q18, q19, [x10, #288]
    stp q20, q21, [x10, #320]
    stp q22, q23, [x10, #352]
    stp q24, q25, [x10, #384]
    stp q26, q27, [x10, #416]
    stp q28, q29, [x10, #448]
    stp q30, q31, [x10, #480]
    mov x1, sp
    bl aarch64_trap
    add x10, sp, #FRAME_Q
    ldp q0, q1, [x10, #0]
    ldp q2, q3, [x10, #32]
    ldp q4, q5, [x10, #64]
    ldp q6, q7, [x10, #96]
    ldp q8, q9, [x10, #128]
    ldp q10, q11, [x10, #160]
    ldp q12, q13, [x10, #192]
    ldp q14, q15, [x10, #224]
    ldp q16, q17, [x10, #256]
    ldp q18, q19, [x10, #288]
    ldp q20, q21, [x10, #320]
    ldp q22, q23, [x10, #352]
    ldp q24, q25, [x10, #384]
    ldp q26, q27, [x10, #416]
    ldp q28, q29, [x10, #448]
    ldp q30, q31, [x10, #480]
    ldr x10, [sp, #288]
    msr fpcr, x10
    ldp x10, x11, [sp, #272]
    msr fpsr, x11
    ldp x10, x11, [sp, #256]
    msr spsr_el1, x10
    ldp x30, x10, [sp, #240]
    msr elr_el1, x10
    ldp x0, x1, [sp, #0]
    ldp x2, x3, [sp, #16]
    ldp x4, x5, [sp, #32]
    ldp x6, x7, [sp, #48]
    ldp x8, x9, [sp, #64]
    ldp x10, x11, [sp, #80]
    ldp x12, x13, [sp, #96]
    ldp x14, x15, [sp, #112]
    ldp x16, x17, [sp, #128]
    ldp x18, x19, [sp, #144]
    ldp x20, x21, [sp, #160]
    ldp x22, x23, [sp, #176]
    ldp x24, x25, [sp, #192]
    ldp x26, x27, [sp, #208]
    ldp x28, x29, [sp, #224]
    add sp, sp, #FRAME_SIZE
    eret
