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

/* x86_64_ensure_identity_map(tables, gigabytes): the same map, in long mode, of
   [0, gigabytes GiB) (1-4) at `tables` (six pages: PML4, PDPT, four page directories), the
   3-4 GiB range uncached, writing only the entries that differ. Every x86_64 kernel runs on
   this map in the hotswap window from its trap set-up on (x86_64_use_window_map), the
   long-mode hotswap stub copies on it and the next kernel keeps it. Under kvm-pvm (shadow
   paging) a write to a page table in use traps, and a new table means a fault, about a
   millisecond, for every 4 KiB page touched again: a map that stays put and unwritten keeps
   what the hypervisor learnt. Entries carry their accessed and dirty bits, so the
   hypervisor setting them changes nothing. SysV: preserves RBX, RBP, R12-R15. */
    .text
    .code64
    .globl x86_64_ensure_identity_map
x86_64_ensure_identity_map:
    push %rbx
    mov %rsi, %r9                   /* gigabytes */
    mov $0x80000001, %eax
    cpuid                           /* EDX bit 26: 1 GiB pages */
    mov %edx, %r10d
    lea 8(%rdi), %rdx               /* PML4[1..511] and PDPT[gigabytes..511] zero */
    mov $511, %ecx
    call ensure_zero
    lea 0x1000(%rdi,%r9,8), %rdx
    mov $512, %ecx
    sub %r9d, %ecx
    call ensure_zero
    mov %rdi, %rdx
    lea 0x1023(%rdi), %rax          /* PML4[0] -> PDPT: present, writable, accessed */
    call ensure_entry
    lea 0x2000(%rdi), %r11          /* the page directory of the current gigabyte */
    xor %r8d, %r8d                  /* the current gigabyte */
2:  mov %r8, %rax
    shl $30, %rax
    or $0xE3, %rax                  /* present, writable, accessed, dirty, large page */
    cmp $3, %r8d
    jb 3f
    or $0x18, %rax                  /* PCD|PWT: 3-4 GiB is MMIO */
3:  lea 0x1000(%rdi,%r8,8), %rdx    /* PDPT[gigabyte] */
    bt $26, %r10d
    jnc 4f
    call ensure_entry               /* one 1 GiB page */
    jmp 8f
4:  mov %rax, %rsi
    lea 0x23(%r11), %rax            /* -> a page directory of 512 2 MiB pages */
    call ensure_entry
    mov %rsi, %rax
    add $0x200000, %rsi
    mov $256, %ecx                  /* two entries a round */
5:  cmp %rax, (%r11)
    je 6f
    mov %rax, (%r11)
6:  cmp %rsi, 8(%r11)
    je 7f
    mov %rsi, 8(%r11)
7:  add $0x400000, %rax
    add $0x400000, %rsi
    add $16, %r11
    dec %ecx
    jnz 5b
8:  inc %r8d
    cmp %r9d, %r8d
    jb 2b
    pop %rbx
    ret

/* The entry at RDX becomes RAX (written only if it differs); RDX advances to the next. */
ensure_entry:
    cmp %rax, (%rdx)
    je 1f
    mov %rax, (%rdx)
1:  add $8, %rdx
    ret

/* The ECX entries from RDX become zero; read first (REPE SCASQ: one instruction an entry
   under an instruction count), written only if one is not. */
ensure_zero:
    push %rdi
    xor %eax, %eax
    mov %rdx, %rdi
    push %rcx
    repe scasq
    pop %rcx
    je 1f
    mov %rdx, %rdi
    rep stosq                       /* only after garbage: a cold boot's low memory */
1:  pop %rdi
    ret

/* x86_64_use_window_map(): the kernel moves to the map in the hotswap window (0x1000:
   HotswapWindow.base), once the loader's structures below 1 MiB have been read. */
    .set WINDOW_MAP, 0x1000
    .globl x86_64_use_window_map
x86_64_use_window_map:
    mov $WINDOW_MAP, %edi
    mov $4, %esi
    call x86_64_ensure_identity_map
    mov $WINDOW_MAP, %eax
    mov %rax, %cr3
    ret

    .section .note.GNU-stack,"",@progbits
