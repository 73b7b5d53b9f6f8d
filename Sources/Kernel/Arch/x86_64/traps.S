/* x86_64 traps: 256 stubs of 16 bytes each, a common path that saves every general
   register and calls x86_trap(frame), and the TSS/IDT set-up. The kernel's Swift code is
   compiled without SSE (see KernelBuild), so handlers leave vector registers alone and
   need not save them. Every vector runs on an
   IST stack: Swift code may keep live data in the red zone below RSP, which an interrupt
   taken on the same stack would overwrite. */
    .text
    .code64
    .p2align 4
trap_stubs:
    .set vector, 0
    .rept 256
    .p2align 4
    .if !(vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30)
    pushq $0                        /* uniform frame: a dummy error code */
    .endif
    pushq $vector
    jmp trap_common
    .set vector, vector + 1
    .endr

trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    mov %rsp, %rbx
    and $-16, %rsp
    cld
    call x86_trap
    mov %rbx, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp                   /* vector and error code */
    iretq

/* Installs the TSS (IST1: every vector; IST2: NMI, double fault, machine check) and the IDT. */
    .globl x86_64_install_traps
x86_64_install_traps:
    lea tss(%rip), %rax
    lea ist1_top(%rip), %rcx
    mov %rcx, 36(%rax)
    lea ist2_top(%rip), %rcx
    mov %rcx, 44(%rax)
    movw $104, 102(%rax)            /* no I/O permission bitmap */
    /* 16-byte TSS descriptor at GDT offset 0x20. */
    lea x86_gdt(%rip), %rdx
    movw $103, 0x20(%rdx)
    mov %eax, %ecx
    movw %cx, 0x22(%rdx)
    shr $16, %ecx
    movb %cl, 0x24(%rdx)
    movb $0x89, 0x25(%rdx)
    movb $0, 0x26(%rdx)
    movb %ch, 0x27(%rdx)
    mov %rax, %rcx
    shr $32, %rcx
    movl %ecx, 0x28(%rdx)
    movl $0, 0x2c(%rdx)
    mov $0x20, %ax
    ltr %ax

    /* 256 interrupt gates, stubs 16 bytes apart. A gate is two quadwords: offset 15..0,
       selector 0x18, IST1, type 0x8E (present interrupt gate, DPL 0), offset 31..16; then
       offset 63..32. The first is built once; each next one adds 16 to offset 15..0 and
       carries into the upper parts: seven instructions a gate, inside an update's downtime. */
    lea idt(%rip), %rdi
    lea trap_stubs(%rip), %rsi
    mov %esi, %eax
    shl $32, %rax                   /* offset 31..0 in bits 63..32 */
    mov $0xFFFF000000000000, %rdx
    and %rdx, %rax                  /* offset 31..16 */
    movzwl %si, %edx
    or %rdx, %rax                   /* offset 15..0 */
    mov $0x00008E0100180000, %rdx   /* selector, IST1, type */
    or %rdx, %rax
    mov %rsi, %rdx
    shr $32, %rdx                   /* offset 63..32 */
    mov $0x0001000000000000, %r8
    mov $256, %ecx
1:  mov %rax, (%rdi)
    mov %rdx, 8(%rdi)
    add $16, %rdi
    add $16, %ax                    /* the next stub */
    jnc 2f
    add %r8, %rax                   /* carry into offset 31..16 */
    adc $0, %rdx                    /* and into 63..32 */
2:  dec %ecx
    jnz 1b
    lea idt(%rip), %rdi
    movb $2, 2 * 16 + 4(%rdi)       /* IST2: NMI, double fault, machine check */
    movb $2, 8 * 16 + 4(%rdi)
    movb $2, 18 * 16 + 4(%rdi)
    lidt idt_pointer(%rip)
    ret

    .data
    .p2align 3
idt_pointer:
    .word 256 * 16 - 1
    .quad idt

    .bss
    .p2align 12
idt:
    .skip 256 * 16
tss:
    .skip 104
    /* The interrupt stacks need no zeroing: in .stack, memory the hotswap stub leaves alone. */
    .section .stack, "aw", @nobits
    .p2align 4
ist1:
    .skip 32768
ist1_top:
ist2:
    .skip 16384
ist2_top:
    .section .note.GNU-stack,"",@progbits
