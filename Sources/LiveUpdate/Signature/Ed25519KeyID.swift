extension Ed25519 {
    /// Bytes in a key id.
    public static let keyIDLength = 8

    /// A public key's id: the first 8 bytes of SHA-512 of the key's bytes. Names the key in
    /// `liu keygen`/`sign`/`verify` output (as 16 hex digits) and in an update bundle's manifest.
    public static func keyID(publicKey: [UInt8]) -> [UInt8] {
        Array(SHA512.hash(publicKey)[0..<keyIDLength])
    }

    /// `bytes` as lowercase hex digits, two a byte: how a key id is shown.
    public static func hex(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(2 * bytes.count)
        for byte in bytes {
            text.append(hexDigit(byte >> 4))
            text.append(hexDigit(byte & 0xF))
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? 0x30 + value : 0x61 + value - 10
    }
}
