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

/* x86_64_build_identity_map(tables, gigabytes): the same map, written in long mode, of
   [0, gigabytes GiB) (1-4) at `tables` (six pages: PML4, PDPT, four page directories), the
   3-4 GiB range uncached. The 64-bit soft-reset entry builds the kernel's own map with it,
   and the kernel the long-mode hotswap stub's map in the hotswap window (only the RAM there,
   so fewer entries). Stores are unrolled (TCG runs a REP prefix one element per dispatch).
   SysV: preserves RBX, RBP, R12-R15. */
    .text
    .code64
    .globl x86_64_build_identity_map
x86_64_build_identity_map:
    push %rbx
    mov %rsi, %r9                   /* gigabytes */
    mov $0x80000001, %eax
    cpuid                           /* EDX bit 26: 1 GiB pages */
    mov %edx, %r10d
    xor %eax, %eax                  /* clear PML4 and PDPT */
    mov %rdi, %rdx
    mov $128, %ecx
1:  .irp offset, 0, 8, 16, 24, 32, 40, 48, 56
    mov %rax, \offset(%rdx)
    .endr
    add $64, %rdx
    dec %ecx
    jnz 1b
    lea 0x1003(%rdi), %rax          /* PML4[0] -> PDPT, present, writable */
    mov %rax, (%rdi)
    lea 0x1000(%rdi), %rdx          /* PDPT */
    lea 0x2000(%rdi), %r11          /* the page directory of the current gigabyte */
    xor %ecx, %ecx                  /* the current gigabyte */
2:  mov %rcx, %rax
    shl $30, %rax
    or $0x83, %rax                  /* present, writable, large page */
    cmp $3, %ecx
    jb 3f
    or $0x18, %rax                  /* PCD|PWT: 3-4 GiB is MMIO */
3:  bt $26, %r10d
    jnc 4f
    mov %rax, (%rdx,%rcx,8)         /* one 1 GiB page */
    jmp 6f
4:  lea 3(%r11), %rbx
    mov %rbx, (%rdx,%rcx,8)         /* -> a page directory of 512 2 MiB pages */
    mov $128, %ebx
5:  mov %rax, (%r11)
    lea 0x200000(%rax), %rsi
    mov %rsi, 8(%r11)
    lea 0x400000(%rax), %rsi
    mov %rsi, 16(%r11)
    lea 0x600000(%rax), %rsi
    mov %rsi, 24(%r11)
    add $0x800000, %rax
    add $32, %r11
    dec %ebx
    jnz 5b
6:  inc %ecx
    cmp %r9d, %ecx
    jb 2b
    pop %rbx
    ret

    .section .note.GNU-stack,"",@progbits
