import Foundation
@testable import Liu
import Testing

@Suite("KVM or TCG")
struct AcceleratorChoiceTests {
    static let pvm = KVMFacts(host: "x86_64", nativeTargets: [.i686, .x86_64], deviceUsable: true, software: true)
    static let hardware = KVMFacts(host: "x86_64", nativeTargets: [.i686, .x86_64], deviceUsable: true, software: false)
    static let noDevice = KVMFacts(host: "x86_64", nativeTargets: [.i686, .x86_64], deviceUsable: false, software: false)

    @Test func withoutARequestKVMWhereItRunsTheTarget() throws {
        #expect(try AcceleratorChoice.choose(nil, for: .x86_64, facts: Self.pvm) == AcceleratorChoice(accelerator: .kvm))
        #expect(try AcceleratorChoice.choose(nil, for: .i686, facts: Self.hardware) == AcceleratorChoice(accelerator: .kvm))
        #expect(try AcceleratorChoice.choose(nil, for: .i686, facts: Self.pvm)
                == AcceleratorChoice(accelerator: .tcg, note: "liu: using TCG: KVM here cannot run i686 guests (kvm-pvm, no hardware virtualization)"))
        #expect(try AcceleratorChoice.choose(nil, for: .aarch64, facts: Self.hardware)
                == AcceleratorChoice(accelerator: .tcg, note: "liu: using TCG: KVM here cannot run aarch64 guests (an x86_64 host)"))
        #expect(try AcceleratorChoice.choose(nil, for: .x86_64, facts: Self.noDevice)
                == AcceleratorChoice(accelerator: .tcg, note: "liu: using TCG: KVM here cannot run x86_64 guests (/dev/kvm missing or not accessible)"))
    }

    @Test func tcgIsAlwaysTCG() throws {
        for facts in [Self.pvm, Self.hardware, Self.noDevice] {
            for target in KernelTarget.allCases {
                #expect(try AcceleratorChoice.choose(.tcg, for: target, facts: facts) == AcceleratorChoice(accelerator: .tcg))
            }
        }
    }

    @Test func kvmThatCannotWorkIsRefusedWithTheReason() throws {
        let refusal = try #require(throws: ToolFailure.self) { try AcceleratorChoice.choose(.kvm, for: .i686, facts: Self.pvm) }
        #expect(refusal.description == "--kvm: KVM here cannot run i686 guests (kvm-pvm, no hardware virtualization); use --tcg")
        #expect(throws: ToolFailure.self) { try AcceleratorChoice.choose(.kvm, for: .aarch64, facts: Self.hardware) }
        #expect(throws: ToolFailure.self) { try AcceleratorChoice.choose(.kvm, for: .x86_64, facts: Self.noDevice) }
        #expect(try AcceleratorChoice.choose(.kvm, for: .x86_64, facts: Self.pvm) == AcceleratorChoice(accelerator: .kvm))
    }

    @Test("the facts of this host agree with QEMU.kvmRuns", arguments: KernelTarget.allCases)
    func agreesWithQEMU(_ target: KernelTarget) {
        #expect((KVMFacts.here.whyKVMCannotRun(target) == nil) == QEMU.kvmRuns(target))
    }
}
