/* x86_64: from the shared 32-bit entry (ESI = magic, EDI = info, stack set) into long
   mode with the first 4 GiB identity-mapped (paging.S). */
    .section .text.boot, "ax"
    .code32
    .globl x86_64_enter_long_mode
x86_64_enter_long_mode:
    call x86_build_identity_map
    mov $x86_pml4, %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx           /* EFER.LME */
    rdmsr
    or $0x100, %eax
    wrmsr
    mov %cr0, %eax
    or $0x80000000, %eax            /* paging on: long mode active */
    mov %eax, %cr0
    ljmp $0x18, $long_mode

    .code64
long_mode:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    lgdt gdt_pointer                /* reload with the 64-bit base */
    /* .bss needs no zeroing: it lies in the PT_LOAD's memory size, which QEMU's ELF loader
       (a cold boot) and the hotswap stub (a soft reset) both zero. */
    mov $boot_stack_top, %rsp
    xor %ebp, %ebp
    mov %esi, %eax
    mov %edi, %esi                  /* kernel_main(magic, info) */
    mov %eax, %edi
    call kernel_main
4:  cli
    hlt
    jmp 4b

    .section .note.GNU-stack,"",@progbits
