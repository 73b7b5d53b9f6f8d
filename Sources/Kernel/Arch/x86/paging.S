/* Identity map of the low 4 GiB with 2 MiB PAE pages (3-4 GiB uncached: MMIO), shared by
   i686 (PAE paging) and x86_64 (long mode adds a PML4 on top). Paging is on for i686 too:
   nested KVM without "unrestricted guest" emulates paging-off protected mode, and its
   emulator fails on the SSE instructions Swift code uses. */
    .section .text.boot, "ax"
    .code32
/* x86_build_identity_map(pdpt_entry_flags in EAX): fills pdpt and page_directories. */
    .globl x86_build_identity_map
x86_build_identity_map:
    push %ebx
    mov %eax, %edx
    mov $page_directories, %eax
    or %edx, %eax
    xor %ecx, %ecx
1:  mov %eax, x86_pdpt(,%ecx,8)
    movl $0, x86_pdpt+4(,%ecx,8)
    add $4096, %eax
    inc %ecx
    cmp $4, %ecx
    jne 1b
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax                  /* present, writable, large page */
    cmp $1536, %ecx
    jb 3f
    or $0x18, %eax                  /* PCD|PWT from 3 GiB up */
3:  mov %eax, page_directories(,%ecx,8)
    movl $0, page_directories+4(,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jne 2b
    mov %cr4, %eax
    or $0x20, %eax                  /* PAE */
    mov %eax, %cr4
    pop %ebx
    ret

#if defined(__i386__)
    .globl i686_enable_paging
i686_enable_paging:
    mov $1, %eax                    /* PAE PDPT entries: present only */
    call x86_build_identity_map
    mov $x86_pdpt, %eax
    mov %eax, %cr3
    mov %cr0, %eax
    or $0x80000000, %eax
    mov %eax, %cr0
    ret
#endif

    .bss
    .p2align 12
    .globl x86_pdpt
x86_pdpt:
    .skip 4096
page_directories:
    .skip 4 * 4096
    .section .note.GNU-stack,"",@progbits
