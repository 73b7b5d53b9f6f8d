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

/// The self-test `test=NAME` names, when the image was linked with them (`liu build
/// --self-tests`; `runSelfTest()`); returns when it was not.
@_extern(c, "liu_self_test")
private func linkedSelfTest()

/// The kernel's hand-over to the one service the image was built with. `test=NAME` on the
/// command line runs one of the kernel's self-tests instead.
enum ServiceEntry {
    static func start() -> Never {
        BootTimeline.record("service start")
        if BootArguments.value(for: "test").count > 0 {
            linkedSelfTest()
            Console.write("test= given, but this image has no self-tests (liu build --self-tests links them)\n")
            Arch.exit(.failure)
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
