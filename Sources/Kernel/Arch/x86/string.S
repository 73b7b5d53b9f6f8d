/* memcpy, memmove, memset, memcmp for the Swift runtime. Written in assembly so the
   compiler can never turn them back into calls to themselves. They move a word per
   element (8 bytes on x86_64, 4 on i686), then the last bytes: under QEMU's instruction
   counter a REP prefix counts one instruction per element, and these run inside an
   update's downtime (state saved and restored, the soft-reset block written). */
#if defined(__x86_64__)
    .text
    .globl memcpy, memmove, memset, memcmp
memcpy:                     /* rdi dst, rsi src, rdx n */
    mov %rdi, %rax
    mov %rdx, %rcx
    shr $3, %rcx
    rep movsq
    mov %edx, %ecx
    and $7, %ecx
    rep movsb
    ret
memmove:
    cmp %rsi, %rdi
    jbe memcpy              /* dst below src: a forward copy is safe */
    lea (%rsi,%rdx), %rax
    cmp %rax, %rdi
    jae memcpy              /* no overlap */
    mov %rdi, %rax
    lea -1(%rsi,%rdx), %rsi
    lea -1(%rdi,%rdx), %rdi
    std
    mov %edx, %ecx
    and $7, %ecx
    rep movsb               /* the last n % 8 bytes, backwards */
    sub $7, %rsi            /* then the words below them, last first */
    sub $7, %rdi
    mov %rdx, %rcx
    shr $3, %rcx
    rep movsq
    cld
    ret
memset:                     /* rdi dst, esi byte, rdx n */
    mov %rdi, %r8
    movzbl %sil, %eax
    movabs $0x0101010101010101, %rcx
    imul %rcx, %rax         /* the byte in every byte of RAX */
    mov %rdx, %rcx
    shr $3, %rcx
    rep stosq
    mov %edx, %ecx
    and $7, %ecx
    rep stosb
    mov %r8, %rax
    ret
memcmp:                     /* rdi a, rsi b, rdx n */
1:  cmp $8, %rdx
    jb 2f
    mov (%rdi), %rax
    cmp (%rsi), %rax
    jne 2f                  /* the difference is in these 8 bytes: find it bytewise */
    add $8, %rdi
    add $8, %rsi
    sub $8, %rdx
    jmp 1b
2:  xor %eax, %eax
    test %rdx, %rdx
    jz 4f
3:  movzbl (%rdi), %eax
    movzbl (%rsi), %ecx
    sub %ecx, %eax
    jnz 4f
    inc %rdi
    inc %rsi
    dec %rdx
    jnz 3b
4:  ret
#elif defined(__i386__)
    .text
    .globl memcpy, memmove, memset, memcmp
memcpy:                     /* cdecl: dst, src, n */
    push %edi
    push %esi
    mov 12(%esp), %edi
    mov 16(%esp), %esi
    mov 20(%esp), %edx
    mov %edi, %eax
    mov %edx, %ecx
    shr $2, %ecx
    rep movsl
    mov %edx, %ecx
    and $3, %ecx
    rep movsb
    pop %esi
    pop %edi
    ret
memmove:
    mov 4(%esp), %eax
    mov 8(%esp), %ecx
    cmp %ecx, %eax
    jbe memcpy              /* dst below src: a forward copy is safe */
    add 12(%esp), %ecx
    cmp %ecx, %eax
    jae memcpy              /* no overlap */
    push %edi
    push %esi
    mov 12(%esp), %edi
    mov 16(%esp), %esi
    mov 20(%esp), %edx
    lea -1(%esi,%edx), %esi
    lea -1(%edi,%edx), %edi
    std
    mov %edx, %ecx
    and $3, %ecx
    rep movsb               /* the last n % 4 bytes, backwards */
    sub $3, %esi            /* then the words below them, last first */
    sub $3, %edi
    mov %edx, %ecx
    shr $2, %ecx
    rep movsl
    cld
    pop %esi
    pop %edi
    ret
memset:
    push %edi
    mov 8(%esp), %edi
    movzbl 12(%esp), %eax
    imul $0x01010101, %eax  /* the byte in every byte of EAX */
    mov 16(%esp), %edx
    mov %edx, %ecx
    shr $2, %ecx
    rep stosl
    mov %edx, %ecx
    and $3, %ecx
    rep stosb
    mov 8(%esp), %eax
    pop %edi
    ret
memcmp:
    push %esi
    push %edi
    mov 12(%esp), %esi
    mov 16(%esp), %edi
    mov 20(%esp), %ecx
1:  cmp $4, %ecx
    jb 2f
    mov (%esi), %eax
    cmp (%edi), %eax
    jne 2f                  /* the difference is in these 4 bytes: find it bytewise */
    add $4, %esi
    add $4, %edi
    sub $4, %ecx
    jmp 1b
2:  xor %eax, %eax
    test %ecx, %ecx
    jz 4f
3:  movzbl (%esi), %eax
    movzbl (%edi), %edx
    sub %edx, %eax
    jnz 4f
    inc %esi
    inc %edi
    dec %ecx
    jnz 3b
4:  pop %edi
    pop %esi
    ret
#endif
/* free -> liu_free (Swift reserves the symbol name free for its runtime). */
    .text
    .globl free
free:
    jmp liu_free
    .section .note.GNU-stack,"",@progbits
