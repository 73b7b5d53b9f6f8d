import Foundation
import Liu
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Frames that arrive while an update swaps the kernel wait in the card's receive ring, its
/// interrupt line already asserted. The new kernel must know the device before it unmasks the
/// line: an interrupt it cannot acknowledge at the device comes back at once, again and again
/// (a storm until QEMU's guard stops it at 10,000). UDP datagrams flow to the echo service
/// through each update; the kernel's device report counts interrupts taken without a device.
/// One is allowed: a delivery the local APIC latched before the swap arrives once the new
/// kernel enables interrupts, before any driver runs.
@Suite("The network interrupt through updates", .serialized)
struct InterruptOrderTests {
    static let updates = 3

    @Test("the network interrupt does not storm before the device is attached, with frames arriving during the swap",
          arguments: BootCase.tcg)
    func deviceBeforeInterrupt(_ boot: BootCase) throws {
        let images = try [KernelImages.bundle(boot.target, "echo", label: "2"), KernelImages.bundle(boot.target, "echo")]
        let guest = try ServiceGuest(target: boot.target, machine: boot.machine, accelerator: boot.accelerator,
                                     image: try KernelImages.image(boot.target, "echo"), tcpPorts: [7], udpPorts: [7])
        defer { _ = guest.stop() }
        let flood = try HostSocket.udp(port: guest.hostUDPPort(7))
        let flooding = FloodFlag()
        let sender = Thread {
            let datagram = [UInt8](repeating: 0x55, count: 64)
            while flooding.on {
                datagram.withUnsafeBytes { _ = send(flood.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                usleep(500)
            }
        }
        sender.start()
        defer { flooding.stop() }
        for round in 0..<Self.updates {
            let answer = try guest.push(images[round % 2])
            #expect(answer.confirmedLabel == (round % 2 == 0 ? "2" : "1"), "update \(round): \(answer)\n\(guest.instance.serialOutput)")
        }
        flooding.stop()
        // The verdict reaches the client before the console line that follows it.
        #expect(guest.instance.waitForOutput("update: confirmed", occurrences: Self.updates, timeout: 10), "\(guest.instance.serialOutput)")
        let log = guest.instance.serialOutput
        let early = log.components(separatedBy: " interrupts came before the device was attached").dropLast()
            .compactMap { Int($0.split(separator: " ").last ?? "") }
        #expect(early.allSatisfy { $0 <= 1 }, "interrupts without a device after each update: \(early)\n\(log)")
    }
}

/// Tells the flooding thread to stop.
final class FloodFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    var on: Bool { lock.withLock { running } }
    func stop() { lock.withLock { running = false } }
}
