/* i686 hotswap stub. The kernel copies hotswap_start..hotswap_end to a fixed low address
   and jumps there with the descriptor list pointer at 4(%esp) (a cdecl call's first
   argument). Already in 32-bit protected mode with paging off. Position-independent.
   Three stubs, the widest that may run chosen (HotswapStub.choose): liu_avx_hotswap copies
   through AVX registers, sixteen bytes an instruction, where the CPU has AVX and no KVM
   hypervisor is present; liu_sse_hotswap through SSE registers, eight bytes an instruction
   where movsl moves four (the kernel turned SSE on at its entry, entry32.S), where the CPU
   has SSE and no KVM hypervisor is present (kvm-pvm's instruction emulator lacks both);
   hotswap_start..end with movsl everywhere else. The vector ones come first, so that a
   listing names their code by their own symbols (the x87/SSE check allows the liu_avx_ and
   liu_sse_ prefixes). */
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
    .globl liu_avx_hotswap_start, liu_avx_hotswap_end
    .globl liu_sse_hotswap_start, liu_sse_hotswap_end, hotswap_start, hotswap_end
liu_avx_hotswap_start:
    cli
    mov 4(%esp), %ebp
    enable_avx_state %eax
    copy_and_enter avx_copy_round, avx_zero_round, AVX_ROUND_SHIFT, %ecx
liu_avx_hotswap_end:
liu_sse_hotswap_start:
    cli
    mov 4(%esp), %ebp
    copy_and_enter sse_copy_round, sse_zero_round, 7, %ecx
liu_sse_hotswap_end:
hotswap_start:
    cli
    mov 4(%esp), %ebp
    copy_and_enter movsl_round, stosl_round, 6, %ecx
hotswap_end:

/* Kernel-side helpers, not copied. */
    .text
    .globl hotswap_stub_address, hotswap_stub_size, hotswap_enter
    .globl hotswap_sse_stub_address, hotswap_sse_stub_size
    .globl hotswap_avx_stub_address, hotswap_avx_stub_size
/* NAME_address() and NAME_size(): where a stub's code lies and how long it is. */
.macro stub_accessors name, start, end
\name\()_address:
    mov $\start, %eax
    ret
\name\()_size:
    mov $(\end - \start), %eax
    ret
.endm
    stub_accessors hotswap_stub, hotswap_start, hotswap_end
    stub_accessors hotswap_sse_stub, liu_sse_hotswap_start, liu_sse_hotswap_end
    stub_accessors hotswap_avx_stub, liu_avx_hotswap_start, liu_avx_hotswap_end
/* hotswap_enter(list, stub, window, windowSize): the stub finds the list at 4(%esp), as
   here (x86 caches are coherent: the window needs no maintenance). */
hotswap_enter:
    mov 8(%esp), %eax
    jmp *%eax

    .section .note.GNU-stack,"",@progbits
