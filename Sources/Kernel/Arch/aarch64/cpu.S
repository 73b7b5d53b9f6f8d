/* System-register access and firmware calls that Swift cannot express. */
    .text
    .globl liu_counter, liu_counter_frequency, liu_vtimer_set, liu_vtimer_control
    .globl liu_interrupts_enable, liu_interrupts_disable, liu_wait_for_interrupt
    .globl liu_fiq_enable, liu_fiq_disable
    .globl liu_hvc_call, liu_semihosting_call, liu_cpu_features0, liu_rndr
liu_counter:
    isb
    mrs x0, cntvct_el0
    ret
liu_counter_frequency:
    mrs x0, cntfrq_el0
    ret
liu_vtimer_set:                     /* x0: ticks from now */
    msr cntv_tval_el0, x0
    isb
    ret
liu_vtimer_control:                 /* x0: CNTV_CTL (bit 0 enable, bit 1 mask) */
    msr cntv_ctl_el0, x0
    isb
    ret
liu_interrupts_enable:
    msr daifclr, #2
    ret
liu_interrupts_disable:
    msr daifset, #2
    ret
liu_wait_for_interrupt:
    wfi
    ret
liu_fiq_enable:
    msr daifclr, #1
    ret
liu_fiq_disable:
    msr daifset, #1
    ret
liu_hvc_call:                       /* PSCI: x0 function, x1-x3 arguments */
    hvc #0
    ret
liu_semihosting_call:               /* x0 operation, x1 parameter block */
    hlt #0xf000
    ret
liu_cpu_features0:                  /* ID_AA64ISAR0_EL1 */
    mrs x0, id_aa64isar0_el1
    ret
liu_rndr:                           /* returns 1 and stores a value when RNDR delivered one */
    mrs x1, id_aa64isar0_el1
    ubfx x1, x1, #60, #4
    cbz x1, 1f
    mrs x1, s3_3_c2_c4_0            /* RNDR */
    b.eq 1f                         /* NZCV.Z set: no entropy this time */
    str x1, [x0]
    mov x0, #1
    ret
1:  mov x0, #0
    ret

/* liu_symbol_address(which): 0 boot_entry_counter, 1 __image_start, 2 __image_end,
   3 __liu_trust_start, 4 __liu_trust_end. */
    .globl liu_symbol_address
liu_symbol_address:
    cmp x0, #1
    b.eq 1f
    cmp x0, #2
    b.eq 2f
    cmp x0, #3
    b.eq 3f
    cmp x0, #4
    b.eq 4f
    ldr x0, =boot_entry_counter
    ret
1:  ldr x0, =__image_start
    ret
2:  ldr x0, =__image_end
    ret
3:  ldr x0, =__liu_trust_start
    ret
4:  ldr x0, =__liu_trust_end
    ret

/* liu_cause_fault(kind): 0 undefined instruction, 1 breakpoint (AArch64 has no divide
   trap), 2 load from an unmapped address (TTBR1 walks are disabled). */
    .globl liu_cause_fault
liu_cause_fault:
    cmp x0, #1
    b.eq 1f
    cmp x0, #2
    b.eq 2f
    udf #0
1:  brk #1
2:  mov x1, #0xFFFF000000000000
    ldr x0, [x1]
    ret
