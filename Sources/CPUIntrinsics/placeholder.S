// Placeholder so SwiftPM accepts the target; real routines come per architecture.
.section .note.GNU-stack,"",@progbits
