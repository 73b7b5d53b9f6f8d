extension Ed25519 {
    /// An integer below the group order L = 2^252 + 27742317777372353535851937790883648493
    /// (RFC 8032 §5.1), in eight 32-bit words, least significant first.
    ///
    /// Reduction and `multiplyAdd` run the same steps whatever the values (masks, no
    /// branches), as signing feeds them secrets.
    struct Scalar {
        private var words: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

        /// L, least significant word first.
        static let order: [UInt32] = [
            0x5CF5_D3ED, 0x5812_631A, 0xA2F7_9CD6, 0x14DE_F9DE, 0, 0, 0, 0x1000_0000,
        ]

        private init(words w: UnsafePointer<UInt32>) {
            words = (w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7])
        }

        subscript(word index: Int) -> UInt32 {
            withUnsafeBytes(of: words) { $0.load(fromByteOffset: 4 * index, as: UInt32.self) }
        }

        /// The 32 little-endian bytes at `bytes` if they are an integer below L (the S of a
        /// signature), else nil. Takes time depending on the value: for public input only.
        init?(canonical bytes: UnsafeRawPointer) {
            words = (0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &words) { out in
                for index in 0..<8 {
                    out.storeBytes(of: Self.word(index, of: bytes), toByteOffset: 4 * index, as: UInt32.self)
                }
            }
            for fromTop in 0..<8 {
                let word = self[word: 7 - fromTop], limit = Self.order[7 - fromTop]
                if word < limit { return }
                if word > limit { return nil }
            }
            return nil  // equal to L
        }

        /// The little-endian integer `bytes` (up to 64 bytes, whole 32-bit words) modulo L.
        init(reducing bytes: [UInt8]) {
            precondition(bytes.count % 4 == 0 && bytes.count <= 64, "up to 16 whole 32-bit words")
            let count = bytes.count / 4
            self = withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { value in
                bytes.withUnsafeBytes { raw in
                    for index in 0..<count { value[index] = Self.word(index, of: raw.baseAddress!) }
                }
                return Self.reduced(UnsafeBufferPointer(rebasing: value[0..<count]))
            }
        }

        /// 32 little-endian bytes.
        var encoded: [UInt8] {
            var bytes = [UInt8](repeating: 0, count: 32)
            bytes.withUnsafeMutableBytes { out in
                for index in 0..<8 {
                    out.storeBytes(of: self[word: index].littleEndian, toByteOffset: 4 * index, as: UInt32.self)
                }
            }
            return bytes
        }

        /// (a·b + c) mod L.
        static func multiplyAdd(_ a: Scalar, _ b: Scalar, _ c: Scalar) -> Scalar {
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { product in
                for index in 0..<8 {
                    product[index] = c[word: index]
                    product[index + 8] = 0
                }
                for i in 0..<8 {
                    let ai = UInt64(a[word: i])
                    var carry: UInt64 = 0
                    for j in 0..<8 {
                        let sum = ai &* UInt64(b[word: j]) &+ UInt64(product[i + j]) &+ carry
                        product[i + j] = UInt32(truncatingIfNeeded: sum)
                        carry = sum >> 32
                    }
                    product[i + 8] = UInt32(truncatingIfNeeded: carry)
                }
                return reduced(UnsafeBufferPointer(product))
            }
        }

        /// The 64 digits e[i] in -8...8 with self = Σ e[i]·16^i, written to `digits`. Each
        /// nibble of 8 or more becomes its value minus 16 and carries 1 into the next.
        func writeSignedRadix16Digits(to digits: UnsafeMutablePointer<Int8>) {
            for index in 0..<64 {
                let nibble = (self[word: index / 8] &>> UInt32(4 * (index % 8))) & 15
                digits[index] = Int8(truncatingIfNeeded: nibble)
            }
            var carry: Int8 = 0
            for index in 0..<63 {
                let digit = digits[index] &+ carry
                carry = (digit &+ 8) >> 4
                digits[index] = digit &- (carry << 4)
            }
            // The top nibble of a value below L is at most 1.
            digits[63] &+= carry
        }

        /// The little-endian 32-bit word `index` of `bytes`.
        private static func word(_ index: Int, of bytes: UnsafeRawPointer) -> UInt32 {
            UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))
        }

        /// `value` mod L by binary long division: for each bit from the top, the remainder
        /// doubles, takes the bit, and loses L when that does not borrow (a mask, not a branch).
        private static func reduced(_ value: UnsafeBufferPointer<UInt32>) -> Scalar {
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { buffer in
                let remainder = buffer.baseAddress!, difference = remainder + 8
                remainder.initialize(repeating: 0, count: 16)
                order.withUnsafeBufferPointer { order in
                    for wordFromTop in 0..<value.count {
                        let word = value[value.count - 1 - wordFromTop]
                        for bitFromTop in 0..<UInt32(32) {
                            // remainder < L, so 2·remainder + 1 < 2L < 2^254 fits eight words.
                            var carry = (word &>> (31 - bitFromTop)) & 1
                            for index in 0..<8 {
                                let shifted = remainder[index]
                                remainder[index] = shifted << 1 | carry
                                carry = shifted >> 31
                            }
                            var borrow: UInt32 = 0
                            for index in 0..<8 {
                                let wide = UInt64(remainder[index]) &- UInt64(order[index]) &- UInt64(borrow)
                                difference[index] = UInt32(truncatingIfNeeded: wide)
                                borrow = UInt32(truncatingIfNeeded: wide >> 63)
                            }
                            let keepRemainder = 0 &- borrow
                            for index in 0..<8 {
                                remainder[index] = remainder[index] & keepRemainder | difference[index] & ~keepRemainder
                            }
                        }
                    }
                }
                return Scalar(words: remainder)
            }
        }
    }
}
