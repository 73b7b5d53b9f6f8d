/* x86 entry, shared by i686 and x86_64. Reached from a Multiboot loader (EAX = 0x2BADB002,
   EBX -> multiboot info), from a PVH loader (EBX -> hvm_start_info) or from the hotswap
   stub that left long mode (EAX = soft-reset magic, EBX -> soft-reset block): 32-bit
   protected mode, paging off, no usable stack. (x86_64 updates to x86_64 come in at
   x86_64_soft_reset_entry, long_mode.S, instead.) kernel_main(magic, info) gets EAX and EBX. */
    .set MULTIBOOT_MAGIC, 0x1BADB002
    .set MULTIBOOT_FLAGS, 0x00000003      /* page-align modules, want memory info */

#if defined(__i386__)
    .section .multiboot, "a"
    .p2align 2
    .long MULTIBOOT_MAGIC, MULTIBOOT_FLAGS, -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)
#endif

    .section .text.boot, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    mov %eax, %esi                  /* keep the loader's registers */
    mov %ebx, %edi
    rdtsc                           /* first timestamp of the boot timeline */
    mov %eax, boot_entry_tsc
    mov %edx, boot_entry_tsc + 4
    lgdt gdt_pointer
    ljmp $0x08, $1f
1:  mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss
    mov $boot_stack_top, %esp

#if defined(__i386__)
    /* SSE on for assembly routines (hardware CRC32C): CR0.EM off, CR0.MP on, CR4.OSFXSR
       and OSXMMEXCPT on. Swift code itself is compiled without SSE. x86_64 does this in
       long mode, which the 64-bit soft-reset entry reaches without passing here. */
    mov %cr0, %eax
    and $~0x4, %eax
    or $0x2, %eax
    mov %eax, %cr0
    mov %cr4, %eax
    mov %eax, x86_entry_cr4
    or $0x600, %eax
    mov %eax, %cr4
    /* .bss needs no zeroing: it lies in the PT_LOAD's memory size, which QEMU's ELF loader
       (a cold boot) and the hotswap stub (a soft reset) both zero. */
    xor %ebp, %ebp
    push %edi
    push %esi
    call kernel_main
2:  cli
    hlt
    jmp 2b
#else
    jmp x86_64_enter_long_mode
#endif

    .section .data
    .p2align 3
    .globl x86_gdt
x86_gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF        /* 0x08: flat 32-bit code */
    .quad 0x00CF92000000FFFF        /* 0x10: flat data */
    .quad 0x00AF9A000000FFFF        /* 0x18: 64-bit code */
    .quad 0, 0                      /* 0x20: 64-bit TSS, filled at boot */
x86_gdt_end:
    .globl gdt_pointer
gdt_pointer:
    .word x86_gdt_end - x86_gdt - 1
    .long x86_gdt                   /* the 64-bit lgdt also reads the zero high half */
    .long 0

    .p2align 3
    .globl boot_entry_tsc
boot_entry_tsc:
    .quad 0

    /* CR4 as the kernel was entered, before it sets its own bits (read where it sets them:
       i686 above, x86_64 in long_mode.S, which only PAE came before). CR4.OSXSAVE on says the
       previous kernel's AVX hotswap stub ran (no loader turns it on, no kernel does). */
    .p2align 2
    .globl x86_entry_cr4
x86_entry_cr4:
    .long 0

    /* Outside .bss so that clearing .bss does not pull the stack from under us. */
    .section .stack, "aw", @nobits
    .p2align 12
boot_stack:
    .skip 65536
    .globl boot_stack_top
boot_stack_top:
    .section .note.GNU-stack,"",@progbits
