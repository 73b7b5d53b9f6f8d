/// The two 8259 PICs: moved off the exception vectors and masked; the local APIC takes over.
enum LegacyPIC {
    static func remapAndMask() {
        outb(0x20, 0x11); outb(0xA0, 0x11)   // ICW1: initialise, ICW4 follows
        outb(0x21, 0x20); outb(0xA1, 0x28)   // ICW2: vectors 0x20 and 0x28
        outb(0x21, 0x04); outb(0xA1, 0x02)   // ICW3: cascade on IRQ 2
        outb(0x21, 0x01); outb(0xA1, 0x01)   // ICW4: 8086 mode
        outb(0x21, 0xFF); outb(0xA1, 0xFF)   // mask everything
    }
}
