/* 64-bit division and shift helpers that LLVM calls on i686 (no compiler-rt for bare
   metal here).
   udivmod64 is the core: EDX:EAX / ECX:EBX -> quotient EDX:EAX, remainder ECX:EBX. */
    .text
    .code32
udivmod64:
    test %ecx, %ecx
    jnz 2f
    /* Divisor fits in 32 bits: two hardware divisions, high word first. */
    push %esi
    mov %eax, %esi                  /* low word of the dividend */
    mov %edx, %eax
    xor %edx, %edx
    div %ebx                        /* EAX = high quotient, EDX = carry */
    xchg %eax, %esi                 /* ESI = high quotient, EAX = low dividend */
    div %ebx                        /* EAX = low quotient, EDX = remainder */
    mov %edx, %ebx
    xor %ecx, %ecx
    mov %esi, %edx
    pop %esi
    ret
2:  /* Shift-subtract, one quotient bit per round. */
    push %esi
    push %edi
    push %ebp
    sub $8, %esp
    mov %ebx, 0(%esp)               /* divisor */
    mov %ecx, 4(%esp)
    xor %esi, %esi                  /* remainder ESI:EDI (high:low) */
    xor %edi, %edi
    mov $64, %ebp
3:  shl $1, %eax                    /* dividend/quotient EDX:EAX shifts left... */
    rcl $1, %edx
    rcl $1, %edi                    /* ...its top bit into the remainder */
    rcl $1, %esi
    jc 4f                           /* remainder passed 2^64: certainly >= divisor */
    cmp 4(%esp), %esi
    jb 5f
    ja 4f
    cmp 0(%esp), %edi
    jb 5f
4:  sub 0(%esp), %edi
    sbb 4(%esp), %esi
    or $1, %eax                     /* quotient bit */
5:  dec %ebp
    jnz 3b
    mov %edi, %ebx
    mov %esi, %ecx
    add $8, %esp
    pop %ebp
    pop %edi
    pop %esi
    ret

    .macro LOAD_ARGUMENTS
    mov 8(%esp), %eax               /* after pushing EBX: dividend at 8, divisor at 16 */
    mov 12(%esp), %edx
    mov 16(%esp), %ebx
    mov 20(%esp), %ecx
    .endm

    .globl __udivdi3, __umoddi3, __divdi3, __moddi3
__udivdi3:
    push %ebx
    LOAD_ARGUMENTS
    call udivmod64
    pop %ebx
    ret
__umoddi3:
    push %ebx
    LOAD_ARGUMENTS
    call udivmod64
    mov %ebx, %eax
    mov %ecx, %edx
    pop %ebx
    ret
/* Signed: divide magnitudes; the quotient is negative when the signs differ, the
   remainder takes the dividend's sign. */
__divdi3:
    push %ebx
    push %esi
    push %edi
    call signed_udivmod
    test %esi, %esi
    js negate_and_return
    jmp signed_return
__moddi3:
    push %ebx
    push %esi
    push %edi
    call signed_udivmod
    mov %ebx, %eax
    mov %ecx, %edx
    test %edi, %edi
    jns signed_return
negate_and_return:
    call negate64
signed_return:
    pop %edi
    pop %esi
    pop %ebx
    ret

/* For __divdi3/__moddi3 (after they pushed EBX, ESI, EDI): divides the magnitudes of their
   arguments; ESI = sign of the quotient, EDI = sign of the remainder. */
signed_udivmod:
    mov 20(%esp), %eax
    mov 24(%esp), %edx
    mov 28(%esp), %ebx
    mov 32(%esp), %ecx
    mov %edx, %edi
    mov %edx, %esi
    xor %ecx, %esi
    test %edx, %edx
    jns 1f
    call negate64
1:  test %ecx, %ecx
    jns 2f
    xchg %eax, %ebx
    xchg %edx, %ecx
    call negate64
    xchg %eax, %ebx
    xchg %edx, %ecx
2:  jmp udivmod64

/* EDX:EAX = -EDX:EAX */
negate64:
    neg %eax
    adc $0, %edx
    neg %edx
    ret

/* Shifts of EDX:EAX-style 64-bit values by a variable count (0-63). */
    .macro LOAD_SHIFT_ARGUMENTS
    mov 4(%esp), %eax
    mov 8(%esp), %edx
    mov 12(%esp), %ecx
    test $32, %cl
    .endm

    .globl __ashldi3, __lshrdi3, __ashrdi3
__ashldi3:
    LOAD_SHIFT_ARGUMENTS
    jnz 1f
    shld %cl, %eax, %edx
    shl %cl, %eax
    ret
1:  mov %eax, %edx
    xor %eax, %eax
    shl %cl, %edx                   /* the CPU masks the count to 5 bits */
    ret
__lshrdi3:
    LOAD_SHIFT_ARGUMENTS
    jnz 1f
    shrd %cl, %edx, %eax
    shr %cl, %edx
    ret
1:  mov %edx, %eax
    xor %edx, %edx
    shr %cl, %eax
    ret
__ashrdi3:
    LOAD_SHIFT_ARGUMENTS
    jnz 1f
    shrd %cl, %edx, %eax
    sar %cl, %edx
    ret
1:  mov %edx, %eax
    sar $31, %edx
    sar %cl, %eax
    ret
    .section .note.GNU-stack,"",@progbits
