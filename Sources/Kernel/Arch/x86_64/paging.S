/* Identity map of the low 4 GiB with 2 MiB pages (3-4 GiB uncached: MMIO) for long mode. */
    .section .text.boot, "ax"
    .code32
/* x86_build_identity_map: fills the PML4's first entry, the PDPT and four page directories. */
    .globl x86_build_identity_map
x86_build_identity_map:
    mov $x86_pdpt, %eax
    or $3, %eax                     /* present, writable */
    mov %eax, x86_pml4
    mov $page_directories, %eax
    or $3, %eax
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
    ret


    .bss
    .p2align 12
    .globl x86_pml4
x86_pml4:
    .skip 4096
x86_pdpt:
    .skip 4096
page_directories:
    .skip 4 * 4096
    .section .note.GNU-stack,"",@progbits
