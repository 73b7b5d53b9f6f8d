import Foundation
import LiveUpdate

/// How `liu build` signs the bundles it writes and what the images it links trust
/// (docs/signing.md): the secret key (`--sign`, by default the development key), the public
/// keys built into the image as those whose bundles it will install (`--trust`, by default the
/// signing key's own), and the image's security version (`--security-version`, default 0).
public struct BuildSigning: Sendable, Equatable {
    /// A `.key` file; nil: the development key (`KernelBuild.developmentKey`).
    public var secretKey: String?
    /// `.pub` files; empty: the signing key's public key.
    public var trustedKeys: [String]
    public var securityVersion: UInt64

    public init(secretKey: String? = nil, trustedKeys: [String] = [], securityVersion: UInt64 = 0) {
        self.secretKey = secretKey
        self.trustedKeys = trustedKeys
        self.securityVersion = securityVersion
    }
}

/// The signing key and the trust of one build, read from the key files.
struct SigningKeys {
    let seed: [UInt8]
    let trust: ImageTrust
}

extension KernelBuild {
    /// The development key pair, `.build/keys/development.key` and `.pub` under the package
    /// root: created on first use, it signs when no `--sign` is given, so that README's commands
    /// work on a fresh clone. Anyone with the clone's `.build` can sign for images that trust it.
    public var developmentKey: URL { packageRoot.appendingPathComponent(".build/keys/development.key") }

    /// The development public key file, created with the key.
    public var developmentPublicKey: URL { developmentKey.deletingPathExtension().appendingPathExtension("pub") }

    /// Reads the keys `signing` names, creating the development key if it is the one and is missing.
    func signingKeys(_ signing: BuildSigning) throws -> SigningKeys {
        let keyPath = try signing.secretKey ?? ensureDevelopmentKey().path
        let seed = try KeyFiles.readSecretKey(keyPath, kind: "signing key", warn: progress)
        var keys = try signing.trustedKeys.map { path in
            try KeyFiles.parsePublicKey(try KeyFiles.readText(path, "the trusted key file"), file: path).key
        }
        if keys.isEmpty { keys = [Ed25519.publicKey(seed: seed)] }
        guard keys.count <= ImageTrust.maximumKeys else {
            throw ToolFailure(description: "\(keys.count) trusted keys; an image trusts at most \(ImageTrust.maximumKeys)")
        }
        return SigningKeys(seed: seed, trust: ImageTrust(securityVersion: signing.securityVersion, keys: keys))
    }

    private func ensureDevelopmentKey() throws -> URL {
        let folder = developmentKey.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try FileLock.holding(folder.appendingPathComponent(".lock")) {
            if !FileManager.default.fileExists(atPath: developmentKey.path) {
                let pair = try KeyCommands.keygen(name: developmentKey.deletingPathExtension().path)
                progress("created the development signing key \(pair.secretKeyPath) (key id \(pair.keyID)); "
                    + "images built without --sign trust it, and only it")
            }
            return developmentKey
        }
    }

    /// The signed bundle next to `image` (`NAME.elf` → `NAME.bundle`): what `liu push` sends.
    public static func bundlePath(forImage image: URL) -> URL {
        image.deletingPathExtension().appendingPathExtension("bundle")
    }

    /// Writes the bundle of `image`, labelled as the image is, signed with `keys`.
    func writeBundle(image: URL, target: KernelTarget, keys: SigningKeys) throws -> URL {
        let bytes = [UInt8](try Data(contentsOf: image))
        let path = Self.bundlePath(forImage: image)
        try Data(Self.bundle(of: bytes, for: target, label: try ImageLabel.read(bytes), keys: keys)).write(to: path, options: .atomic)
        return path
    }

    /// A bundle of any bytes as `image`, signed with `signing`'s key, its manifest stating
    /// `label` and `trust` (by default `signing`'s): for tests of what kernels refuse.
    public func bundle(of image: [UInt8], for target: KernelTarget, label: String, trust: ImageTrust? = nil) throws -> [UInt8] {
        let keys = try signingKeys(signing)
        return Self.bundle(of: image, for: target, label: label, keys: SigningKeys(seed: keys.seed, trust: trust ?? keys.trust))
    }

    private static func bundle(of image: [UInt8], for target: KernelTarget, label: String, keys: SigningKeys) -> [UInt8] {
        UpdateBundle.make(image: image, architecture: target.architecture.machine, securityVersion: keys.trust.securityVersion,
                          label: label, signingSeed: keys.seed, trustedKeys: keys.trust.keys)
    }

    /// The image's trust note as an assembly file of the service; rewritten only when it changed.
    func writeTrustGlue(_ trust: ImageTrust, into output: URL) throws -> URL {
        let glue = output.appendingPathComponent("ServiceTrust.s")
        let lines = stride(from: 0, to: trust.noteBytes.count, by: 16).map { start in
            "    .byte " + trust.noteBytes[start..<min(start + 16, trust.noteBytes.count)].map(String.init).joined(separator: ", ")
        }
        let text = """
            /* Generated by liu build: the image's trust note, \(trust.summary) (docs/update-bundle.md). */
                .section .note.liu, "a", %note
                .p2align 2
            \(lines.joined(separator: "\n"))

            """
        if (try? String(contentsOf: glue, encoding: .utf8)) != text {
            try text.write(to: glue, atomically: true, encoding: .utf8)
        }
        return glue
    }
}
