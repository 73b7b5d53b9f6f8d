/* liu_cause_fault(kind): 0 invalid opcode, 1 divide error, 2 invalid memory access
   (non-canonical address on x86_64; on i686, where paging is off and every address is
   valid, a selector beyond the GDT's limit). */
    .text
    .globl liu_cause_fault
liu_cause_fault:
#if defined(__x86_64__)
    mov %edi, %eax
#else
    mov 4(%esp), %eax
#endif
    cmp $1, %eax
    je 1f
    cmp $2, %eax
    je 2f
    ud2
1:  xor %ecx, %ecx
    xor %edx, %edx
    div %ecx
    ret
2:
#if defined(__x86_64__)
    movabs $0x8000000000000000, %rax
    mov (%rax), %rax
#else
    mov $0x48, %eax
    mov %ax, %es
#endif
    ret
    .section .note.GNU-stack,"",@progbits
