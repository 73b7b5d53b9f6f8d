/* memcpy, memmove, memset, memcmp for the Swift runtime. Written in assembly so the
   compiler can never turn them back into calls to themselves. */
#if defined(__x86_64__)
#define ARG0 %rdi
    .text
    .globl memcpy, memmove, memset, memcmp
memcpy:                     /* rdi dst, rsi src, rdx n */
    mov %rdi, %rax
    mov %rdx, %rcx
    rep movsb
    ret
memmove:
    cmp %rsi, %rdi
    jbe memcpy              /* dst below src: a forward copy is safe */
    mov %rdi, %rax
    lea -1(%rsi,%rdx), %rsi
    lea -1(%rdi,%rdx), %rdi
    mov %rdx, %rcx
    std
    rep movsb
    cld
    ret
memset:                     /* rdi dst, esi byte, rdx n */
    mov %rdi, %r8
    mov %esi, %eax
    mov %rdx, %rcx
    rep stosb
    mov %r8, %rax
    ret
memcmp:                     /* rdi a, rsi b, rdx n */
    xor %eax, %eax
    test %rdx, %rdx
    jz 2f
1:  movzbl (%rdi), %eax
    movzbl (%rsi), %ecx
    sub %ecx, %eax
    jnz 2f
    inc %rdi
    inc %rsi
    dec %rdx
    jnz 1b
2:  ret
#elif defined(__i386__)
    .text
    .globl memcpy, memmove, memset, memcmp
memcpy:                     /* cdecl: dst, src, n */
    push %edi
    push %esi
    mov 12(%esp), %edi
    mov 16(%esp), %esi
    mov 20(%esp), %ecx
    mov %edi, %eax
    rep movsb
    pop %esi
    pop %edi
    ret
memmove:
    mov 4(%esp), %eax
    cmp 8(%esp), %eax
    jbe memcpy              /* dst below src: a forward copy is safe */
    push %edi
    push %esi
    mov 12(%esp), %edi
    mov 16(%esp), %esi
    mov 20(%esp), %ecx
    lea -1(%esi,%ecx), %esi
    lea -1(%edi,%ecx), %edi
    std
    rep movsb
    cld
    pop %esi
    pop %edi
    ret
memset:
    push %edi
    mov 8(%esp), %edi
    movzbl 12(%esp), %eax
    mov 16(%esp), %ecx
    mov %edi, %edx
    rep stosb
    mov %edx, %eax
    pop %edi
    ret
memcmp:
    push %esi
    push %edi
    mov 12(%esp), %esi
    mov 16(%esp), %edi
    mov 20(%esp), %ecx
    xor %eax, %eax
    test %ecx, %ecx
    jz 2f
1:  movzbl (%esi), %eax
    movzbl (%edi), %edx
    sub %edx, %eax
    jnz 2f
    inc %esi
    inc %edi
    dec %ecx
    jnz 1b
2:  pop %edi
    pop %esi
    ret
#endif
/* free -> liu_free (Swift reserves the symbol name free for its runtime). */
    .text
    .globl free
free:
    jmp liu_free
    .section .note.GNU-stack,"",@progbits
