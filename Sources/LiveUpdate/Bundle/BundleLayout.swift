/// Byte offsets of a signed update bundle (docs/update-bundle.md), from the bundle's start.
enum BundleLayout {
    /// `"LIUB"` read as a little-endian `UInt32`.
    static let magic: UInt32 = 0x4255_494C
    static let version: UInt16 = 1

    // Header.
    static let magicOffset = 0
    static let versionOffset = 4
    static let manifestLengthOffset = 6
    static let headerSize = 8

    // Manifest.
    static let architectureOffset = 8
    static let reserved1Offset = 10
    static let imageLengthOffset = 12
    static let imageDigestOffset = 20
    static let securityVersionOffset = 84
    static let labelOffset = 92
    static let keyIDOffset = 108
    static let trustedKeyCountOffset = 116
    static let reserved2Offset = 118
    static let trustedKeysOffset = 120

    static let digestLength = 64
    static let labelLength = 16
    static let keyLength = 32
    static let maximumTrustedKeys = 8
    /// Manifest bytes before the trusted keys.
    static let fixedManifestLength = trustedKeysOffset - headerSize

    static func manifestLength(trustedKeyCount: Int) -> Int {
        fixedManifestLength + keyLength * trustedKeyCount
    }
}
