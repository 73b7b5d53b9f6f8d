/// SHA-512 (FIPS 180-4 §6.4): streaming, or in one call.
///
/// Full 128-byte blocks are compressed straight from the caller's memory; only a partial
/// block is copied. No heap allocation except for the returned digest.
public struct SHA512 {
    /// The eight working hash words H0...H7.
    private var state = State()
    /// Input not yet compressed: fewer than 128 bytes, in `pending[0..<pendingCount]`.
    private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                          UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    /// Bytes hashed so far.
    private var totalCount: UInt64 = 0

    static let blockSize = 128

    /// A hash of the empty message, ready for `update`.
    public init() {}

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var input = bytes.baseAddress, !bytes.isEmpty else { return }
        var remaining = bytes.count
        totalCount &+= UInt64(remaining)
        if pendingCount > 0 {
            let taken = min(Self.blockSize - pendingCount, remaining)
            appendPending(input, count: taken)
            input += taken
            remaining -= taken
            guard pendingCount == Self.blockSize else { return }
            compressPending()
        }
        while remaining >= Self.blockSize {
            state.compress(input)
            input += Self.blockSize
            remaining -= Self.blockSize
        }
        if remaining > 0 { appendPending(input, count: remaining) }
    }

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Pads the message (FIPS 180-4 §5.1.2) and returns its 64-byte digest. Call it once:
    /// the hash is not to be updated afterwards.
    public mutating func finish() -> [UInt8] {
        let bitCountHigh = totalCount &>> 61, bitCountLow = totalCount &<< 3
        let lengthOffset = Self.blockSize - 16, used = pendingCount
        withUnsafeMutableBytes(of: &pending) { block in
            block[used] = 0x80
            for index in (used + 1)..<Self.blockSize { block[index] = 0 }
        }
        if used + 1 > lengthOffset {
            compressPending()
            withUnsafeMutableBytes(of: &pending) { block in
                for index in 0..<Self.blockSize { block[index] = 0 }
            }
        }
        withUnsafeMutableBytes(of: &pending) { block in
            block.storeBytes(of: bitCountHigh.bigEndian, toByteOffset: lengthOffset, as: UInt64.self)
            block.storeBytes(of: bitCountLow.bigEndian, toByteOffset: lengthOffset + 8, as: UInt64.self)
        }
        compressPending()
        return state.digest()
    }

    /// The SHA-512 digest (64 bytes) of `bytes`, read in place.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var hash = SHA512()
        hash.update(bytes)
        return hash.finish()
    }

    /// The SHA-512 digest (64 bytes) of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }

    private mutating func appendPending(_ source: UnsafeRawPointer, count: Int) {
        let offset = pendingCount
        withUnsafeMutableBytes(of: &pending) { block in
            (block.baseAddress! + offset).copyMemory(from: source, byteCount: count)
        }
        pendingCount += count
    }

    private mutating func compressPending() {
        withUnsafeBytes(of: pending) { state.compress($0.baseAddress!) }
        pendingCount = 0
    }
}

extension SHA512 {
    /// The hash words, initially the first 64 bits of the fractional parts of the square
    /// roots of the first eight primes (FIPS 180-4 §5.3.5).
    struct State {
        var h0: UInt64 = 0x6a09_e667_f3bc_c908, h1: UInt64 = 0xbb67_ae85_84ca_a73b
        var h2: UInt64 = 0x3c6e_f372_fe94_f82b, h3: UInt64 = 0xa54f_f53a_5f1d_36f1
        var h4: UInt64 = 0x510e_527f_ade6_82d1, h5: UInt64 = 0x9b05_688c_2b3e_6c1f
        var h6: UInt64 = 0x1f83_d9ab_fb41_bd6b, h7: UInt64 = 0x5be0_cd19_137e_2179

        /// Folds one 128-byte block (no alignment needed) into the hash words (FIPS 180-4 §6.4.2).
        mutating func compress(_ block: UnsafeRawPointer) {
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 80) { schedule in
                for t in 0..<16 {
                    schedule[t] = UInt64(bigEndian: block.loadUnaligned(fromByteOffset: 8 * t, as: UInt64.self))
                }
                for t in 16..<80 {
                    let w2 = schedule[t - 2], w15 = schedule[t - 15]
                    let sigma1 = rotateRight(w2, 19) ^ rotateRight(w2, 61) ^ (w2 &>> 6)
                    let sigma0 = rotateRight(w15, 1) ^ rotateRight(w15, 8) ^ (w15 &>> 7)
                    schedule[t] = sigma1 &+ schedule[t - 7] &+ sigma0 &+ schedule[t - 16]
                }
                var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
                SHA512.roundConstants.withUnsafeBufferPointer { k in
                    for t in 0..<80 {
                        let bigSigma1 = rotateRight(e, 14) ^ rotateRight(e, 18) ^ rotateRight(e, 41)
                        let choice = (e & f) ^ (~e & g)
                        let t1 = h &+ bigSigma1 &+ choice &+ k[t] &+ schedule[t]
                        let bigSigma0 = rotateRight(a, 28) ^ rotateRight(a, 34) ^ rotateRight(a, 39)
                        let majority = (a & b) ^ (a & c) ^ (b & c)
                        let t2 = bigSigma0 &+ majority
                        h = g; g = f; f = e; e = d &+ t1
                        d = c; c = b; b = a; a = t1 &+ t2
                    }
                }
                h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
                h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
            }
        }

        /// The hash words in big-endian order.
        func digest() -> [UInt8] {
            var digest = [UInt8](repeating: 0, count: 64)
            digest.withUnsafeMutableBytes { out in
                func store(_ word: UInt64, at index: Int) {
                    out.storeBytes(of: word.bigEndian, toByteOffset: 8 * index, as: UInt64.self)
                }
                store(h0, at: 0); store(h1, at: 1); store(h2, at: 2); store(h3, at: 3)
                store(h4, at: 4); store(h5, at: 5); store(h6, at: 6); store(h7, at: 7)
            }
            return digest
        }
    }

    /// The first 64 bits of the fractional parts of the cube roots of the first 80 primes
    /// (FIPS 180-4 §4.2.3).
    static let roundConstants: [UInt64] = [
        0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
        0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
        0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
        0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
        0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
        0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
        0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
        0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
        0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
        0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
        0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
        0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
        0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
        0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
        0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
        0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
        0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
        0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
        0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
        0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
    ]
}

/// Masking shifts: with the count a literal they compile to plain shifts (shld/shrd on i686)
/// even at -Osize, where `>>` and `<<` may end up calling compiler-rt shift routines.
@inline(__always)
private func rotateRight(_ value: UInt64, _ count: UInt64) -> UInt64 {
    (value &>> count) | (value &<< (64 &- count))
}
