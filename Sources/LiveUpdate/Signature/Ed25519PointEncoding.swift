// The 32-byte point encoding of RFC 8032 §5.1.2: y little-endian, the low bit of x in bit 255.

extension Ed25519.ExtendedPoint {
    /// The encoding of this point, in time independent of its coordinates.
    var encoded: [UInt8] {
        let inverseZ = z.inverted
        var bytes = (y * inverseZ).encoded
        bytes[31] |= UInt8(truncatingIfNeeded: (x * inverseZ).lowBit << 7)
        return bytes
    }

    /// Decodes the 32 bytes at `bytes` strictly (RFC 8032 §5.1.3): nil unless y is below p,
    /// the point is on the curve, and bit 255 is clear when x = 0.
    init?(decoding bytes: UnsafeRawPointer) {
        let y = Ed25519.FieldElement(decoding: bytes)
        let canonicalY = y.encoded
        for index in 0..<32 {
            let byte = bytes.load(fromByteOffset: index, as: UInt8.self)
            guard canonicalY[index] == (index == 31 ? byte & 0x7F : byte) else { return nil }
        }
        let signBit = UInt32(bytes.load(fromByteOffset: 31, as: UInt8.self) >> 7)
        // x² = (y² - 1) / (d·y² + 1), from the curve equation.
        let y2 = y.squared()
        guard var x = Ed25519.FieldElement.squareRootOfRatio(y2 - .one, .d * y2 + .one) else { return nil }
        if x.isZero && signBit == 1 { return nil }
        if x.lowBit != signBit { x = -x }
        self.init(x: x, y: y, z: .one, t: x * y)
    }
}
