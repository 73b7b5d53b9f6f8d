#if !hasFeature(Embedded)
// [s]B for secret s: the same doublings and additions for every s, each table entry read and
// the wanted one kept by masks, so that neither branches nor memory addresses depend on s.

extension Ed25519 {
    /// [scalar]B in time independent of the scalar.
    static func constantTimeBaseMultiple(_ scalar: Scalar) -> ExtendedPoint {
        let table = MultiplesTable(.base)
        return withUnsafeTemporaryAllocation(of: Int8.self, capacity: 64) { digits in
            scalar.writeSignedRadix16Digits(to: digits.baseAddress!)
            var sum = ExtendedPoint.identity
            for fromTop in 0..<64 {
                sum = (sum.timesSixteen() + table.constantTimeMultiple(digits[63 - fromTop])).extended
            }
            return sum
        }
    }
}

extension Ed25519.MultiplesTable {
    /// [digit]P for `digit` in -8...8, the identity for 0, reading all eight entries.
    func constantTimeMultiple(_ digit: Int8) -> Ed25519.CachedPoint {
        let value = Int32(digit)
        let negativeMask = UInt32(bitPattern: value >> 31)
        let magnitude = UInt32(bitPattern: (value ^ value >> 31) &- (value >> 31))
        var chosen = Ed25519.CachedPoint.identity
        for multiple in 1...8 {
            // (difference - 1) >> 31 is 1 exactly when difference (below 16) is 0.
            let difference = magnitude ^ UInt32(multiple)
            chosen = chosen.replaced(by: entry(multiple), where: 0 &- ((difference &- 1) >> 31))
        }
        return chosen.replaced(by: chosen.negated, where: negativeMask)
    }
}

extension Ed25519.CachedPoint {
    static var identity: Self { Self(yPlusX: .one, yMinusX: .one, twiceZ: .one + .one, twiceDT: .zero) }

    /// `other` where `mask` is all ones, self where it is zero.
    func replaced(by other: Self, where mask: UInt32) -> Self {
        Self(yPlusX: yPlusX.replaced(by: other.yPlusX, where: mask),
             yMinusX: yMinusX.replaced(by: other.yMinusX, where: mask),
             twiceZ: twiceZ.replaced(by: other.twiceZ, where: mask),
             twiceDT: twiceDT.replaced(by: other.twiceDT, where: mask))
    }
}

extension Ed25519.FieldElement {
    /// `other` where `mask` is all ones, self where it is zero, limb by limb.
    func replaced(by other: Self, where mask: UInt32) -> Self {
        func pick(_ mine: UInt32, _ theirs: UInt32) -> UInt32 { mine ^ (mask & (mine ^ theirs)) }
        return Self(pick(l0, other.l0), pick(l1, other.l1), pick(l2, other.l2), pick(l3, other.l3),
                    pick(l4, other.l4), pick(l5, other.l5), pick(l6, other.l6), pick(l7, other.l7),
                    pick(l8, other.l8), pick(l9, other.l9))
    }
}
#endif
