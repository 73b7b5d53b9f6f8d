import Foundation
import LiveUpdate

/// The files of `liu keygen`, `liu sign` and `liu verify` (docs/signing.md), each one line of
/// hex digits with an optional trailing newline:
/// - `NAME.key`, the secret: the 32-byte Ed25519 seed, 64 hex digits, mode 0600;
/// - `NAME.pub`, the public key: 64 hex digits, optionally a space and a comment;
/// - `FILE.sig`, a signature of FILE's bytes: 128 hex digits.
/// Written in lowercase; read in either case.
enum KeyFiles {
    /// Hex digits in a secret key file (the seed) and in a public key file (the key).
    static let keyDigits = 2 * Ed25519.seedLength
    static let signatureDigits = 2 * Ed25519.signatureLength

    // MARK: Parsing

    /// The seed in the text of a secret key file.
    static func parseSecretKey(_ text: String, file: String) throws -> [UInt8] {
        let line = try singleLine(text, file: file, kind: "secret key")
        return try hexBytes(line, digits: keyDigits, file: file, kind: "secret key",
                            expected: "64 hex digits (a 32-byte Ed25519 seed)")
    }

    /// The key and the comment (nil without one) in the text of a public key file.
    static func parsePublicKey(_ text: String, file: String) throws -> (key: [UInt8], comment: String?) {
        let line = try singleLine(text, file: file, kind: "public key")
        let space = line.firstIndex(of: " ")
        let digits = space.map { line[..<$0] } ?? line[...]
        let key = try hexBytes(digits, digits: keyDigits, file: file, kind: "public key",
                               expected: "64 hex digits (a 32-byte Ed25519 public key), optionally a space and a comment")
        return (key, space.map { String(line[line.index(after: $0)...]) })
    }

    /// The 64-byte signature in the text of a signature file.
    static func parseSignature(_ text: String, file: String) throws -> [UInt8] {
        let line = try singleLine(text, file: file, kind: "signature")
        return try hexBytes(line, digits: signatureDigits, file: file, kind: "signature",
                            expected: "128 hex digits (a 64-byte Ed25519 signature)")
    }

    /// `text` without its trailing newline, refused if it holds more than one line.
    private static func singleLine(_ text: String, file: String, kind: String) throws -> Substring {
        var line = text[...]
        if line.hasSuffix("\n") { line = line.dropLast() }
        if line.contains(where: \.isNewline) {
            throw ToolFailure(description: "\(file) is not a \(kind) file: it has more than one line")
        }
        return line
    }

    private static func hexBytes(_ digits: Substring, digits count: Int, file: String, kind: String, expected: String) throws -> [UInt8] {
        func refuse(_ reason: String) -> ToolFailure {
            ToolFailure(description: "\(file) is not a \(kind) file: \(reason); expected one line of \(expected)")
        }
        if digits.isEmpty { throw refuse("it is empty") }
        if let bad = digits.first(where: { !$0.isHexDigit || !$0.isASCII }) {
            throw refuse("'\(bad)' is not a hex digit")
        }
        guard digits.count == count else { throw refuse("it has \(digits.count) hex digits, not \(count)") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count / 2)
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            bytes.append(UInt8(digits[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    // MARK: Writing

    static func secretKeyText(seed: [UInt8]) -> String { hex(seed) + "\n" }

    static func publicKeyText(key: [UInt8], comment: String?) -> String {
        hex(key) + (comment.map { " " + $0 } ?? "") + "\n"
    }

    static func signatureText(_ signature: [UInt8]) -> String { hex(signature) + "\n" }

    /// Lowercase hex digits, two a byte.
    static func hex(_ bytes: [UInt8]) -> String { Ed25519.hex(bytes) }

    /// A key's id (`Ed25519.keyID`: the first 8 bytes of SHA-512 of the public key), 16 hex digits.
    static func keyID(publicKey: [UInt8]) -> String {
        hex(Ed25519.keyID(publicKey: publicKey))
    }

    // MARK: Files

    /// The text of the file at `path`; `what` ("the public key file") names it in the error.
    /// The seed in the secret key file at `path`; `kind` ("secret key", "signing key") names it.
    /// A file that group or others can read is used, like ssh's, after `warn` is told so.
    static func readSecretKey(_ path: String, kind: String, warn: (String) -> Void) throws -> [UInt8] {
        let seed = try parseSecretKey(try readText(path, "the \(kind) file"), file: path)
        if let mode = mode(path), mode & 0o044 != 0 {
            warn("warning: the \(kind) \(path) is readable by group or others (mode 0\(String(mode, radix: 8))); "
                + "make it private with: chmod 600 \(path)")
        }
        return seed
    }

    static func readText(_ path: String, _ what: String) throws -> String {
        // Bytes that are not UTF-8 become U+FFFD, which the parsers refuse as not a hex digit.
        String(decoding: try readData(path, what), as: UTF8.self)
    }

    static func readData(_ path: String, _ what: String) throws -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ToolFailure(description: "cannot read \(what) \(path): no such file")
        }
        guard !isFolder.boolValue else { throw ToolFailure(description: "cannot read \(what) \(path): it is a folder") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ToolFailure(description: "cannot read \(what) \(path): \(error.localizedDescription)")
        }
    }

    /// Creates the file at `path` with `mode` from the start (open with O_EXCL: an existing file,
    /// or a symbolic link, is refused) and writes `text`; a failed write removes the file.
    static func create(_ path: String, mode: mode_t, text: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else {
            let code = errno
            if code == EEXIST { throw ToolFailure(description: "\(path) exists already; not overwriting it") }
            throw ToolFailure(description: "cannot create \(path): \(String(cString: strerror(code)))")
        }
        var failure: Int32 = 0
        // The umask may have taken bits off; it cannot have added any.
        if fchmod(descriptor, mode) != 0 { failure = errno }
        let bytes = Array(text.utf8)
        var written = 0
        while failure == 0, written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno != EINTR { failure = errno }
            } else {
                written += count
            }
        }
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0, failure == 0 { failure = errno }
        if failure != 0 {
            unlink(path)
            throw ToolFailure(description: "cannot write \(path): \(String(cString: strerror(failure)))")
        }
    }

    /// `count` bytes from the system's CSPRNG, /dev/urandom.
    static func randomBytes(_ count: Int) throws -> [UInt8] {
        let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ToolFailure(description: "cannot open /dev/urandom: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, count - filled) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { throw ToolFailure(description: "cannot read /dev/urandom") }
            filled += got
        }
        return bytes
    }

    /// The permission bits of the file at `path`, nil when it cannot be examined.
    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }
}
