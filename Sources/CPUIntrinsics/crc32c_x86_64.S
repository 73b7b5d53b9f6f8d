// Hardware CRC32C (SSE4.2) and feature probes for x86_64 (System V ABI).
// The CRC routines update a raw CRC register: the caller applies the pre/post inversion.
#if defined(__x86_64__)
    .text

// uint32_t liu_cpu_has_crc32c(void): CPUID leaf 1, ECX bit 20 (SSE4.2).
    .globl liu_cpu_has_crc32c
    .type liu_cpu_has_crc32c, @function
liu_cpu_has_crc32c:
    push %rbx
    mov $1, %eax
    xor %ecx, %ecx
    cpuid
    mov %ecx, %eax
    shr $20, %eax
    and $1, %eax
    pop %rbx
    ret
    .size liu_cpu_has_crc32c, . - liu_cpu_has_crc32c

// uint32_t liu_cpu_has_clmul(void): CPUID leaf 1, ECX bit 1 (PCLMULQDQ).
    .globl liu_cpu_has_clmul
    .type liu_cpu_has_clmul, @function
liu_cpu_has_clmul:
    push %rbx
    mov $1, %eax
    xor %ecx, %ecx
    cpuid
    mov %ecx, %eax
    shr $1, %eax
    and $1, %eax
    pop %rbx
    ret
    .size liu_cpu_has_clmul, . - liu_cpu_has_clmul

// uint32_t liu_crc32c_hw(uint32_t crc, const void *p, size_t n): one crc32q stream, 32 bytes a
// round while they last (the soft-reset block, short entries and tails).
    .globl liu_crc32c_hw
    .type liu_crc32c_hw, @function
liu_crc32c_hw:
    mov %edi, %eax
    cmp $32, %rdx
    jb 5f
6:  crc32q (%rsi), %rax
    crc32q 8(%rsi), %rax
    crc32q 16(%rsi), %rax
    crc32q 24(%rsi), %rax
    add $32, %rsi
    sub $32, %rdx
    cmp $32, %rdx
    jae 6b
5:  cmp $8, %rdx
    jb 2f
1:  crc32q (%rsi), %rax
    add $8, %rsi
    sub $8, %rdx
    cmp $8, %rdx
    jae 1b
2:  test %rdx, %rdx
    jz 4f
3:  crc32b (%rsi), %eax
    inc %rsi
    dec %rdx
    jnz 3b
4:  ret
    .size liu_crc32c_hw, . - liu_crc32c_hw

// uint32_t liu_crc32c_hw3(uint32_t crc, const void *p, size_t groups, size_t block,
//                         uint64_t k1, uint64_t k2)
// Processes groups * 3 * block bytes (block a non-zero multiple of 32). Each group is split into
// three blocks checksummed as independent crc32q streams, hiding the instruction's latency,
// 32 bytes of each a round (a quarter of the loop's counting and branching per byte);
// the streams are merged with carry-less multiplies: k1 = x^(8*block-33) mod P and
// k2 = x^(16*block-33) mod P (bit-reflected) shift the first two streams over the rest.
    .globl liu_crc32c_hw3
    .type liu_crc32c_hw3, @function
liu_crc32c_hw3:
    mov %edi, %eax
    movq %r8, %xmm1
    movq %r9, %xmm2
    test %rdx, %rdx
    jz 3f
1:  xor %r10d, %r10d
    xor %r11d, %r11d
    xor %edi, %edi
    lea (%rsi,%rcx), %r8
    lea (%r8,%rcx), %r9
2:  crc32q (%rsi,%rdi), %rax
    crc32q (%r8,%rdi), %r10
    crc32q (%r9,%rdi), %r11
    crc32q 8(%rsi,%rdi), %rax
    crc32q 8(%r8,%rdi), %r10
    crc32q 8(%r9,%rdi), %r11
    crc32q 16(%rsi,%rdi), %rax
    crc32q 16(%r8,%rdi), %r10
    crc32q 16(%r9,%rdi), %r11
    crc32q 24(%rsi,%rdi), %rax
    crc32q 24(%r8,%rdi), %r10
    crc32q 24(%r9,%rdi), %r11
    add $32, %rdi
    cmp %rcx, %rdi
    jb 2b
    movd %eax, %xmm0
    pclmulqdq $0x00, %xmm2, %xmm0
    movd %r10d, %xmm3
    pclmulqdq $0x00, %xmm1, %xmm3
    pxor %xmm3, %xmm0
    movq %xmm0, %rdi
    xor %eax, %eax
    crc32q %rdi, %rax
    xor %r11d, %eax
    lea (%r9,%rcx), %rsi
    dec %rdx
    jnz 1b
3:  ret
    .size liu_crc32c_hw3, . - liu_crc32c_hw3

// uint32_t liu_probe_u32(uint32_t *p, uint32_t value): store then load back through memory,
// so the compiler cannot fold the round trip (used for the RAM canary).
    .globl liu_probe_u32
    .type liu_probe_u32, @function
liu_probe_u32:
    mov %esi, (%rdi)
    mfence
    mov (%rdi), %eax
    ret
    .size liu_probe_u32, . - liu_probe_u32
#endif

#if defined(__ELF__)
    .section .note.GNU-stack,"",@progbits
#endif
