/// Arithmetic modulo the CRC32C polynomial P on bit-reflected 32-bit values
/// (bit 31 is the coefficient of x^0, bit 0 that of x^31), as the CRC register holds them.
enum GF2Polynomial {
    static let one: UInt32 = 0x8000_0000
    static let x: UInt32 = 0x4000_0000

    /// a * b mod P.
    static func multiply(_ a: UInt32, _ b: UInt32) -> UInt32 {
        var a = a
        var b = b
        var product: UInt32 = 0
        while a != 0 {
            if a & one != 0 { product ^= b }
            a <<= 1
            b = b & 1 != 0 ? (b >> 1) ^ CRC32C.reflectedPolynomial : b >> 1
        }
        return product
    }

    /// x^n mod P, by square and multiply.
    static func xPower(_ n: UInt64) -> UInt32 {
        var result = one
        var square = x
        var n = n
        while n != 0 {
            if n & 1 != 0 { result = multiply(result, square) }
            square = multiply(square, square)
            n >>= 1
        }
        return result
    }
}
