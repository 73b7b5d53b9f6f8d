import Foundation
@testable import Liu
import LiveUpdate
import Testing

/// What `liu build` signs with and builds in (docs/signing.md), on a scratch package root.
@Suite("liu build signing")
struct BuildSigningTests {
    final class Messages: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    static func scratch() throws -> (KernelBuild, Messages, URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("liu-signing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var builder = KernelBuild(packageRoot: root)
        let messages = Messages()
        builder.progress = { messages.append($0) }
        return (builder, messages, root)
    }

    @Test("the development key is created once, private, says so, and the image trusts only it")
    func developmentKey() throws {
        let (builder, messages, root) = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try builder.signingKeys(BuildSigning())
        #expect(messages.all.count == 1 && messages.all[0].hasPrefix("created the development signing key \(root.path)/.build/keys/development.key"))
        #expect(KeyFiles.mode(builder.developmentKey.path) == 0o600)
        let second = try builder.signingKeys(BuildSigning(securityVersion: 4))
        #expect(messages.all.count == 1, "created once: \(messages.all)")
        #expect(second.seed == first.seed && first.trust.keys == [Ed25519.publicKey(seed: first.seed)])
        #expect(second.trust == ImageTrust(securityVersion: 4, keys: first.trust.keys))
    }

    @Test("--trust replaces the signing key as what the image trusts; bad key files and too many keys are refused")
    func trustedKeys() throws {
        let (builder, _, root) = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let pairs = try (0..<9).map { try KeyCommands.keygen(name: root.appendingPathComponent("k\($0)").path) }
        let keys = try builder.signingKeys(BuildSigning(secretKey: pairs[0].secretKeyPath, trustedKeys: [pairs[1].publicKeyPath, pairs[2].publicKeyPath]))
        #expect(keys.trust.keys.map { KeyFiles.keyID(publicKey: $0) } == [pairs[1].keyID, pairs[2].keyID])
        #expect(throws: ToolFailure.self) { try builder.signingKeys(BuildSigning(trustedKeys: pairs.map(\.publicKeyPath))) }
        #expect(throws: ToolFailure.self) { try builder.signingKeys(BuildSigning(secretKey: pairs[0].publicKeyPath)) }
        #expect(throws: ToolFailure.self) { try builder.signingKeys(BuildSigning(trustedKeys: [pairs[0].secretKeyPath + ".missing"])) }
        let note = try builder.writeTrustGlue(keys.trust, into: root)
        let text = try String(contentsOf: note, encoding: .utf8)
        #expect(text.contains(".section .note.liu, \"a\", %note") && text.contains(".byte 4, 0, 0, 0, 76, 0, 0, 0, 1, 0, 0, 0, 76, 73, 85, 0"))
    }
}
