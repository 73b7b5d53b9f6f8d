import Foundation
@testable import Liu
import Testing

@Suite("service manifests")
struct ServiceManifestTests {
    static func manifest(_ json: String) throws -> ServiceManifest {
        try ServiceManifest(json: Data(json.utf8), source: "service.json")
    }

    @Test func everyFieldIsRead() throws {
        let manifest = try Self.manifest("""
            {"name": "kv", "memoryMiB": 512, "storageKiB": 8192, "tcpPorts": [6379], "udpPorts": [53],
             "confirmMilliseconds": 2000, "commandLine": "ip=dhcp kv.maxmemory=100"}
            """)
        var expected = ServiceManifest(name: "kv")
        expected.memoryMiB = 512
        expected.storageKiB = 8192
        expected.tcpPorts = [6379]
        expected.udpPorts = [53]
        expected.confirmMilliseconds = 2000
        expected.commandLine = "ip=dhcp kv.maxmemory=100"
        #expect(manifest == expected)
        #expect(manifest.defaultCommandLine == "liu.confirm-ms=2000 liu.storage=8388608 ip=dhcp kv.maxmemory=100")
    }

    @Test func onlyTheNameIsRequired() throws {
        let manifest = try Self.manifest(#"{"name": "hello"}"#)
        #expect(manifest == ServiceManifest(name: "hello"))
        #expect(manifest.memoryMiB == 256 && manifest.confirmMilliseconds == 5000 && manifest.storageKiB == nil)
        #expect(manifest.defaultCommandLine == "liu.confirm-ms=5000")
    }

    @Test("bad manifests are refused with the reason", arguments: [
        (#"{"memoryMiB": 64}"#, #"the field "name" is missing"#),
        (#"{"name": "Key Value"}"#, "must be 1 to 32 lowercase letters, digits or dashes"),
        (#"{"name": "kv", "memoryMB": 64}"#, #"unknown field "memoryMB"; the fields are name, memoryMiB"#),
        (#"{"name": "kv", "memoryMiB": "lots"}"#, #""memoryMiB" has the wrong type"#),
        (#"{"name": "kv", "memoryMiB": 8}"#, "memoryMiB 8 is outside 16 to 65536"),
        (#"{"name": "kv", "tcpPorts": [666]}"#, "TCP port 666 is the kernel's"),
        (#"{"name": "kv", "tcpPorts": [70000]}"#, "port 70000 is outside 1 to 65535"),
        (#"{"name": "kv", "confirmMilliseconds": 10}"#, "confirmMilliseconds 10 is outside 100 to 600000"),
        (#"{"name": "kv", "commandLine": "a=\"b\""}"#, "commandLine has '\"'"),
        ("{name: kv}", "not valid JSON"),
    ])
    func refused(_ json: String, _ message: String) {
        #expect {
            try Self.manifest(json)
        } throws: { error in
            "\(error)".hasPrefix("service.json: ") && "\(error)".contains(message)
        }
    }

    @Test func aFolderWithoutAManifestIsNotAServiceFolder() {
        #expect {
            try ServiceManifest(folder: URL(fileURLWithPath: "/tmp/no-such-service-folder"))
        } throws: { error in
            "\(error)".contains("is not a service folder: it has no service.json (liu new NAME writes one)")
        }
    }

    @Test func theBuiltInServicesHaveValidManifests() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let builder = KernelBuild(packageRoot: root)
        for name in KernelBuild.builtInServices {
            #expect(try ServiceManifest(folder: builder.builtInService(name)).name == name)
        }
    }
}

@Suite("build diagnostics")
struct BuildDiagnosticsTests {
    static let unicodeLink = """
        ld.lld failed (exit 1):
        ld.lld: error: undefined symbol: _swift_stdlib_getNormData
        >>> referenced by ServiceApp.o
        ld.lld: error: undefined symbol: _swift_stdlib_nfd_decompositions
        >>> referenced by ServiceApp.o
        ld.lld: error: undefined symbol: main
        """

    @Test func unicodeAndEntrySymbolsAreExplainedOnce() {
        let text = LinkDiagnosis.explain(Self.unicodeLink, service: "kv", target: .x86_64)
        #expect(text.hasPrefix("kv (x86_64) does not link: 3 undefined symbols\n"))
        #expect(text.contains("a.utf8.elementsEqual(b.utf8)"))
        #expect(text.components(separatedBy: "Unicode tables").count == 2, "one explanation for both Unicode symbols")
        #expect(text.contains("mark its class @main"))
        #expect(text.hasSuffix(Self.unicodeLink))
    }

    @Test func otherSymbolsAreNamed() {
        #expect(LinkDiagnosis.explanation(forMissing: "fmod")?.contains("floating-point math") == true)
        #expect(LinkDiagnosis.explanation(forMissing: "swift_task_create")?.contains("concurrency") == true)
        #expect(LinkDiagnosis.explanation(forMissing: "malloc")?.contains("C library") == true)
        #expect(LinkDiagnosis.explanation(forMissing: "frobnicate") == nil)
        let text = LinkDiagnosis.explain("ld.lld: error: undefined symbol: frobnicate", service: "kv", target: .aarch64)
        #expect(text.contains("- frobnicate: not provided by the kernel or the Embedded Swift runtime."))
    }

    @Test func otherLinkFailuresPassThrough() {
        #expect(LinkDiagnosis.explain("ld.lld: error: section overlap", service: "kv", target: .i686) == "ld.lld: error: section overlap")
    }
}

@Suite("liu new")
struct ServiceTemplateTests {
    @Test func namesBecomeTypesAndStateIDs() {
        #expect(ServiceTemplate.typeName("kv") == "Kv")
        #expect(ServiceTemplate.typeName("my-store") == "MyStore")
        #expect(ServiceTemplate.typeName("3d") == "Service3d")
        #expect(ServiceTemplate.stateID("kv") == ServiceTemplate.stateID("kv"))
        #expect(ServiceTemplate.stateID("kv") != ServiceTemplate.stateID("http"))
    }

    @Test func writesAFolderAndRefusesToOverwrite() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("liu-new-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: parent) }
        let folder = try ServiceTemplate.write(name: "my-store", into: parent)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files == ["LineSession.swift", "MyStore.swift", "README.md", "service.json"])
        let manifest = try ServiceManifest(folder: folder)
        #expect(manifest.name == "my-store" && manifest.tcpPorts == [ServiceTemplate.port])
        #expect(throws: (any Error).self) { try ServiceTemplate.write(name: "my-store", into: parent) }
        #expect(throws: (any Error).self) { try ServiceTemplate.write(name: "Bad Name", into: parent) }
    }
}
