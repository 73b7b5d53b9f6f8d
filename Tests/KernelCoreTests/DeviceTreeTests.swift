import TestSupport
import Foundation
import KernelCore
import Testing

/// Parses `blob` and runs `body` on the tree while the bytes stay alive.
func withDeviceTree<R>(
    _ blob: [UInt8], maximumSize: Int? = nil, _ body: (DeviceTree) throws -> R
) throws -> R {
    try blob.withUnsafeBytes { bytes in
        try body(DeviceTree(blob: bytes.baseAddress!, maximumSize: maximumSize ?? bytes.count))
    }
}

func deviceTreeError(_ blob: [UInt8], maximumSize: Int? = nil) -> DeviceTreeError? {
    blob.withUnsafeBytes { bytes -> DeviceTreeError? in
        do throws(DeviceTreeError) {
            _ = try DeviceTree(blob: bytes.baseAddress!, maximumSize: maximumSize ?? bytes.count)
            return nil
        } catch {
            return error
        }
    }
}

extension UnsafeRawBufferPointer {
    var text: String { String(decoding: self, as: UTF8.self) }
}

@Suite struct QEMUDeviceTreeTests {
    static let blob: [UInt8] = {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/qemu-virt-256M.dtb")
        return Array(try! Data(contentsOf: fixture))
    }()

    @Test func reportsRAM() throws {
        let regions = try withDeviceTree(Self.blob) { tree in
            var regions: [MemoryRegion] = []
            tree.forEachMemoryRegion { regions.append($0) }
            return regions
        }
        #expect(regions == [MemoryRegion(base: 0x4000_0000, length: 256 << 20, kind: .usable)])
    }

    @Test func findsUARTAndItsInterrupt() throws {
        try withDeviceTree(Self.blob) { tree in
            let uart = try #require(tree.firstNode(compatible: "arm,pl011"))
            #expect(uart.name.text == "pl011@9000000")
            #expect(uart.regCount == 1)
            #expect(uart.reg(index: 0)! == (0x0900_0000, 0x1000))
            #expect(uart.reg(index: 1) == nil)
            #expect(uart.cellCount(named: "interrupts") == 3)
            #expect(uart.cell(named: "interrupts", at: 1) == 1)
            #expect(uart.cell(named: "interrupts", at: 3) == nil)
        }
    }

    @Test func findsGICTimerPSCIAndVirtio() throws {
        try withDeviceTree(Self.blob) { tree in
            let gic = try #require(tree.firstNode(compatible: "arm,cortex-a15-gic"))
            #expect(gic.reg(index: 0)! == (0x0800_0000, 0x1_0000))
            #expect(gic.reg(index: 1)! == (0x0801_0000, 0x1_0000))
            #expect(tree.firstNode(compatible: "arm,gic-v3") == nil)
            let timer = try #require(tree.firstNode(compatible: "arm,armv8-timer"))
            #expect(timer.cellCount(named: "interrupts") == 12)
            #expect(tree.firstNode(compatible: "arm,psci-1.0") != nil)
            var virtio: [UInt64] = []
            tree.forEachNode(compatible: "virtio,mmio") { virtio.append($0.reg(index: 0)!.address) }
            #expect(virtio.count == 32)
            #expect(virtio.sorted().first == 0x0A00_0000)
        }
    }

    @Test func readsBootArgumentsAndPaths() throws {
        try withDeviceTree(Self.blob) { tree in
            #expect(tree.bootArguments?.text == "console=ttyAMA0 heap=64M verbose")
            #expect(tree.node(atPath: "/pl011@9000000")?.isCompatible(with: "arm,primecell") == true)
            #expect(tree.node(atPath: "/memory")?.name.text == "memory@40000000")
            #expect(tree.node(atPath: "/nonexistent") == nil)
        }
    }

    @Test func rejectsBlobLargerThanTrusted() {
        #expect(deviceTreeError(Self.blob, maximumSize: 4096) == .badTotalSize(UInt32(Self.blob.count)))
    }

    /// Random byte corruption must give an error or a usable tree, never a crash.
    @Test func survivesCorruption() throws {
        var random = SplitMix64(seed: 42)
        let used = 8192
        var accepted = 0
        var rejected = 0
        for _ in 0..<300 {
            var blob = Self.blob
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                blob[Int.random(in: 0..<used, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            guard deviceTreeError(blob) == nil else {
                rejected += 1
                continue
            }
            accepted += 1
            try withDeviceTree(blob) { tree in
                tree.forEachMemoryRegion { _ in }
                tree.forEachReservedRegion { _ in }
                _ = tree.bootArguments
                tree.forEachNode { node in
                    for index in 0..<node.regCount { _ = node.reg(index: index) }
                    _ = node.cell(named: "interrupts", at: 0)
                    node.forEachChild { _ in }
                }
            }
        }
        // Both outcomes occur, so both paths were exercised.
        #expect(accepted > 10 && rejected > 10)
    }
}
