import Liu
import Testing

/// `liu bench update --icount --profile`: the traced update accounts for the downtime the
/// kernels counted, function by function.
@Suite("Update profile under the instruction counter")
struct UpdateProfileTests {
    @Test("one traced update: the instructions the kernels counted, named by function, the stub's copy the largest",
          arguments: [(KernelTarget.x86_64, Machine.pc), (.aarch64, .virt)])
    func profile(_ target: KernelTarget, _ machine: Machine) throws {
        let images = [(try KernelImages.image(target, "counter"), try KernelImages.bundle(target, "counter")),
                      (try KernelImages.image(target, "counter", label: "2"), try KernelImages.bundle(target, "counter", label: "2"))]
        let profile = try UpdateProfile.measure(target, machine, images: images)
        print("\(target.rawValue) \(machine.rawValue): traced \(profile.total), counted \(profile.measured); "
              + profile.lines.prefix(5).map { "\($0.instructions) \($0.function)" }.joined(separator: ", "))
        // The trace starts at Hotswap.update's entry and ends at serviceResumed's, a few
        // hundred instructions around the kernels' own counter readings.
        #expect(profile.measured > 50_000)
        #expect(Double(profile.total) > 0.95 * Double(profile.measured) && Double(profile.total) < 1.05 * Double(profile.measured))
        #expect(profile.lines.first?.function == "(hotswap stub)")
        #expect(profile.lines.contains { $0.function.contains("SnapshotCoder") || $0.function.contains("Storage") })
        #expect(!profile.lines.contains { $0.function == "(no symbol)" || $0.function.hasPrefix("$x") })
    }
}
