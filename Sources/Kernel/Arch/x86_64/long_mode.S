/* x86_64: into long mode with the first 4 GiB identity-mapped (paging.S), then
   kernel_main(magic, info). Two ways in: from the shared 32-bit entry (a loader, or the
   hotswap stub that left long mode; ESI = magic, EDI = info, stack set), or, after an
   update from an x86_64 kernel, at x86_64_soft_reset_entry, still in long mode. */
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
/* The long-mode hotswap stub's entry (the note below names it): long mode on the identity
   map in the hotswap window, interrupts off, EAX = soft-reset magic, EBX -> block. The GDT,
   the IDT and the stack were the old kernel's and are overwritten: this checks the map and
   keeps it (x86_64_use_window_map, paging.S, says why), loads its GDT and joins the loader
   path. Privileged instructions come last, in one run: under kvm-pvm each one that comes
   alone is a VM exit, and the instructions after one are emulated. */
    .globl x86_64_soft_reset_entry
x86_64_soft_reset_entry:
    mov %eax, %r12d
    mov %ebx, %r13d
    rdtsc                           /* first timestamp of the boot timeline */
    mov %eax, boot_entry_tsc(%rip)
    mov %edx, boot_entry_tsc+4(%rip)
    movb $1, entered_in_long_mode(%rip)
    lea boot_stack_top(%rip), %rsp
    call x86_64_use_window_map
    lgdt gdt_pointer(%rip)
    mov %r12d, %esi
    mov %r13d, %edi
    pushq $0x18                     /* 64-bit code segment */
    lea long_mode(%rip), %rax
    pushq %rax
    lretq

long_mode:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    lgdt gdt_pointer                /* reload with the 64-bit base */
    /* SSE on for assembly routines (hardware CRC32C): CR0.EM off, CR0.MP on, CR4.OSFXSR
       and OSXMMEXCPT on. Swift code itself is compiled without SSE. */
    mov %cr0, %rax
    and $~0x4, %rax
    or $0x2, %rax
    mov %rax, %cr0
    mov %cr4, %rax
    mov %eax, x86_entry_cr4(%rip)
    or $0x600, %rax
    mov %rax, %cr4
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

/* x86_64_entered_in_long_mode() -> 1 when this kernel came in at x86_64_soft_reset_entry. */
    .text
    .globl x86_64_entered_in_long_mode
x86_64_entered_in_long_mode:
    movzbl entered_in_long_mode(%rip), %eax
    ret

    .section .data
entered_in_long_mode:
    .byte 0

/* The 64-bit soft-reset entry, for the kernel that updates to this image (LiveUpdate
   KernelImage.longModeEntry): owner "LIU", type 2, the entry's address. */
    .section .note.liu.entry, "a", %note
    .p2align 2
    .long 4, 8, 2
    .asciz "LIU"
    .quad x86_64_soft_reset_entry

    .section .note.GNU-stack,"",@progbits
