/* Port I/O and privileged x86 instructions that Swift cannot express. */
#if defined(__x86_64__)
#define A0 %edi
#define A1 %esi
    .text
    .globl liu_outb, liu_inb, liu_outw, liu_inw, liu_outl, liu_inl
    .globl liu_rdtsc, liu_rdmsr, liu_wrmsr, liu_cpuid_raw, liu_read_cr2
    .globl liu_interrupts_enable, liu_interrupts_disable, liu_halt, liu_wait_for_interrupt, liu_pause
    .globl liu_lidt, liu_rdrand64, liu_triple_fault
liu_outb: mov %esi, %eax; mov %edi, %edx; outb %al, %dx; ret
liu_outw: mov %esi, %eax; mov %edi, %edx; outw %ax, %dx; ret
liu_outl: mov %esi, %eax; mov %edi, %edx; outl %eax, %dx; ret
liu_inb:  mov %edi, %edx; xor %eax, %eax; inb %dx, %al; ret
liu_inw:  mov %edi, %edx; xor %eax, %eax; inw %dx, %ax; ret
liu_inl:  mov %edi, %edx; inl %dx, %eax; ret
liu_rdtsc: rdtsc; shl $32, %rdx; or %rdx, %rax; ret
liu_rdmsr: mov %edi, %ecx; rdmsr; shl $32, %rdx; or %rdx, %rax; ret
liu_wrmsr: mov %edi, %ecx; mov %rsi, %rax; mov %rsi, %rdx; shr $32, %rdx; wrmsr; ret
/* liu_cpuid_raw(leaf, subleaf, out[4]) */
liu_cpuid_raw:
    push %rbx
    mov %edi, %eax
    mov %esi, %ecx
    mov %rdx, %r8
    cpuid
    mov %eax, 0(%r8)
    mov %ebx, 4(%r8)
    mov %ecx, 8(%r8)
    mov %edx, 12(%r8)
    pop %rbx
    ret
liu_read_cr2: mov %cr2, %rax; ret
liu_interrupts_enable: sti; ret
liu_interrupts_disable: cli; ret
liu_halt: hlt; ret
/* STI holds interrupts off for one more instruction: one arriving before HLT still ends it. */
liu_wait_for_interrupt: sti; hlt; ret
liu_pause: pause; ret
liu_lidt: lidt (%rdi); ret
/* Returns 1 and stores a value when RDRAND delivered one. */
liu_rdrand64:
    mov $10, %ecx
1:  rdrand %rax
    jc 2f
    dec %ecx
    jnz 1b
    xor %eax, %eax
    ret
2:  mov %rax, (%rdi)
    mov $1, %eax
    ret
#elif defined(__i386__)
    .text
    .globl liu_outb, liu_inb, liu_outw, liu_inw, liu_outl, liu_inl
    .globl liu_rdtsc, liu_rdmsr, liu_wrmsr, liu_cpuid_raw, liu_read_cr2
    .globl liu_interrupts_enable, liu_interrupts_disable, liu_halt, liu_wait_for_interrupt, liu_pause
    .globl liu_lidt, liu_rdrand64, liu_triple_fault
liu_outb: mov 4(%esp), %edx; mov 8(%esp), %eax; outb %al, %dx; ret
liu_outw: mov 4(%esp), %edx; mov 8(%esp), %eax; outw %ax, %dx; ret
liu_outl: mov 4(%esp), %edx; mov 8(%esp), %eax; outl %eax, %dx; ret
liu_inb:  mov 4(%esp), %edx; xor %eax, %eax; inb %dx, %al; ret
liu_inw:  mov 4(%esp), %edx; xor %eax, %eax; inw %dx, %ax; ret
liu_inl:  mov 4(%esp), %edx; inl %dx, %eax; ret
liu_rdtsc: rdtsc; ret
liu_rdmsr: mov 4(%esp), %ecx; rdmsr; ret
liu_wrmsr: mov 4(%esp), %ecx; mov 8(%esp), %eax; mov 12(%esp), %edx; wrmsr; ret
liu_cpuid_raw:
    push %ebx
    push %edi
    mov 12(%esp), %eax
    mov 16(%esp), %ecx
    mov 20(%esp), %edi
    cpuid
    mov %eax, 0(%edi)
    mov %ebx, 4(%edi)
    mov %ecx, 8(%edi)
    mov %edx, 12(%edi)
    pop %edi
    pop %ebx
    ret
liu_read_cr2: mov %cr2, %eax; ret
liu_interrupts_enable: sti; ret
liu_interrupts_disable: cli; ret
liu_halt: hlt; ret
/* STI holds interrupts off for one more instruction: one arriving before HLT still ends it. */
liu_wait_for_interrupt: sti; hlt; ret
liu_pause: pause; ret
liu_lidt: mov 4(%esp), %eax; lidt (%eax); ret
liu_rdrand64:
    mov 4(%esp), %edx
    mov $20, %ecx
1:  rdrand %eax
    jc 2f
    dec %ecx
    jnz 1b
    xor %eax, %eax
    ret
2:  mov %eax, (%edx)
    rdrand %eax
    mov %eax, 4(%edx)
    mov $1, %eax
    ret
#endif
/* Hard reset that needs no chipset: an empty IDT turns the next exception into a triple
   fault. The spin after LIDT outlasts the window in which kvm-pvm keeps emulating guest
   instructions after a privileged one (its emulator cannot raise the fault itself). */
liu_triple_fault:
    cli
    lidt empty_idt
    mov $100000, %ecx
1:  pause
    dec %ecx
    jnz 1b
    int3
    hlt
    .section .rodata
    .p2align 3
empty_idt:
    .quad 0, 0

/* liu_symbol_address(which): 0 boot_entry_tsc, 1 __image_start, 2 __image_end,
   3 __liu_trust_start, 4 __liu_trust_end, 5 x86_entry_cr4 (entry32.S). */
    .text
    .globl liu_symbol_address
liu_symbol_address:
#if defined(__x86_64__)
    mov %edi, %eax
#else
    mov 4(%esp), %eax
#endif
    cmp $1, %eax
    je 1f
    cmp $2, %eax
    je 2f
    cmp $3, %eax
    je 3f
    cmp $4, %eax
    je 4f
    cmp $5, %eax
    je 5f
    mov $boot_entry_tsc, %eax
    ret
1:  mov $__image_start, %eax
    ret
2:  mov $__image_end, %eax
    ret
3:  mov $__liu_trust_start, %eax
    ret
4:  mov $__liu_trust_end, %eax
    ret
5:  mov $x86_entry_cr4, %eax
    ret
    .section .note.GNU-stack,"",@progbits
