import KernelCore

// What `liu build` links into every image besides the kernel: the service's `@main` type
// (its `main`, see `Service.main()`) and, generated from its manifest, two texts given as
// start and length (the kernel has no strlen).
@_extern(c, "main")
private func serviceMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
@_extern(c, "liu_service_name")
private func manifestName(_ length: UnsafeMutablePointer<Int>) -> UnsafePointer<UInt8>
@_extern(c, "liu_service_command_line")
private func manifestCommandLine(_ length: UnsafeMutablePointer<Int>) -> UnsafePointer<UInt8>

/// The kernel's hand-over to the one service the image was built with. `test=NAME` on the
/// command line runs one of the kernel's self-tests instead.
enum ServiceEntry {
    static func start() -> Never {
        BootTimeline.record("service start")
        let test = BootArguments.value(for: "test")
        if test.count > 0 {
            guard let selfTest = SelfTest.allCases.first(where: { test.matches($0.name) }) else {
                Console.write("unknown self-test; the kernel has: ")
                for (index, known) in SelfTest.allCases.enumerated() {
                    if index > 0 { Console.write(", ") }
                    Console.write(known.name)
                }
                Console.newline()
                Arch.exit(.failure)
            }
            selfTest.run()
        }
        _ = serviceMain(0, nil)
        Console.write(name)
        Console.write(": the service returned\n")
        Arch.exit(.success)
    }

    /// The service's name from its manifest (`name`).
    static var name: String {
        var length = 0
        let start = manifestName(&length)
        return String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
    }

    /// The manifest's default command line (confirmation deadline, storage size, then its own
    /// `commandLine`); what is given at boot overrides it key by key.
    static var defaultCommandLine: UnsafeBufferPointer<UInt8> {
        var length = 0
        let start = manifestCommandLine(&length)
        return UnsafeBufferPointer(start: start, count: length)
    }
}
