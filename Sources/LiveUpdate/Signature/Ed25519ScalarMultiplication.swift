// Scalar multiplication by signed radix-16 digits: 64 rounds of four doublings and one
// addition of a digit's multiple from a table of [1]P...[8]P (negated for negative digits).

extension Ed25519 {
    /// [1]P ... [8]P of one point P, prepared for addition.
    struct MultiplesTable {
        private var entries: (CachedPoint, CachedPoint, CachedPoint, CachedPoint,
                              CachedPoint, CachedPoint, CachedPoint, CachedPoint)

        init(_ point: ExtendedPoint) {
            let first = point.cached
            entries = (first, first, first, first, first, first, first, first)
            var multiple = point
            withUnsafeMutableBytes(of: &entries) { table in
                for index in 1..<8 {
                    multiple = (multiple + first).extended
                    table.storeBytes(of: multiple.cached, toByteOffset: index * MemoryLayout<CachedPoint>.stride,
                                     as: CachedPoint.self)
                }
            }
        }

        /// [multiple]P for `multiple` in 1...8.
        func entry(_ multiple: Int) -> CachedPoint {
            withUnsafeBytes(of: entries) {
                $0.load(fromByteOffset: (multiple - 1) * MemoryLayout<CachedPoint>.stride, as: CachedPoint.self)
            }
        }
    }

    /// [s]B + [k]P, in time depending on s and k: for verification, where both are public.
    static func publicMultiple(s: Scalar, k: Scalar, point: ExtendedPoint) -> ExtendedPoint {
        let baseTable = MultiplesTable(.base), pointTable = MultiplesTable(point)
        return withUnsafeTemporaryAllocation(of: Int8.self, capacity: 128) { digits in
            let sDigits = digits.baseAddress!, kDigits = sDigits + 64
            s.writeSignedRadix16Digits(to: sDigits)
            k.writeSignedRadix16Digits(to: kDigits)
            var sum = ExtendedPoint.identity
            for fromTop in 0..<64 {
                let index = 63 - fromTop
                sum = sum.timesSixteen()
                if let multiple = variableTimeMultiple(baseTable, sDigits[index]) { sum = (sum + multiple).extended }
                if let multiple = variableTimeMultiple(pointTable, kDigits[index]) { sum = (sum + multiple).extended }
            }
            return sum
        }
    }

    /// [digit]P from `table`, nil for 0.
    private static func variableTimeMultiple(_ table: MultiplesTable, _ digit: Int8) -> CachedPoint? {
        if digit > 0 { return table.entry(Int(digit)) }
        if digit < 0 { return table.entry(Int(-digit)).negated }
        return nil
    }
}
