/* i686 hotswap stub. The kernel copies hotswap_start..hotswap_end to a fixed low address
   and jumps there with the descriptor list pointer at 4(%esp) (a cdecl call's first
   argument). Already in 32-bit protected mode with paging off. Position-independent. */
#include "../x86/copy_and_enter.inc"
    .section .text.hotswap, "ax"
    .code32
    .globl hotswap_start, hotswap_end
hotswap_start:
    cli
    mov 4(%esp), %ebp
    copy_and_enter movsl, stosl, 6, %ecx
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
