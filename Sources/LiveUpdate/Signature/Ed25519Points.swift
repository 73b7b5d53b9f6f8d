// Points of edwards25519, the twisted Edwards curve -x² + y² = 1 + d·x²·y² modulo 2^255 - 19,
// and the group law of RFC 8032 §5.1.4. The formulas are complete: they hold for every pair
// of points, the identity and equal points included, so no case depends on the operands.

extension Ed25519 {
    /// (X : Y : Z : T) with x = X/Z, y = Y/Z and x·y = T/Z.
    struct ExtendedPoint {
        var x, y, z, t: FieldElement

        static var identity: ExtendedPoint { ExtendedPoint(x: .zero, y: .one, z: .one, t: .zero) }

        /// B, with y = 4/5 and x even (RFC 8032 §5.1).
        static var base: ExtendedPoint {
            ExtendedPoint(
                x: FieldElement(0x325D51A, 0x18B5823, 0x0F6592A, 0x104A92D, 0x1A4B31D,
                                0x1D6DC5C, 0x27118FE, 0x07FD814, 0x13CD6E5, 0x085A4DB),
                y: FieldElement(0x2666658, 0x1999999, 0x0CCCCCC, 0x1333333, 0x1999999,
                                0x0666666, 0x3333333, 0x0CCCCCC, 0x2666666, 0x1999999),
                z: .one,
                t: FieldElement(0x1B7DDA3, 0x1A2ACE9, 0x25EADBB, 0x003BA8A, 0x083C27E,
                                0x0ABE37D, 0x1274732, 0x0CCACDD, 0x0FD78B7, 0x19E1D7C))
        }

        var negated: ExtendedPoint { ExtendedPoint(x: -x, y: y, z: z, t: -t) }

        var projective: ProjectivePoint { ProjectivePoint(x: x, y: y, z: z) }

        var cached: CachedPoint {
            CachedPoint(yPlusX: y + x, yMinusX: y - x, twiceZ: z + z, twiceDT: t * .twiceD)
        }

        /// [16]self: four doublings.
        func timesSixteen() -> ExtendedPoint {
            var point = projective
            for _ in 0..<3 { point = point.doubled().projective }
            return point.doubled().extended
        }

        static func + (p: ExtendedPoint, q: CachedPoint) -> CompletedPoint {
            let a = (p.y - p.x) * q.yMinusX
            let b = (p.y + p.x) * q.yPlusX
            let c = p.t * q.twiceDT
            let d = p.z * q.twiceZ
            return CompletedPoint(e: b - a, f: d - c, g: d + c, h: b + a)
        }
    }

    /// (X : Y : Z) with x = X/Z, y = Y/Z: enough for a doubling, which does not read T.
    struct ProjectivePoint {
        var x, y, z: FieldElement

        func doubled() -> CompletedPoint {
            let a = x.squared(), b = y.squared()
            let zz = z.squared()
            let h = a + b
            let g = a - b
            return CompletedPoint(e: h - (x + y).squared(), f: zz + zz + g, g: g, h: h)
        }
    }

    /// The values E, F, G, H of the formulas before their last products: x = E/G, y = H/F.
    /// Converting to projective form costs three multiplications, to extended form four.
    struct CompletedPoint {
        var e, f, g, h: FieldElement

        var projective: ProjectivePoint { ProjectivePoint(x: e * f, y: g * h, z: f * g) }
        var extended: ExtendedPoint { ExtendedPoint(x: e * f, y: g * h, z: f * g, t: e * h) }
    }

    /// A point prepared as the second operand of additions: (Y + X, Y - X, 2·Z, 2·d·T).
    struct CachedPoint {
        var yPlusX, yMinusX, twiceZ, twiceDT: FieldElement

        /// The opposite point, (-x, y).
        var negated: CachedPoint {
            CachedPoint(yPlusX: yMinusX, yMinusX: yPlusX, twiceZ: twiceZ, twiceDT: -twiceDT)
        }
    }
}
