/* i686 traps: 256 stubs of 16 bytes each and a common path that saves every general
   register and calls x86_trap(frame). Handlers run on the interrupted stack (ring 0, no
   red zone on i686). Swift code is compiled without SSE, so vector registers stay as
   they are. */
    .text
    .code32
    .p2align 4
trap_stubs:
    .set vector, 0
    .rept 256
    .p2align 4
    .if !(vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30)
    pushl $0                        /* uniform frame: a dummy error code */
    .endif
    pushl $vector
    jmp trap_common
    .set vector, vector + 1
    .endr

trap_common:
    pusha
    mov %esp, %ebx
    and $-16, %esp
    sub $12, %esp
    push %ebx
    cld
    call x86_trap
    mov %ebx, %esp
    popa
    add $8, %esp                    /* vector and error code */
    iret

    .globl i686_install_traps
i686_install_traps:
    mov $idt, %edi
    mov $trap_stubs, %esi
    xor %ecx, %ecx
1:  mov %esi, %eax
    movw %ax, 0(%edi)
    movw $0x08, 2(%edi)
    movb $0, 4(%edi)
    movb $0x8E, 5(%edi)             /* present interrupt gate, DPL 0 */
    shr $16, %eax
    movw %ax, 6(%edi)
    add $8, %edi
    add $16, %esi
    inc %ecx
    cmp $256, %ecx
    jne 1b
    lidt idt_pointer
    ret

    .data
    .p2align 2
idt_pointer:
    .word 256 * 8 - 1
    .long idt

    .bss
    .p2align 12
idt:
    .skip 256 * 8
    .section .note.GNU-stack,"",@progbits
