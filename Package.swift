// swift-tools-version:6.1
// Host view of the project: the modules shared with the kernel (LiveUpdate, Net, KernelCore),
// the `liu` tool and the tests. The kernel image itself (Sources/Kernel, Sources/Hotswap) is
// built by `liu build` in Embedded mode, not by SwiftPM.
import PackageDescription

let shared: [SwiftSetting] = [.enableExperimentalFeature("Extern")]

let package = Package(
    name: "swift-liveupdate",
    products: [
        .executable(name: "liu", targets: ["liu"]),
        .library(name: "LiveUpdate", targets: ["LiveUpdate"]),
        .library(name: "Net", targets: ["Net"]),
    ],
    targets: [
        // Assembly routines shared by the host and the kernel (CPUID, hardware CRC32C).
        .target(name: "CPUIntrinsics"),
        .target(name: "LiveUpdate", dependencies: ["CPUIntrinsics"], swiftSettings: shared),
        .target(name: "KernelCore", dependencies: ["LiveUpdate"], swiftSettings: shared),
        .target(name: "Net", dependencies: ["LiveUpdate"], swiftSettings: shared),
        .target(name: "Liu", dependencies: ["LiveUpdate"]),
        .executableTarget(name: "liu", dependencies: ["Liu"]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "LiveUpdateTests", dependencies: ["LiveUpdate", "TestSupport"]),
        .testTarget(name: "KernelCoreTests", dependencies: ["KernelCore", "LiveUpdate", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "NetTests", dependencies: ["Net", "LiveUpdate", "TestSupport"]),
        .testTarget(name: "LiuTests", dependencies: ["Liu"]),
        .testTarget(name: "BootTests", dependencies: ["Liu", "LiveUpdate"]),
    ]
)
