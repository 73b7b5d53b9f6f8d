import Foundation
import LiveUpdate
@testable import Liu
import Testing

/// A fresh folder for one test's files, removed afterwards.
private final class TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("liu-keys-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    func write(_ name: String, _ data: Data) throws -> String {
        let path = file(name)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }
}

private func hexBytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
}

private func text(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}

@Suite("liu keygen, sign and verify")
struct KeyCommandTests {
    @Test func keygenWritesAPrivateSeedAndItsPublicKey() throws {
        let folder = try TemporaryFolder()
        let name = folder.file("release")
        #expect(LiuTool.main(["keygen", name]) == 0)
        let secret = try text(name + ".key"), publicText = try text(name + ".pub")
        #expect(KeyFiles.mode(name + ".key") == 0o600)
        // One line of 64 lowercase hex digits.
        #expect(secret.count == 65 && secret.hasSuffix("\n"))
        #expect(secret.dropLast().allSatisfy { "0123456789abcdef".contains($0) })
        let seed = try KeyFiles.parseSecretKey(secret, file: name + ".key")
        let (publicKey, comment) = try KeyFiles.parsePublicKey(publicText, file: name + ".pub")
        #expect(comment == "liu key release")
        #expect(publicKey == Ed25519.publicKey(seed: seed))
        #expect(publicText == KeyFiles.hex(publicKey) + " liu key release\n")
        let keyID = KeyFiles.keyID(publicKey: publicKey)
        #expect(keyID.count == 16)
        #expect(keyID == KeyFiles.hex(Array(SHA512.hash(publicKey)[0..<8])))
    }

    @Test func keygenMakesADifferentSeedEachTime() throws {
        let folder = try TemporaryFolder()
        let first = try KeyCommands.keygen(name: folder.file("a")), second = try KeyCommands.keygen(name: folder.file("b"))
        #expect(first.keyID != second.keyID)
        #expect(try text(first.secretKeyPath) != text(second.secretKeyPath))
    }

    @Test func keygenRefusesToOverwrite() throws {
        let folder = try TemporaryFolder()
        let name = folder.file("release")
        #expect(LiuTool.main(["keygen", name]) == 0)
        let secret = try text(name + ".key"), publicText = try text(name + ".pub")
        #expect(LiuTool.main(["keygen", name]) == 1)
        let error = try #require(throws: ToolFailure.self) { try KeyCommands.keygen(name: name) }
        #expect(error.description == "\(name).key exists already; not overwriting it")
        #expect(try text(name + ".key") == secret && text(name + ".pub") == publicText)

        // A public key alone is not overwritten either, and no secret key is left behind.
        let other = folder.file("other")
        _ = try folder.write("other.pub", "kept\n")
        let second = try #require(throws: ToolFailure.self) { try KeyCommands.keygen(name: other) }
        #expect(second.description == "\(other).pub exists already; not overwriting it")
        #expect(!FileManager.default.fileExists(atPath: other + ".key"))
        #expect(try text(other + ".pub") == "kept\n")
    }

