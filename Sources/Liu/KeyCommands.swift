import Foundation
import LiveUpdate

/// `liu keygen NAME`, `liu sign FILE --key NAME.key`, `liu verify FILE --key NAME.pub
/// [--signature FILE.sig]`: Ed25519 keys and signatures of files (docs/signing.md).
enum KeyCommands {
    /// What `keygen` wrote.
    struct KeyPair {
        let secretKeyPath: String
        let publicKeyPath: String
        let keyID: String
    }

    /// Writes `NAME.key` (mode 0600 from its creation) and `NAME.pub` from a fresh seed; refuses
    /// to overwrite either.
    static func keygen(name: String) throws -> KeyPair {
        let secretPath = name + ".key", publicPath = name + ".pub"
        let comment = "liu key " + URL(fileURLWithPath: name).lastPathComponent
        guard !name.isEmpty, !name.hasSuffix("/"), !comment.contains(where: \.isNewline) else {
            throw ToolFailure(description: "'\(name)' cannot name a key")
        }
        for path in [secretPath, publicPath] where FileManager.default.fileExists(atPath: path) {
            throw ToolFailure(description: "\(path) exists already; not overwriting it")
        }
        let seed = try KeyFiles.randomBytes(Ed25519.seedLength)
        let publicKey = Ed25519.publicKey(seed: seed)
        try KeyFiles.create(secretPath, mode: 0o600, text: KeyFiles.secretKeyText(seed: seed))
        do {
            try KeyFiles.create(publicPath, mode: 0o644, text: KeyFiles.publicKeyText(key: publicKey, comment: comment))
        } catch {
            // No secret key without its public key.
            unlink(secretPath)
            throw error
        }
        return KeyPair(secretKeyPath: secretPath, publicKeyPath: publicPath, keyID: KeyFiles.keyID(publicKey: publicKey))
    }

    static func runKeygen(name: String) throws -> Int32 {
        let pair = try keygen(name: name)
        print("liu keygen: wrote the secret key \(pair.secretKeyPath) (mode 0600; keep it private)")
        print("liu keygen: wrote the public key \(pair.publicKeyPath)")
        print("liu keygen: key id \(pair.keyID)")
        return 0
    }

    /// Signs the bytes of `file` with the seed in `keyPath`, writing `FILE.sig`; returns its path
    /// and the key id. A key file that group or others can read is used, with a warning.
    static func sign(file: String, keyPath: String, warn: (String) -> Void = warnOnStandardError) throws -> (signature: String, keyID: String) {
        let seed = try KeyFiles.readSecretKey(keyPath, kind: "secret key") { warn("liu sign: " + $0) }
        let message = try KeyFiles.readData(file, "the file to sign")
        let signature = Ed25519.sign(message: [UInt8](message), seed: seed)
        let signaturePath = file + ".sig"
        do {
            try Data(KeyFiles.signatureText(signature).utf8).write(to: URL(fileURLWithPath: signaturePath), options: .atomic)
        } catch {
            throw ToolFailure(description: "cannot write \(signaturePath): \(error.localizedDescription)")
        }
        return (signaturePath, KeyFiles.keyID(publicKey: Ed25519.publicKey(seed: seed)))
    }

    static func runSign(file: String, keyPath: String) throws -> Int32 {
        let (signature, keyID) = try sign(file: file, keyPath: keyPath)
        print("liu sign: wrote \(signature) (key \(keyID))")
        return 0
    }

    /// The outcome of `verify`.
    enum Verdict: Equatable {
        case valid(keyID: String)
        case invalid(reason: String)

        /// What `liu verify` prints.
        var line: String {
            switch self {
            case .valid(let keyID): "valid signature by key \(keyID)"
            case .invalid(let reason): "invalid: \(reason)"
            }
        }

        var exitCode: Int32 {
            if case .valid = self { 0 } else { 1 }
        }
    }

    /// Checks the signature in `signaturePath` of `file`'s bytes under the public key in
    /// `keyPath`; malformed or missing files throw.
    static func verify(file: String, keyPath: String, signaturePath: String) throws -> Verdict {
        let (publicKey, _) = try KeyFiles.parsePublicKey(try KeyFiles.readText(keyPath, "the public key file"), file: keyPath)
        let signature = try KeyFiles.parseSignature(try KeyFiles.readText(signaturePath, "the signature file"), file: signaturePath)
        let message = try KeyFiles.readData(file, "the signed file")
        let check = message.withUnsafeBytes { Ed25519.verify(signature: signature, message: $0, publicKey: publicKey) }
        return check == .valid ? .valid(keyID: KeyFiles.keyID(publicKey: publicKey)) : .invalid(reason: "\(check.reason)")
    }

    static func runVerify(file: String, keyPath: String, signaturePath: String) throws -> Int32 {
        let verdict = try verify(file: file, keyPath: keyPath, signaturePath: signaturePath)
        print(verdict.line)
        return verdict.exitCode
    }

    static func warnOnStandardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
