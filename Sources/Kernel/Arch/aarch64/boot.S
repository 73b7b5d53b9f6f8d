/* aarch64 entry for QEMU virt. Cold boot: QEMU starts the ELF at EL1 (or EL2) with the DTB
   at the RAM base; soft reset: the hotswap stub enters with X0 = magic, X1 -> soft-reset
   block, MMU and caches off. kernel_main(x0, x1) decides which. */
    .section .text.boot, "ax"
    .globl _start
_start:
    mrs x9, cntvct_el0              /* first timestamp of the boot timeline */
    mov x20, x0
    mov x21, x1
    msr daifset, #0xf
    mrs x10, CurrentEL
    lsr x10, x10, #2
    cmp x10, #2
    b.ne 1f
    /* EL2 -> EL1: AArch64 at EL1, timers usable from EL1, no virtual offset. */
    mov x10, #(1 << 31)
    msr hcr_el2, x10
    mov x10, #3
    msr cnthctl_el2, x10
    msr cntvoff_el2, xzr
    mov x10, #0x3c5                 /* EL1h, interrupts masked */
    msr spsr_el2, x10
    adr x10, 1f
    msr elr_el2, x10
    eret
1:  ldr x10, =boot_entry_counter
    str x9, [x10]
    ldr x10, =boot_stack_top
    mov sp, x10
    mov x10, #(3 << 20)             /* CPACR_EL1.FPEN: Swift uses FP/SIMD registers */
    msr cpacr_el1, x10
    isb
    ldr x10, =aarch64_exception_vectors
    msr vbar_el1, x10
    /* .bss needs no zeroing here: it lies in the PT_LOAD's memory size, which QEMU's ELF
       loader (a cold boot) and the hotswap stub (a soft reset) both zero. */
    bl aarch64_enable_mmu
    mov x0, x20
    mov x1, x21
    bl kernel_main
4:  wfi
    b 4b

/* Identity map with 1 GiB blocks: below 1 GiB device memory (UART, GIC, virtio-mmio),
   1-256 GiB normal write-back memory (RAM), above that device memory again. */
aarch64_enable_mmu:
    mov x16, x30                    /* fill_blocks is called: keep the return address */
    ldr x10, =level1_table
    mov x11, #0x401                 /* block, AttrIndx 0 (device-nGnRnE), AF */
    mov x12, #0x705                 /* block, AttrIndx 1 (normal), inner shareable, AF */
    mov x14, #(1 << 30)
    add x12, x12, x14               /* the second gigabyte */
    str x11, [x10], #8              /* 0-1 GiB */
    mov x15, #255                   /* 1-256 GiB: normal */
    bl fill_blocks
    mov x12, #(256 << 30)
    add x12, x12, x11
    mov x15, #256                   /* 256-512 GiB: device */
    bl fill_blocks
    ldr x10, =0xFF00                /* MAIR: attr0 device-nGnRnE, attr1 normal WB */
    msr mair_el1, x10
    ldr x10, =((25) | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | (2 << 32))
    msr tcr_el1, x10
    ldr x10, =level1_table
    msr ttbr0_el1, x10
    tlbi vmalle1
    dsb ish
    isb
    mrs x10, sctlr_el1
    orr x10, x10, #(1 << 0)         /* M: MMU */
    orr x10, x10, #(1 << 2)         /* C: data cache */
    orr x10, x10, #(1 << 12)        /* I: instruction cache */
    bic x10, x10, #(1 << 1)         /* A: allow unaligned access */
    msr sctlr_el1, x10
    isb
    ret x16

/* X15 block entries from X10 up: X12, then X12 + X14 each; four instructions an entry (a new
   kernel does this inside an update's downtime). Leaves X10 past them. */
fill_blocks:
    str x12, [x10], #8
    add x12, x12, x14
    subs x15, x15, #1
    b.ne fill_blocks
    ret

    .data
    .p2align 3
    .globl boot_entry_counter
boot_entry_counter:
    .quad 0

    .bss
    .p2align 12
level1_table:
    .skip 4096

    .section .stack, "aw", @nobits
    .p2align 12
    .skip 65536
    .globl boot_stack_top
boot_stack_top:
