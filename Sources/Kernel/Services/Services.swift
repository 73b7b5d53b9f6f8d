import KernelCore

/// Picks what to run from the kernel command line: `test=NAME` runs a self-test,
/// `service=NAME` a service (default `hello`).
enum Services {
    static func start() -> Never {
        BootTimeline.record("service start")
        let test = BootArguments.value(for: "test")
        if test.count > 0 {
            guard let selfTest = SelfTest.allCases.first(where: { test.matches($0.name) }) else {
                Console.write("unknown self-test\n")
                Arch.exit(.failure)
            }
            selfTest.run()
        }
        let service = BootArguments.value(for: "service")
        if service.count == 0 || service.matches("hello") { HelloService.run() }
        if service.matches("echo") { EchoService.run() }
        if service.matches("counter") { CounterService.run() }
        Console.write("unknown service\n")
        Arch.exit(.failure)
    }
}
