/* PVH ELF note (XEN_ELFNOTE_PHYS32_ENTRY): lets qemu -kernel, Firecracker-style loaders
   and microvm start the image at its 32-bit entry with EBX -> hvm_start_info. */
    .section .note.pvh, "a"
    .p2align 2
    .long 4          /* name size */
    .long 4          /* descriptor size */
    .long 18         /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long _start
    .section .note.GNU-stack,"",@progbits
