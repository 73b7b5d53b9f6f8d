// Fixed exponents modulo p = 2^255 - 19, by one addition chain whose steps do not depend on
// the base: inversion (x^(p-2)) and the power (p-5)/8 of square roots.

extension Ed25519.FieldElement {
    /// self^(2^count).
    func squared(times count: Int) -> Self {
        var result = self
        for _ in 0..<count { result = result.squared() }
        return result
    }

    /// self^(2^250 - 1), with self^11 met on the way. Writing t(n) for self^(2^n - 1),
    /// t(a + b) = t(a)^(2^b) · t(b).
    private var power2To250Minus1AndPower11: (Self, Self) {
        let z2 = squared()
        let z9 = z2.squared(times: 2) * self
        let z11 = z9 * z2
        let t5 = z11.squared() * z9
        let t10 = t5.squared(times: 5) * t5
        let t20 = t10.squared(times: 10) * t10
        let t40 = t20.squared(times: 20) * t20
        let t50 = t40.squared(times: 10) * t10
        let t100 = t50.squared(times: 50) * t50
        let t200 = t100.squared(times: 100) * t100
        let t250 = t200.squared(times: 50) * t50
        return (t250, z11)
    }

    /// 1/self (0 for 0), as self^(p-2) = self^((2^250 - 1)·2^5 + 11).
    var inverted: Self {
        let (t250, z11) = power2To250Minus1AndPower11
        return t250.squared(times: 5) * z11
    }

    /// self^((p-5)/8) = self^((2^250 - 1)·4 + 1).
    private var power2To252Minus3: Self {
        let (t250, _) = power2To250Minus1AndPower11
        return t250.squared(times: 2) * self
    }

    /// An x with v·x² = u, or nil if there is none (RFC 8032 §5.1.3 step 3): the candidate
    /// u·v³·(u·v⁷)^((p-5)/8), or it times sqrt(-1).
    static func squareRootOfRatio(_ u: Self, _ v: Self) -> Self? {
        let v3 = v.squared() * v
        let v7 = v3.squared() * v
        let x = u * v3 * (u * v7).power2To252Minus3
        let vx2 = v * x.squared()
        if vx2.isEqual(to: u) { return x }
        if vx2.isEqual(to: -u) { return x * squareRootOfMinusOne }
        return nil
    }
}
