// Products modulo p = 2^255 - 19 of ten-limb field elements, column by column.
//
// Limb i sits at bit ceil(25.5·i). The product of limbs i and j lands in column i + j, times 2
// when i and j are both odd (their offsets add up to one bit more than the column's), and a
// column k >= 10 wraps to k - 10 times 19, as 2^255 = 19 mod p. The factors 2, 19 and 38 are
// applied to one limb beforehand, which stays within 32 bits for limbs below 2^26.

extension Ed25519.FieldElement {
    static func * (f: Self, g: Self) -> Self {
        let (f0, f1, f2, f3, f4, f5, f6, f7, f8, f9) = (f.l0, f.l1, f.l2, f.l3, f.l4, f.l5, f.l6, f.l7, f.l8, f.l9)
        let (g0, g1, g2, g3, g4, g5, g6, g7, g8, g9) = (g.l0, g.l1, g.l2, g.l3, g.l4, g.l5, g.l6, g.l7, g.l8, g.l9)
        let f1_2 = f1 &* 2, f3_2 = f3 &* 2, f5_2 = f5 &* 2, f7_2 = f7 &* 2, f9_2 = f9 &* 2
        let g1_19 = g1 &* 19, g2_19 = g2 &* 19, g3_19 = g3 &* 19, g4_19 = g4 &* 19, g5_19 = g5 &* 19
        let g6_19 = g6 &* 19, g7_19 = g7 &* 19, g8_19 = g8 &* 19, g9_19 = g9 &* 19
        let h0 = m(f0, g0) &+ m(f1_2, g9_19) &+ m(f2, g8_19) &+ m(f3_2, g7_19) &+ m(f4, g6_19)
            &+ m(f5_2, g5_19) &+ m(f6, g4_19) &+ m(f7_2, g3_19) &+ m(f8, g2_19) &+ m(f9_2, g1_19)
        let h1 = m(f0, g1) &+ m(f1, g0) &+ m(f2, g9_19) &+ m(f3, g8_19) &+ m(f4, g7_19)
            &+ m(f5, g6_19) &+ m(f6, g5_19) &+ m(f7, g4_19) &+ m(f8, g3_19) &+ m(f9, g2_19)
        let h2 = m(f0, g2) &+ m(f1_2, g1) &+ m(f2, g0) &+ m(f3_2, g9_19) &+ m(f4, g8_19)
            &+ m(f5_2, g7_19) &+ m(f6, g6_19) &+ m(f7_2, g5_19) &+ m(f8, g4_19) &+ m(f9_2, g3_19)
        let h3 = m(f0, g3) &+ m(f1, g2) &+ m(f2, g1) &+ m(f3, g0) &+ m(f4, g9_19)
            &+ m(f5, g8_19) &+ m(f6, g7_19) &+ m(f7, g6_19) &+ m(f8, g5_19) &+ m(f9, g4_19)
        let h4 = m(f0, g4) &+ m(f1_2, g3) &+ m(f2, g2) &+ m(f3_2, g1) &+ m(f4, g0)
            &+ m(f5_2, g9_19) &+ m(f6, g8_19) &+ m(f7_2, g7_19) &+ m(f8, g6_19) &+ m(f9_2, g5_19)
        let h5 = m(f0, g5) &+ m(f1, g4) &+ m(f2, g3) &+ m(f3, g2) &+ m(f4, g1)
            &+ m(f5, g0) &+ m(f6, g9_19) &+ m(f7, g8_19) &+ m(f8, g7_19) &+ m(f9, g6_19)
        let h6 = m(f0, g6) &+ m(f1_2, g5) &+ m(f2, g4) &+ m(f3_2, g3) &+ m(f4, g2)
            &+ m(f5_2, g1) &+ m(f6, g0) &+ m(f7_2, g9_19) &+ m(f8, g8_19) &+ m(f9_2, g7_19)
        let h7 = m(f0, g7) &+ m(f1, g6) &+ m(f2, g5) &+ m(f3, g4) &+ m(f4, g3)
            &+ m(f5, g2) &+ m(f6, g1) &+ m(f7, g0) &+ m(f8, g9_19) &+ m(f9, g8_19)
        let h8 = m(f0, g8) &+ m(f1_2, g7) &+ m(f2, g6) &+ m(f3_2, g5) &+ m(f4, g4)
            &+ m(f5_2, g3) &+ m(f6, g2) &+ m(f7_2, g1) &+ m(f8, g0) &+ m(f9_2, g9_19)
        let h9 = m(f0, g9) &+ m(f1, g8) &+ m(f2, g7) &+ m(f3, g6) &+ m(f4, g5)
            &+ m(f5, g4) &+ m(f6, g3) &+ m(f7, g2) &+ m(f8, g1) &+ m(f9, g0)
        return carried(wide: h0, h1, h2, h3, h4, h5, h6, h7, h8, h9)
    }

