// Hardware CRC32C (ARMv8 CRC32 extension) and probes for aarch64 (AAPCS64).
// The CRC routine updates a raw CRC register: the caller applies the pre/post inversion.
#if defined(__aarch64__)
    .arch armv8-a+crc
    .text

// uint32_t liu_cpu_has_crc32c(void): ID_AA64ISAR0_EL1.CRC32, bits [19:16], non-zero.
// Readable at EL1; Linux emulates the read at EL0.
    .globl liu_cpu_has_crc32c
    .type liu_cpu_has_crc32c, %function
liu_cpu_has_crc32c:
    mrs x0, ID_AA64ISAR0_EL1
    ubfx x0, x0, #16, #4
    cmp x0, #0
    cset w0, ne
    ret
    .size liu_cpu_has_crc32c, . - liu_cpu_has_crc32c

// uint32_t liu_crc32c_hw(uint32_t crc, const void *p, size_t n)
// Bytes up to 8-byte alignment first: with the MMU off, unaligned loads fault.
    .globl liu_crc32c_hw
    .type liu_crc32c_hw, %function
liu_crc32c_hw:
1:  cbz x2, 5f
    tst x1, #7
    b.eq 2f
    ldrb w3, [x1], #1
    crc32cb w0, w0, w3
    sub x2, x2, #1
    b 1b
2:  cmp x2, #64
    b.lo 7f
6:  ldp x3, x4, [x1], #16           // 64 bytes a round: a third of the loop's instructions per byte
    crc32cx w0, w0, x3
    crc32cx w0, w0, x4
    ldp x3, x4, [x1], #16
    crc32cx w0, w0, x3
    crc32cx w0, w0, x4
    ldp x3, x4, [x1], #16
    crc32cx w0, w0, x3
    crc32cx w0, w0, x4
    ldp x3, x4, [x1], #16
    crc32cx w0, w0, x3
    crc32cx w0, w0, x4
    sub x2, x2, #64
    cmp x2, #64
    b.hs 6b
7:  cmp x2, #8
    b.lo 4f
3:  ldr x3, [x1], #8
    crc32cx w0, w0, x3
    sub x2, x2, #8
    cmp x2, #8
    b.hs 3b
4:  cbz x2, 5f
    ldrb w3, [x1], #1
    crc32cb w0, w0, w3
    sub x2, x2, #1
    b 4b
5:  ret
    .size liu_crc32c_hw, . - liu_crc32c_hw

// uint32_t liu_probe_u32(uint32_t *p, uint32_t value): store then load back through memory.
    .globl liu_probe_u32
    .type liu_probe_u32, %function
liu_probe_u32:
    str w1, [x0]
    dsb sy
    ldr w0, [x0]
    ret
    .size liu_probe_u32, . - liu_probe_u32
#endif

#if defined(__ELF__)
    .section .note.GNU-stack,"",%progbits
#endif
