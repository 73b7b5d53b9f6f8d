extension Ed25519 {
    /// An integer modulo p = 2^255 - 19 in ten limbs of alternately 26 and 25 bits ("radix
    /// 2^25.5"): the value is l0 + l1·2^26 + l2·2^51 + l3·2^77 + l4·2^102 + l5·2^128
    /// + l6·2^153 + l7·2^179 + l8·2^204 + l9·2^230.
    ///
    /// Every operation returns a carried element: each limb below 2^26, the value not
    /// necessarily below p (`canonical` reduces it fully). That bound keeps a limb times 38
    /// within 32 bits and a sum of ten products of such factors within 64 bits, so that a
    /// 32-bit CPU multiplies with single 32 × 32 → 64-bit instructions. No operation branches
    /// on or indexes memory by a value.
    struct FieldElement {
        var l0, l1, l2, l3, l4, l5, l6, l7, l8, l9: UInt32

        init(_ l0: UInt32, _ l1: UInt32, _ l2: UInt32, _ l3: UInt32, _ l4: UInt32,
             _ l5: UInt32, _ l6: UInt32, _ l7: UInt32, _ l8: UInt32, _ l9: UInt32) {
            (self.l0, self.l1, self.l2, self.l3, self.l4) = (l0, l1, l2, l3, l4)
            (self.l5, self.l6, self.l7, self.l8, self.l9) = (l5, l6, l7, l8, l9)
        }

        static let mask26: UInt32 = (1 << 26) - 1
        static let mask25: UInt32 = (1 << 25) - 1

        static var zero: FieldElement { FieldElement(0, 0, 0, 0, 0, 0, 0, 0, 0, 0) }
        static var one: FieldElement { FieldElement(1, 0, 0, 0, 0, 0, 0, 0, 0, 0) }

        /// d = -121665/121666, the curve constant (RFC 8032 §5.1:
        /// 37095705934669439343138083508754565189542113879843219016388785533085940283555).
        static var d: FieldElement {
            FieldElement(0x35978A3, 0x0D37284, 0x3156EBD, 0x06A0A0E, 0x001C029,
                         0x179E898, 0x3A03CBB, 0x1CE7198, 0x2E2B6FF, 0x1480DB3)
        }

        /// 2·d, as used by the addition formula.
        static var twiceD: FieldElement {
            FieldElement(0x2B2F159, 0x1A6E509, 0x22ADD7A, 0x0D4141D, 0x0038052,
                         0x0F3D130, 0x3407977, 0x19CE331, 0x1C56DFF, 0x0901B67)
        }

        /// 2^((p-1)/4), a square root of -1 (RFC 8032 §5.1.3:
        /// 19681161376707505956807079304988542015446066515923890162744021073123829784752).
        static var squareRootOfMinusOne: FieldElement {
            FieldElement(0x20EA0B0, 0x186C9D2, 0x08F189D, 0x035697F, 0x0BD0C60,
                         0x1FBD7A7, 0x2804C9E, 0x1E16569, 0x004FC1D, 0x0AE0C92)
        }

        /// The 255-bit little-endian integer in the 32 bytes at `bytes`, ignoring bit 255
        /// (the caller checks that the integer is below p, see `encoded`).
        init(decoding bytes: UnsafeRawPointer) {
            func load(_ offset: Int) -> UInt32 {
                UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            }
            self.init(load(0) & Self.mask26, (load(3) >> 2) & Self.mask25,
                      (load(6) >> 3) & Self.mask26, (load(9) >> 5) & Self.mask25,
                      (load(12) >> 6) & Self.mask26, load(16) & Self.mask25,
                      (load(19) >> 1) & Self.mask26, (load(22) >> 3) & Self.mask25,
                      (load(25) >> 4) & Self.mask26, (load(28) >> 6) & Self.mask25)
        }

        /// The canonical encoding: the value below p as 32 little-endian bytes (bit 255 clear).
        var encoded: [UInt8] {
            let c = canonical
            var bytes = [UInt8](repeating: 0, count: 32)
            bytes.withUnsafeMutableBytes { out in
                func store(_ word: UInt64, at index: Int) {
                    out.storeBytes(of: word.littleEndian, toByteOffset: 8 * index, as: UInt64.self)
                }
                store(UInt64(c.l0) | UInt64(c.l1) << 26 | UInt64(c.l2) << 51, at: 0)
                store(UInt64(c.l2) >> 13 | UInt64(c.l3) << 13 | UInt64(c.l4) << 38, at: 1)
                store(UInt64(c.l5) | UInt64(c.l6) << 25 | UInt64(c.l7) << 51, at: 2)
                store(UInt64(c.l7) >> 13 | UInt64(c.l8) << 12 | UInt64(c.l9) << 38, at: 3)
            }
            return bytes
        }

        /// The same value below p, each limb within its 26 or 25 bits.
        var canonical: FieldElement {
            // One carry pass leaves the value v below 2^255 + 2^27 < 2p (the carry out of bit
            // 255 comes back times 19, as 2^255 = 19 mod p).
            let v = Self.carried(l0, l1, l2, l3, l4, l5, l6, l7, l8, l9)
            // q = 1 exactly when v >= p, that is when v + 19 reaches 2^255.
            var q = (v.l0 &+ 19) >> 26
            q = (v.l1 &+ q) >> 25; q = (v.l2 &+ q) >> 26; q = (v.l3 &+ q) >> 25
            q = (v.l4 &+ q) >> 26; q = (v.l5 &+ q) >> 25; q = (v.l6 &+ q) >> 26
            q = (v.l7 &+ q) >> 25; q = (v.l8 &+ q) >> 26; q = (v.l9 &+ q) >> 25
            // v - q·p = v + 19q - q·2^255: add 19q, carry through and drop bit 255.
            var h0 = v.l0 &+ 19 &* q, h1 = v.l1, h2 = v.l2, h3 = v.l3, h4 = v.l4
            var h5 = v.l5, h6 = v.l6, h7 = v.l7, h8 = v.l8, h9 = v.l9
            h1 &+= h0 >> 26; h0 &= Self.mask26
            h2 &+= h1 >> 25; h1 &= Self.mask25
            h3 &+= h2 >> 26; h2 &= Self.mask26
            h4 &+= h3 >> 25; h3 &= Self.mask25
            h5 &+= h4 >> 26; h4 &= Self.mask26
            h6 &+= h5 >> 25; h5 &= Self.mask25
            h7 &+= h6 >> 26; h6 &= Self.mask26
            h8 &+= h7 >> 25; h7 &= Self.mask25
            h9 &+= h8 >> 26; h8 &= Self.mask26
            h9 &= Self.mask25
            return FieldElement(h0, h1, h2, h3, h4, h5, h6, h7, h8, h9)
        }

        var isZero: Bool {
            let c = canonical
            return c.l0 | c.l1 | c.l2 | c.l3 | c.l4 | c.l5 | c.l6 | c.l7 | c.l8 | c.l9 == 0
        }

        /// The low bit of the canonical value: RFC 8032 calls x "negative" when it is 1.
        var lowBit: UInt32 { canonical.l0 & 1 }

        func isEqual(to other: FieldElement) -> Bool { (self - other).isZero }

        static func + (a: FieldElement, b: FieldElement) -> FieldElement {
            carried(a.l0 &+ b.l0, a.l1 &+ b.l1, a.l2 &+ b.l2, a.l3 &+ b.l3, a.l4 &+ b.l4,
                    a.l5 &+ b.l5, a.l6 &+ b.l6, a.l7 &+ b.l7, a.l8 &+ b.l8, a.l9 &+ b.l9)
        }

        /// a + 4p - b limb by limb: each limb of 4p (2^28 - 76, then 2^27 - 4 and 2^28 - 4
        /// alternately) exceeds 2^26, so no limb goes below zero.
        static func - (a: FieldElement, b: FieldElement) -> FieldElement {
            let odd: UInt32 = 0x07FF_FFFC, even: UInt32 = 0x0FFF_FFFC
            return carried(a.l0 &+ 0x0FFF_FFB4 &- b.l0, a.l1 &+ odd &- b.l1, a.l2 &+ even &- b.l2,
                           a.l3 &+ odd &- b.l3, a.l4 &+ even &- b.l4, a.l5 &+ odd &- b.l5,
                           a.l6 &+ even &- b.l6, a.l7 &+ odd &- b.l7, a.l8 &+ even &- b.l8,
                           a.l9 &+ odd &- b.l9)
        }

        static prefix func - (a: FieldElement) -> FieldElement { zero - a }

        /// Carries limbs below 2^29 into a carried element: each limb keeps its low 26 or 25
        /// bits and passes the rest up; what passes bit 255 comes back times 19 into l0.
        static func carried(_ h0: UInt32, _ h1: UInt32, _ h2: UInt32, _ h3: UInt32, _ h4: UInt32,
                            _ h5: UInt32, _ h6: UInt32, _ h7: UInt32, _ h8: UInt32, _ h9: UInt32) -> FieldElement {
            carried(wide: UInt64(h0), UInt64(h1), UInt64(h2), UInt64(h3), UInt64(h4),
                    UInt64(h5), UInt64(h6), UInt64(h7), UInt64(h8), UInt64(h9))
        }
    }
}
