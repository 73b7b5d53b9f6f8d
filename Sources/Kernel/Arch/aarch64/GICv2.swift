/// The GICv2 interrupt controller of QEMU virt (addresses from the device tree).
enum GICv2 {
    nonisolated(unsafe) static var distributor = MMIORegion(base: 0x0800_0000)
    nonisolated(unsafe) static var cpuInterface = MMIORegion(base: 0x0801_0000)
    static let spurious: UInt32 = 1023

    /// Every shared interrupt starts disabled and not pending: after a hotswap the previous
    /// kernel's settings remain, and a handed-over device may hold its line asserted before
    /// its driver is back. Every interrupt is in group 1, signalled as IRQ; group 0 is
    /// signalled as FIQ and holds only the watchdog's tick while an update is on trial.
    static func initialize() {
        for register in 0..<UInt(32) {
            distributor.write32(0x080 + register * 4, 0xFFFF_FFFF)   // GICD_IGROUPRn: group 1
            guard register > 0 else { continue }
            distributor.write32(0x180 + register * 4, 0xFFFF_FFFF)   // GICD_ICENABLERn
            distributor.write32(0x280 + register * 4, 0xFFFF_FFFF)   // GICD_ICPENDRn
        }
        distributor.write32(0x000, 3)               // GICD_CTLR: forward groups 0 and 1
        cpuInterface.write32(0x004, 0xF0)           // GICC_PMR: let every priority through
        // GICC_CTLR: signal both groups, group 0 as FIQ; GICC_IAR acknowledges either (AckCtl).
        cpuInterface.write32(0x000, 0xF)
    }

    static func enable(interrupt id: UInt32) {
        setPriority(0xA0, of: id)
        distributor.write32(0x100 + UInt(id / 32) * 4, 1 << (id % 32))  // GICD_ISENABLERn
    }

    /// Moves a private interrupt (below 32) to group 0, signalled as FIQ, with a priority above
    /// every group 1 interrupt (the CPU interface signals only the highest pending one), or
    /// back to group 1.
    static func signalAsFIQ(interrupt id: UInt32, _ asFIQ: Bool) {
        setPriority(asFIQ ? 0x80 : 0xA0, of: id)
        distributor.write32(0x080, asFIQ ? ~(1 << id) : 0xFFFF_FFFF)          // GICD_IGROUPR0
    }

    private static func setPriority(_ priority: UInt32, of id: UInt32) {
        let priorityRegister = 0x400 + UInt(id & ~3)
        let shift = (id & 3) * 8
        let priorities = distributor.read32(priorityRegister) & ~(0xFF << shift)
        distributor.write32(priorityRegister, priorities | (priority << shift))
    }

    /// Which CPUs a shared peripheral interrupt goes to (GICD_ITARGETSRn, one byte each).
    static func target(interrupt id: UInt32, cpuMask: UInt8) {
        let register = 0x800 + UInt(id & ~3)
        let shift = (id & 3) * 8
        let targets = distributor.read32(register) & ~(0xFF << shift)
        distributor.write32(register, targets | UInt32(cpuMask) << shift)
    }

    static func acknowledge() -> UInt32 { cpuInterface.read32(0x00C) & 0x3FF }   // GICC_IAR
    static func endOfInterrupt(_ id: UInt32) { cpuInterface.write32(0x010, id) } // GICC_EOIR
}
