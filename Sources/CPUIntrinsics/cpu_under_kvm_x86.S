// uint32_t liu_cpu_under_kvm(void), x86 (i386 cdecl and x86_64 System V): 1 when CPUID leaf 1
// ECX bit 31 (a hypervisor) is set and leaf 0x40000000 names KVM ("KVMKVMKVM"), whose
// instruction emulator may lack CRC32 (kvm-pvm's does). CPUID clobbers EBX/RBX, which both
// ABIs keep for the caller.
#if defined(__x86_64__) || defined(__i386__)
#if defined(__x86_64__)
#define SAVED_BX %rbx
#else
#define SAVED_BX %ebx
#endif
    .text
    .globl liu_cpu_under_kvm
    .type liu_cpu_under_kvm, @function
liu_cpu_under_kvm:
    push SAVED_BX
    mov $1, %eax
    xor %ecx, %ecx
    cpuid
    xor %eax, %eax
    bt $31, %ecx
    jnc 1f
    mov $0x40000000, %eax
    cpuid
    xor %eax, %eax
    cmp $0x4B4D564B, %ebx           /* "KVMK" */
    sete %al
1:  pop SAVED_BX
    ret
    .size liu_cpu_under_kvm, . - liu_cpu_under_kvm
#endif
    .section .note.GNU-stack,"",@progbits
