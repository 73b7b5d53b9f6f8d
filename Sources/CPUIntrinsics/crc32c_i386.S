// Hardware CRC32C (SSE4.2 crc32l, general-purpose registers only) and probes for i686 (cdecl).
// The CRC routine updates a raw CRC register: the caller applies the pre/post inversion.
#if defined(__i386__)
    .text

// uint32_t liu_cpu_has_crc32c(void): CPUID leaf 1, ECX bit 20 (SSE4.2).
    .globl liu_cpu_has_crc32c
    .type liu_cpu_has_crc32c, @function
liu_cpu_has_crc32c:
    push %ebx
    mov $1, %eax
    xor %ecx, %ecx
    cpuid
    mov %ecx, %eax
    shr $20, %eax
    and $1, %eax
    pop %ebx
    ret
    .size liu_cpu_has_crc32c, . - liu_cpu_has_crc32c

// uint32_t liu_crc32c_hw(uint32_t crc, const void *p, size_t n)
    .globl liu_crc32c_hw
    .type liu_crc32c_hw, @function
liu_crc32c_hw:
    push %esi
    mov 8(%esp), %eax
    mov 12(%esp), %esi
    mov 16(%esp), %ecx
    cmp $16, %ecx
    jb 5f
6:  crc32l (%esi), %eax             // 16 bytes a round: fewer instructions per byte, few more bytes
    crc32l 4(%esi), %eax            // of code (kv's i686 image is at its 256 KiB budget)
    crc32l 8(%esi), %eax
    crc32l 12(%esi), %eax
    add $16, %esi
    sub $16, %ecx
    cmp $16, %ecx
    jae 6b
5:  cmp $4, %ecx
    jb 2f
1:  crc32l (%esi), %eax
    add $4, %esi
    sub $4, %ecx
    cmp $4, %ecx
    jae 1b
2:  test %ecx, %ecx
    jz 4f
3:  crc32b (%esi), %eax
    inc %esi
    dec %ecx
    jnz 3b
4:  pop %esi
    ret
    .size liu_crc32c_hw, . - liu_crc32c_hw

// uint32_t liu_probe_u32(uint32_t *p, uint32_t value): store then load back through memory.
    .globl liu_probe_u32
    .type liu_probe_u32, @function
liu_probe_u32:
    mov 4(%esp), %ecx
    mov 8(%esp), %eax
    mov %eax, (%ecx)
    lock orl $0, (%esp)
    mov (%ecx), %eax
    ret
    .size liu_probe_u32, . - liu_probe_u32
#endif

#if defined(__ELF__)
    .section .note.GNU-stack,"",@progbits
#endif
