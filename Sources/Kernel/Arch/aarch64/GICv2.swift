/// The GICv2 interrupt controller of QEMU virt (addresses from the device tree).
enum GICv2 {
    nonisolated(unsafe) static var distributor = MMIORegion(base: 0x0800_0000)
    nonisolated(unsafe) static var cpuInterface = MMIORegion(base: 0x0801_0000)
    static let spurious: UInt32 = 1023

    /// Every shared interrupt starts disabled and not pending: after a hotswap the previous
    /// kernel's settings remain, and a handed-over device may hold its line asserted before
    /// its driver is back.
    static func initialize() {
        for register in 1..<UInt(32) {
            distributor.write32(0x180 + register * 4, 0xFFFF_FFFF)   // GICD_ICENABLERn
            distributor.write32(0x280 + register * 4, 0xFFFF_FFFF)   // GICD_ICPENDRn
        }
        distributor.write32(0x000, 1)               // GICD_CTLR: forward group 0
        cpuInterface.write32(0x004, 0xF0)           // GICC_PMR: let every priority through
        cpuInterface.write32(0x000, 1)              // GICC_CTLR: signal interrupts
    }

    static func enable(interrupt id: UInt32) {
        let priorityRegister = 0x400 + UInt(id & ~3)
        let shift = (id & 3) * 8
        let priorities = distributor.read32(priorityRegister) & ~(0xFF << shift)
        distributor.write32(priorityRegister, priorities | (0xA0 << shift))
        distributor.write32(0x100 + UInt(id / 32) * 4, 1 << (id % 32))  // GICD_ISENABLERn
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
