/* Identity map of the low 4 GiB for long mode, 3-4 GiB uncached (MMIO). With 1 GiB pages
   (CPUID pdpe1gb) it takes four entries, otherwise four page directories of 2 MiB pages.
   This runs with paging off, which some hypervisors (kvm-pvm) emulate instruction by
   instruction, so it writes as little as it can. The tables live outside .bss (cleared
   later, in long mode) and are cleared here first: a soft reset leaves garbage behind. */
    .section .text.boot, "ax"
    .code32
    .globl x86_build_identity_map
x86_build_identity_map:
    push %edi
    mov $x86_pml4, %edi             /* clear PML4 and PDPT */
    mov $2048, %ecx
    xor %eax, %eax
    rep stosl
    pop %edi
    mov $x86_pdpt, %eax
    or $3, %eax                     /* present, writable */
    mov %eax, x86_pml4
    push %ebx
    mov $0x80000001, %eax
    cpuid
    pop %ebx
    bt $26, %edx                    /* 1 GiB pages? */
    jnc 5f
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $30, %eax
    or $0x83, %eax                  /* present, writable, 1 GiB page */
    cmp $3, %ecx
    jb 2f
    or $0x18, %eax                  /* PCD|PWT for 3-4 GiB */
2:  mov %eax, x86_pdpt(,%ecx,8)
    inc %ecx
    cmp $4, %ecx
    jne 1b
    jmp 9f

5:  mov $page_directories, %eax
    or $3, %eax
    xor %ecx, %ecx
6:  mov %eax, x86_pdpt(,%ecx,8)
    add $4096, %eax
    inc %ecx
    cmp $4, %ecx
    jne 6b
    xor %ecx, %ecx
7:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax                  /* present, writable, 2 MiB page */
    cmp $1536, %ecx
    jb 8f
    or $0x18, %eax                  /* PCD|PWT from 3 GiB up */
8:  mov %eax, page_directories(,%ecx,8)
    movl $0, page_directories+4(,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jne 7b

9:  mov %cr4, %eax
    or $0x20, %eax                  /* PAE */
    mov %eax, %cr4
    ret

    .section .pagetables, "aw", @nobits
    .p2align 12
    .globl x86_pml4
x86_pml4:
    .skip 4096
x86_pdpt:
    .skip 4096
page_directories:
    .skip 4 * 4096
    .section .note.GNU-stack,"",@progbits
