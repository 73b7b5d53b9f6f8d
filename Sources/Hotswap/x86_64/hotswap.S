/* x86_64 hotswap stub. The kernel copies hotswap_start..hotswap_end to a fixed low,
   identity-mapped address and jumps there with RDI -> descriptor list. The stub leaves
   long mode (compatibility-mode segment 0x08, paging off, EFER.LME off) and copies in
   32-bit protected mode, so the new image may be i686 or x86_64. Position-independent. */
    .section .text.hotswap, "ax"
    .code64
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
#include "../x86/copy_and_enter32.inc"
hotswap_end:

/* Kernel-side helpers, not copied. */
    .text
    .code64
    .globl hotswap_stub_address, hotswap_stub_size, hotswap_enter
hotswap_stub_address:
    lea hotswap_start(%rip), %rax
    ret
hotswap_stub_size:
    mov $(hotswap_end - hotswap_start), %eax
    ret
/* hotswap_enter(list, stub, window, windowSize): jumps to the copied stub with RDI = list
   (x86 caches are coherent: the window needs no maintenance). */
hotswap_enter:
    jmp *%rsi

    .section .note.GNU-stack,"",@progbits