    /// self · self, with each cross product computed once and doubled.
    func squared() -> Self {
        let (f0, f1, f2, f3, f4, f5, f6, f7, f8, f9) = (l0, l1, l2, l3, l4, l5, l6, l7, l8, l9)
        let f0_2 = f0 &* 2, f1_2 = f1 &* 2, f2_2 = f2 &* 2, f3_2 = f3 &* 2, f4_2 = f4 &* 2
        let f5_2 = f5 &* 2, f6_2 = f6 &* 2, f7_2 = f7 &* 2, f8_2 = f8 &* 2, f9_2 = f9 &* 2
        let f5_19 = f5 &* 19, f6_19 = f6 &* 19, f7_19 = f7 &* 19, f8_19 = f8 &* 19, f9_19 = f9 &* 19
        let f7_38 = f7 &* 38, f9_38 = f9 &* 38
        let h0 = m(f0, f0) &+ m(f1_2, f9_38) &+ m(f2_2, f8_19) &+ m(f3_2, f7_38) &+ m(f4_2, f6_19)
            &+ m(f5_2, f5_19)
        let h1 = m(f0_2, f1) &+ m(f2_2, f9_19) &+ m(f3_2, f8_19) &+ m(f4_2, f7_19) &+ m(f5_2, f6_19)
        let h2 = m(f0_2, f2) &+ m(f1_2, f1) &+ m(f3_2, f9_38) &+ m(f4_2, f8_19) &+ m(f5_2, f7_38)
            &+ m(f6, f6_19)
        let h3 = m(f0_2, f3) &+ m(f1_2, f2) &+ m(f4_2, f9_19) &+ m(f5_2, f8_19) &+ m(f6_2, f7_19)
        let h4 = m(f0_2, f4) &+ m(f1_2, f3_2) &+ m(f2, f2) &+ m(f5_2, f9_38) &+ m(f6_2, f8_19)
            &+ m(f7_2, f7_19)
        let h5 = m(f0_2, f5) &+ m(f1_2, f4) &+ m(f2_2, f3) &+ m(f6_2, f9_19) &+ m(f7_2, f8_19)
        let h6 = m(f0_2, f6) &+ m(f1_2, f5_2) &+ m(f2_2, f4) &+ m(f3_2, f3) &+ m(f7_2, f9_38)
            &+ m(f8, f8_19)
        let h7 = m(f0_2, f7) &+ m(f1_2, f6) &+ m(f2_2, f5) &+ m(f3_2, f4) &+ m(f8_2, f9_19)
        let h8 = m(f0_2, f8) &+ m(f1_2, f7_2) &+ m(f2_2, f6) &+ m(f3_2, f5_2) &+ m(f4, f4)
            &+ m(f9_2, f9_19)
        let h9 = m(f0_2, f9) &+ m(f1_2, f8) &+ m(f2_2, f7) &+ m(f3_2, f6) &+ m(f4_2, f5)
        return Self.carried(wide: h0, h1, h2, h3, h4, h5, h6, h7, h8, h9)
    }

    /// Carries limbs or column sums below 2^61 into a carried element (see `carried`).
    static func carried(wide h0: UInt64, _ h1: UInt64, _ h2: UInt64, _ h3: UInt64, _ h4: UInt64,
                        _ h5: UInt64, _ h6: UInt64, _ h7: UInt64, _ h8: UInt64, _ h9: UInt64) -> Self {
        let mask26 = UInt64(Self.mask26), mask25 = UInt64(Self.mask25)
        var h0 = h0, h1 = h1, h2 = h2, h3 = h3, h4 = h4, h5 = h5, h6 = h6, h7 = h7, h8 = h8, h9 = h9
        h1 &+= h0 >> 26; h0 &= mask26
        h2 &+= h1 >> 25; h1 &= mask25
        h3 &+= h2 >> 26; h2 &= mask26
        h4 &+= h3 >> 25; h3 &= mask25
        h5 &+= h4 >> 26; h4 &= mask26
        h6 &+= h5 >> 25; h5 &= mask25
        h7 &+= h6 >> 26; h6 &= mask26
        h8 &+= h7 >> 25; h7 &= mask25
        h9 &+= h8 >> 26; h8 &= mask26
        h0 &+= 19 &* (h9 >> 25); h9 &= mask25
        h1 &+= h0 >> 26; h0 &= mask26
        return Self(UInt32(truncatingIfNeeded: h0), UInt32(truncatingIfNeeded: h1), UInt32(truncatingIfNeeded: h2),
                    UInt32(truncatingIfNeeded: h3), UInt32(truncatingIfNeeded: h4), UInt32(truncatingIfNeeded: h5),
                    UInt32(truncatingIfNeeded: h6), UInt32(truncatingIfNeeded: h7), UInt32(truncatingIfNeeded: h8),
                    UInt32(truncatingIfNeeded: h9))
    }
}

/// The full 64-bit product of two 32-bit factors.
@inline(__always)
private func m(_ a: UInt32, _ b: UInt32) -> UInt64 { UInt64(a) &* UInt64(b) }
