import Kernel

/// The smallest service: greets, shows the boot timeline and memory, proves that the clock
/// ticks, and ends the image (QEMU exits with status 0).
@main
final class Hello: Service {
    static let stateID: UInt16 = 0x4E11

    init() {}

    func start(_ system: System) throws(ServiceFailure) {}

    func started(_ system: System) {
        Console.write("hello from swift-liveupdate on ")
        Console.write(system.architecture)
        Console.newline()
        system.printBootReport()
        let start = system.now
        system.sleep(milliseconds: 50)
        Console.write("timer: a 50 ms sleep took ")
        Console.writeMilliseconds(nanoseconds: system.now - start)
        Console.write(", uptime ")
        Console.writeMilliseconds(nanoseconds: system.now)
        Console.newline()
        system.exit(success: true)
    }
}
