extension DeviceTree {
    /// The initrd a Linux-style loader (QEMU `-initrd` on virt) placed in RAM: /chosen
    /// `linux,initrd-start` and `linux,initrd-end`, each one or two big-endian cells. Nil
    /// when absent, malformed or ending before it starts.
    public var initrd: BootModule? {
        guard let chosen = node(atPath: "/chosen"),
              let start = Self.cells(chosen.property(named: "linux,initrd-start")),
              let end = Self.cells(chosen.property(named: "linux,initrd-end")),
              end >= start
        else { return nil }
        return BootModule(address: start, size: end - start)
    }

    private static func cells(_ value: UnsafeRawBufferPointer?) -> UInt64? {
        guard let value else { return nil }
        switch value.count {
        case 4: return value.bigEndianUInt32(at: 0).map(UInt64.init)
        case 8: return value.bigEndianUInt64(at: 0)
        default: return nil
        }
    }
}
