/* x86_64 hotswap stubs. The kernel copies one of them to a fixed low, identity-mapped
   address and jumps there with RDI -> descriptor list, RDX = the hotswap window.
   Position-independent.

   hotswap_start..hotswap_end leaves long mode (compatibility-mode segment 0x08, paging off,
   EFER.LME off) and copies in 32-bit protected mode, so the new image may be i686 or an
   x86_64 image entered at its 32-bit entry.

   hotswap_long_mode_start..hotswap_long_mode_end stays in long mode for an x86_64 image with
   a 64-bit soft-reset entry (its LIU type-2 note): it copies 128 bytes a round on the
   identity map in the window's first pages (x86_64_ensure_identity_map, paging.S), which
   the kernel runs on and neither image overlaps, and jumps to that entry. Paging stays on:
   under kvm-pvm code with paging off is emulated instruction by instruction.

   liu_avx_hotswap_long_mode_start..end is that stub copying through AVX registers, sixteen
   bytes an instruction where movsq moves eight, where AVX may run (HotswapStub.choose). It
   comes first, so that a listing names its code by its own symbol (the x87/SSE check allows
   the liu_avx_ prefix). */
#include "../x86/copy_and_enter.inc"
    .section .text.hotswap, "ax"
    .code64
    .globl liu_avx_hotswap_long_mode_start, liu_avx_hotswap_long_mode_end
liu_avx_hotswap_long_mode_start:
    cli
    mov %rdx, %cr3
    mov %edi, %ebp
    enable_avx_state %rax
    copy_and_enter avx_copy_round, avx_zero_round, AVX_ROUND_SHIFT, %rcx
liu_avx_hotswap_long_mode_end:

    .globl hotswap_start, hotswap_end
hotswap_start:
    cli
    mov %edi, %ebp                  /* the list lies below 4 GiB */
    pushq $0x08                     /* 32-bit code segment of the kernel GDT */
    lea compatibility_mode(%rip), %rax
    pushq %rax
    lretq
    .code32
compatibility_mode:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %fs
    mov %eax, %gs
    mov %eax, %ss
    mov %cr0, %eax
    and $0x7FFFFFFF, %eax           /* paging off: long mode inactive */
    mov %eax, %cr0
    mov $0xC0000080, %ecx
    rdmsr
    and $~0x100, %eax               /* EFER.LME off */
    wrmsr
    copy_and_enter movsl_round, stosl_round, 6, %ecx
hotswap_end:

    .code64
    .globl hotswap_long_mode_start, hotswap_long_mode_end
hotswap_long_mode_start:
    cli
    mov %rdx, %cr3                  /* the window's map (the kernel's already): never one being overwritten */
    mov %edi, %ebp
    copy_and_enter movsq_round, stosq_round, 7, %rcx
hotswap_long_mode_end:

/* Kernel-side helpers, not copied. */
    .text
    .code64
    .globl hotswap_stub_address, hotswap_stub_size, hotswap_enter
    .globl hotswap_long_mode_stub_address, hotswap_long_mode_stub_size
    .globl hotswap_avx_stub_address, hotswap_avx_stub_size
/* NAME_address() and NAME_size(): where a stub's code lies and how long it is. */
.macro stub_accessors name, start, end
\name\()_address:
    lea \start(%rip), %rax
    ret
\name\()_size:
    mov $(\end - \start), %eax
    ret
.endm
    stub_accessors hotswap_stub, hotswap_start, hotswap_end
    stub_accessors hotswap_long_mode_stub, hotswap_long_mode_start, hotswap_long_mode_end
    stub_accessors hotswap_avx_stub, liu_avx_hotswap_long_mode_start, liu_avx_hotswap_long_mode_end
/* hotswap_enter(list, stub, window, windowSize): jumps to the copied stub with RDI = list,
   RDX = window (x86 caches are coherent: the window needs no maintenance). */
hotswap_enter:
    jmp *%rsi

    .section .note.GNU-stack,"",@progbits