    @Test func createIsExclusiveAndKeepsItsMode() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("secret")
        try KeyFiles.create(path, mode: 0o600, text: "x\n")
        #expect(KeyFiles.mode(path) == 0o600)
        #expect(throws: ToolFailure.self) { try KeyFiles.create(path, mode: 0o600, text: "y\n") }
        #expect(try text(path) == "x\n")
        // A symbolic link, even a dangling one, is not followed.
        let link = folder.file("link")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder.file("target"))
        #expect(throws: ToolFailure.self) { try KeyFiles.create(link, mode: 0o600, text: "z\n") }
        #expect(!FileManager.default.fileExists(atPath: folder.file("target")))
    }

    @Test func signAndVerifyRoundTrip() throws {
        let folder = try TemporaryFolder()
        let name = folder.file("release")
        #expect(LiuTool.main(["keygen", name]) == 0)
        let image = try folder.write("kernel.elf", Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
        #expect(LiuTool.main(["sign", image, "--key", name + ".key"]) == 0)
        let signatureText = try text(image + ".sig")
        #expect(signatureText.count == 129 && signatureText.hasSuffix("\n"))
        #expect(signatureText.dropLast().allSatisfy { "0123456789abcdef".contains($0) })

        #expect(LiuTool.main(["verify", image, "--key", name + ".pub", "--signature", image + ".sig"]) == 0)
        // --signature defaults to FILE.sig.
        #expect(LiuTool.main(["verify", image, "--key", name + ".pub"]) == 0)
        let publicKey = try KeyFiles.parsePublicKey(text(name + ".pub"), file: "").key
        let verdict = try KeyCommands.verify(file: image, keyPath: name + ".pub", signaturePath: image + ".sig")
        #expect(verdict == .valid(keyID: KeyFiles.keyID(publicKey: publicKey)))
        #expect(verdict.line == "valid signature by key \(KeyFiles.keyID(publicKey: publicKey))")

        // A changed byte of the file.
        var changed = try Data(contentsOf: URL(fileURLWithPath: image))
        changed[1234] ^= 0x01
        let changedImage = try folder.write("changed.elf", changed)
        #expect(LiuTool.main(["verify", changedImage, "--key", name + ".pub", "--signature", image + ".sig"]) == 1)
        let mismatch = try KeyCommands.verify(file: changedImage, keyPath: name + ".pub", signaturePath: image + ".sig")
        #expect(mismatch == .invalid(reason: "the signature does not match the message and the public key"))
        #expect(mismatch.line == "invalid: the signature does not match the message and the public key")

        // A flipped bit of the signature, in R and in S.
        let signature = try KeyFiles.parseSignature(signatureText, file: "")
        for (byte, bit) in [(0, 0), (40, 3)] {
            var flipped = signature
            flipped[byte] ^= 1 << bit
            let path = try folder.write("flipped-\(byte).sig", KeyFiles.signatureText(flipped))
            #expect(LiuTool.main(["verify", image, "--key", name + ".pub", "--signature", path]) == 1)
            let expected = Ed25519.verify(signature: flipped, message: [UInt8](try Data(contentsOf: URL(fileURLWithPath: image))), publicKey: publicKey)
            #expect(expected != .valid)
            #expect(try KeyCommands.verify(file: image, keyPath: name + ".pub", signaturePath: path) == .invalid(reason: "\(expected.reason)"))
        }

        // Another key.
        let other = folder.file("other")
        #expect(LiuTool.main(["keygen", other]) == 0)
        #expect(LiuTool.main(["verify", image, "--key", other + ".pub", "--signature", image + ".sig"]) == 1)
        #expect(try KeyCommands.verify(file: image, keyPath: other + ".pub", signaturePath: image + ".sig")
                == .invalid(reason: "the signature does not match the message and the public key"))
    }

    @Test func signWarnsOfAReadableKeyButSigns() throws {
        let folder = try TemporaryFolder()
        let name = folder.file("release")
        _ = try KeyCommands.keygen(name: name)
        let file = try folder.write("message", "hello\n")
        var warnings: [String] = []
        _ = try KeyCommands.sign(file: file, keyPath: name + ".key") { warnings.append($0) }
        #expect(warnings.isEmpty)

        #expect(chmod(name + ".key", 0o640) == 0)
        let (signature, _) = try KeyCommands.sign(file: file, keyPath: name + ".key") { warnings.append($0) }
        #expect(warnings == ["liu sign: warning: the secret key \(name).key is readable by group or others (mode 0640); make it private with: chmod 600 \(name).key"])
        #expect(try KeyCommands.verify(file: file, keyPath: name + ".pub", signaturePath: signature).exitCode == 0)
        #expect(LiuTool.main(["verify", file, "--key", name + ".pub"]) == 0)
    }

    /// RFC 8032 §7.1 TEST 1, 2 and 3 (the hex as in Tests/LiveUpdateTests/Signature/Ed25519Tests.swift).
    static let rfc8032: [(name: String, seed: String, publicKey: String, message: String, signature: String)] = [
        ("TEST 1",
         "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
         "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
             + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("TEST 2",
         "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
         "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
             + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        ("TEST 3",
         "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
         "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
             + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ]

    @Test("liu verify accepts RFC 8032 §7.1's signatures, liu sign makes them", arguments: 0..<3)
    func rfc8032Vectors(_ index: Int) throws {
        let vector = Self.rfc8032[index]
        let folder = try TemporaryFolder()
        let message = try folder.write("message", Data(hexBytes(vector.message)))
        // Plain, with a comment, in uppercase.
        let keys = [try folder.write("plain.pub", vector.publicKey + "\n"),
                    try folder.write("comment.pub", vector.publicKey + " rfc8032 \(vector.name)"),
                    try folder.write("upper.pub", vector.publicKey.uppercased() + "\n")]
        let signature = try folder.write("message.sig", vector.signature + "\n")
        let keyID = KeyFiles.keyID(publicKey: hexBytes(vector.publicKey))
        for key in keys {
            #expect(LiuTool.main(["verify", message, "--key", key, "--signature", signature]) == 0, "\(vector.name) \(key)")
            #expect(try KeyCommands.verify(file: message, keyPath: key, signaturePath: signature) == .valid(keyID: keyID))
        }
        // Another vector's message does not match.
        let other = try folder.write("other", Data(hexBytes(Self.rfc8032[(index + 1) % 3].message)))
        #expect(LiuTool.main(["verify", other, "--key", keys[0], "--signature", signature]) == 1)

        // Signing with the vector's seed writes the vector's signature.
        let secret = folder.file("rfc.key")
        try KeyFiles.create(secret, mode: 0o600, text: vector.seed + "\n")
        #expect(LiuTool.main(["sign", message, "--key", secret]) == 0)
        #expect(try text(message + ".sig") == vector.signature + "\n")
    }

    @Test("malformed public keys are refused with the reason", arguments: [
        ("", "it is empty"),
        ("\n", "it is empty"),
        (String(repeating: "a", count: 63), "it has 63 hex digits, not 64"),
        (String(repeating: "a", count: 66) + "\n", "it has 66 hex digits, not 64"),
        (String(repeating: "a", count: 63) + "g", "'g' is not a hex digit"),
        (" " + String(repeating: "a", count: 64), "it is empty"),
        (String(repeating: "a", count: 64) + "\tcomment", "'\t' is not a hex digit"),
        (String(repeating: "a", count: 64) + "\n" + String(repeating: "b", count: 64), "it has more than one line"),
        (String(repeating: "a", count: 64) + "\n\n", "it has more than one line"),
    ])
    func malformedPublicKeys(_ text: String, _ reason: String) throws {
        let error = try #require(throws: ToolFailure.self) { try KeyFiles.parsePublicKey(text, file: "k.pub") }
        #expect(error.description.hasPrefix("k.pub is not a public key file: \(reason)"), "\(error.description)")
    }

    @Test func publicKeysParse() throws {
        let hex = String(repeating: "0123456789abcdef", count: 4)
        #expect(try KeyFiles.parsePublicKey(hex, file: "").comment == nil)
        #expect(try KeyFiles.parsePublicKey(hex + "\n", file: "").key == hexBytes(hex))
        #expect(try KeyFiles.parsePublicKey(hex.uppercased() + " a comment with spaces\n", file: "")
                == (hexBytes(hex), "a comment with spaces"))
        #expect(try KeyFiles.parsePublicKey(hex + " \n", file: "").comment == "")
    }

    @Test("malformed signatures are refused with the reason", arguments: [
        ("", "it is empty"),
        (String(repeating: "0", count: 127), "it has 127 hex digits, not 128"),
        (String(repeating: "0", count: 128) + " comment", "' ' is not a hex digit"),
        (String(repeating: "0", count: 64), "it has 64 hex digits, not 128"),
        (String(repeating: "0", count: 127) + "é", "'é' is not a hex digit"),
    ])
    func malformedSignatures(_ text: String, _ reason: String) throws {
        let error = try #require(throws: ToolFailure.self) { try KeyFiles.parseSignature(text, file: "f.sig") }
        #expect(error.description == "f.sig is not a signature file: \(reason); expected one line of 128 hex digits (a 64-byte Ed25519 signature)")
    }

    @Test func malformedSecretKeysAreRefused() throws {
        let error = try #require(throws: ToolFailure.self) {
            try KeyFiles.parseSecretKey(String(repeating: "a", count: 64) + " comment\n", file: "k.key")
        }
        #expect(error.description == "k.key is not a secret key file: ' ' is not a hex digit; expected one line of 64 hex digits (a 32-byte Ed25519 seed)")
    }

    @Test func malformedAndMissingFilesFailTheCommands() throws {
        let folder = try TemporaryFolder()
        let name = folder.file("release")
        _ = try KeyCommands.keygen(name: name)
        let file = try folder.write("message", "hello\n")
        #expect(LiuTool.main(["sign", file, "--key", name + ".key"]) == 0)
        let badKey = try folder.write("bad.pub", "not a key\n")
        let badSignature = try folder.write("bad.sig", "00\n")
        let badSecret = try folder.write("bad.key", "zz\n")
        let missing = folder.file("missing")

        func failure(_ body: () throws -> Any) throws -> String {
            try #require(throws: ToolFailure.self) { _ = try body() }.description
        }
        #expect(try failure { try KeyCommands.verify(file: file, keyPath: badKey, signaturePath: file + ".sig") }
                .hasPrefix("\(badKey) is not a public key file: 'n' is not a hex digit"))
        #expect(try failure { try KeyCommands.verify(file: file, keyPath: name + ".pub", signaturePath: badSignature) }
                .hasPrefix("\(badSignature) is not a signature file: it has 2 hex digits, not 128"))
        #expect(try failure { try KeyCommands.verify(file: missing, keyPath: name + ".pub", signaturePath: file + ".sig") }
                == "cannot read the signed file \(missing): no such file")
        #expect(try failure { try KeyCommands.verify(file: file, keyPath: missing, signaturePath: file + ".sig") }
                == "cannot read the public key file \(missing): no such file")
        #expect(try failure { try KeyCommands.verify(file: file, keyPath: name + ".pub", signaturePath: missing) }
                == "cannot read the signature file \(missing): no such file")
        #expect(try failure { try KeyCommands.sign(file: file, keyPath: badSecret) { _ in } }
                .hasPrefix("\(badSecret) is not a secret key file: 'z' is not a hex digit"))
        #expect(try failure { try KeyCommands.sign(file: missing, keyPath: name + ".key") { _ in } }
                == "cannot read the file to sign \(missing): no such file")
        #expect(try failure { try KeyCommands.sign(file: file, keyPath: folder.path) { _ in } }
                == "cannot read the secret key file \(folder.path): it is a folder")
        // A public key given as the secret key: its comment is not hex.
        #expect(try failure { try KeyCommands.sign(file: file, keyPath: name + ".pub") { _ in } }
                .hasPrefix("\(name).pub is not a secret key file: ' ' is not a hex digit"))

        #expect(LiuTool.main(["verify", file, "--key", badKey]) == 1)
        #expect(LiuTool.main(["verify", file, "--key", name + ".pub", "--signature", badSignature]) == 1)
        #expect(LiuTool.main(["verify", missing, "--key", name + ".pub"]) == 1)
        #expect(LiuTool.main(["sign", file, "--key", badSecret]) == 1)
        #expect(LiuTool.main(["sign", file]) == 64)
        #expect(LiuTool.main(["verify", file]) == 64)
    }

    @Test func theCommandsParse() throws {
        #expect(try LiuCommand.parse(["keygen", "release"]) == .keygen(name: "release"))
        #expect(try LiuCommand.parse(["sign", "k.elf", "--key", "r.key"]) == .sign(file: "k.elf", key: "r.key"))
        #expect(try LiuCommand.parse(["verify", "k.elf", "--key", "r.pub"]) == .verify(file: "k.elf", key: "r.pub", signature: "k.elf.sig"))
        #expect(try LiuCommand.parse(["verify", "--signature=s", "k.elf", "--key", "r.pub"]) == .verify(file: "k.elf", key: "r.pub", signature: "s"))
    }
}
