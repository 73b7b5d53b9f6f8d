import KernelCore

/// Addresses where virtio-mmio devices may sit: from the device tree (`virtio,mmio` nodes,
/// recorded at boot before the heap exists) or from the `virtio_mmio.device=SIZE@ADDR:IRQ`
/// arguments QEMU microvm appends to the command line. Most slots are empty; probing tells.
enum VirtioMMIOSlots {
    static let capacity = 32
    nonisolated(unsafe) private static var bases = InlineArray<32, UInt>(repeating: 0)
    /// Each slot's interrupt in the platform's numbering (GIC interrupt ID from the device tree,
    /// I/O APIC GSI from the command line); 0 when unknown.
    nonisolated(unsafe) private static var interrupts = InlineArray<32, UInt32>(repeating: 0)
    nonisolated(unsafe) private(set) static var count = 0

    static func add(_ base: UInt, interrupt: UInt32 = 0) {
        guard count < capacity else { return }
        bases[count] = base
        interrupts[count] = interrupt
        count += 1
    }

    /// `interrupts = <0 N flags>` is shared peripheral interrupt N: GIC interrupt ID 32 + N.
    static func addFromDeviceTree(_ tree: DeviceTree) {
        tree.forEachNode(compatible: "virtio,mmio") { node in
            guard let reg = node.reg(index: 0) else { return }
            var interrupt: UInt32 = 0
            if node.cell(named: "interrupts", at: 0) == 0, let number = node.cell(named: "interrupts", at: 1), number < 988 {
                interrupt = 32 + number
            }
            add(UInt(truncatingIfNeeded: reg.address), interrupt: interrupt)
        }
    }

    /// Adds every `virtio_mmio.device=SIZE@ADDR[:IRQ]` argument.
    static func addFromCommandLine() {
        let key: StaticString = "virtio_mmio.device="
        BootArguments.withBytes { line in
            var start = 0
            while start < line.count {
                var end = start
                while end < line.count && !isSeparator(line[end]) { end += 1 }
                let word = UnsafeRawBufferPointer(rebasing: line[start..<end])
                if word.count > key.utf8CodeUnitCount,
                   word.prefix(key.utf8CodeUnitCount).elementsEqual(UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)),
                   let device = parseDevice(UnsafeRawBufferPointer(rebasing: word[key.utf8CodeUnitCount...])) {
                    add(device.address, interrupt: device.interrupt)
                }
                start = end + 1
            }
        }
    }

    /// ADDR and IRQ (0 when absent) from `SIZE@ADDR[:IRQ]`.
    private static func parseDevice(_ value: UnsafeRawBufferPointer) -> (address: UInt, interrupt: UInt32)? {
        guard let at = value.firstIndex(of: UInt8(ascii: "@")) else { return nil }
        let colon = value[(at + 1)...].firstIndex(of: UInt8(ascii: ":"))
        guard let address = try? KernelCommandLine.parseInteger(UnsafeRawBufferPointer(rebasing: value[(at + 1)..<(colon ?? value.endIndex)])),
              address <= UInt64(UInt.max) else { return nil }
        var interrupt: UInt32 = 0
        if let colon, let number = try? KernelCommandLine.parseInteger(UnsafeRawBufferPointer(rebasing: value[(colon + 1)...])),
           number <= UInt64(UInt32.max) {
            interrupt = UInt32(number)
        }
        return (UInt(address), interrupt)
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
    }

    /// The first network device among the slots, with its interrupt ID (0 when unknown).
    static func findNetwork() -> (transport: VirtioMMIO, interrupt: UInt32)? {
        for slot in 0..<count {
            if let transport = VirtioMMIO(base: bases[slot], deviceID: 1) { return (transport, interrupts[slot]) }
        }
        return nil
    }
}
