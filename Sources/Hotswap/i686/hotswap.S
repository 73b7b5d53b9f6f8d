/* i686 hotswap stub. The kernel copies hotswap_start..hotswap_end to a fixed low address
   and jumps there with the descriptor list pointer at 4(%esp) (a cdecl call's first
   argument). Already in 32-bit protected mode with paging off. Position-independent.
   It copies in SSE registers, eight bytes an instruction where movsl moves four (the kernel
   turned SSE on at its entry, entry32.S; i686 kernels do not run under kvm-pvm, whose
   emulator lacks SSE, and x86_64 kernels' 32-bit stub keeps movsl). */
#include "../x86/copy_and_enter.inc"
/* 128 bytes a round through xmm0-xmm7. */
.macro sse_copy_round
    movups (%esi), %xmm0
    movups 16(%esi), %xmm1
    movups 32(%esi), %xmm2
    movups 48(%esi), %xmm3
    movups 64(%esi), %xmm4
    movups 80(%esi), %xmm5
    movups 96(%esi), %xmm6
    movups 112(%esi), %xmm7
    movups %xmm0, (%edi)
    movups %xmm1, 16(%edi)
    movups %xmm2, 32(%edi)
    movups %xmm3, 48(%edi)
    movups %xmm4, 64(%edi)
    movups %xmm5, 80(%edi)
    movups %xmm6, 96(%edi)
    movups %xmm7, 112(%edi)
    add $128, %esi
    add $128, %edi
.endm
.macro sse_zero_round
    xorps %xmm0, %xmm0
    .irp offset, 0, 16, 32, 48, 64, 80, 96, 112
    movups %xmm0, \offset(%edi)
    .endr
    add $128, %edi
.endm
    .section .text.hotswap, "ax"
    .code32
    .globl hotswap_start, hotswap_end
hotswap_start:
    cli
    mov 4(%esp), %ebp
    copy_and_enter sse_copy_round, sse_zero_round, 7, %ecx
hotswap_end:

/* Kernel-side helpers, not copied. */
    .text
    .globl hotswap_stub_address, hotswap_stub_size, hotswap_enter
hotswap_stub_address:
    mov $hotswap_start, %eax
    ret
hotswap_stub_size:
    mov $(hotswap_end - hotswap_start), %eax
    ret
/* hotswap_enter(list, stub, window, windowSize): the stub finds the list at 4(%esp), as
   here (x86 caches are coherent: the window needs no maintenance). */
hotswap_enter:
    mov 8(%esp), %eax
    jmp *%eax

    .section .note.GNU-stack,"",@progbits
