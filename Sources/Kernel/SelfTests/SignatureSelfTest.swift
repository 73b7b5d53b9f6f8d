import LiveUpdate

/// The update bundle's cryptography inside the kernel (`test=signature`): SHA-512 and
/// Ed25519 verification on known answers (FIPS 180-4's "abc", RFC 8032 §7.1 TEST 1 and 2),
/// the refusals (one altered message, S ≥ L), then the time a 256 KiB bundle takes to
/// verify: SHA-512 of 256 KiB plus one signature check, which is what `BundleAdmission` does.
enum SignatureSelfTest {
    private static let abcDigest: StaticString = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
    private static let test1Key: StaticString = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    private static let test1Signature: StaticString = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    private static let test2Key: StaticString = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
    private static let test2Signature: StaticString = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
    static let bundleSize = 256 * 1024

    static func run() -> Never {
        guard SHA512.hash(Array("abc".utf8)) == bytes(abcDigest) else { SelfTest.fail("SHA-512 of abc") }
        guard Ed25519.verify(signature: bytes(test1Signature), message: [], publicKey: bytes(test1Key)) == .valid,
              Ed25519.verify(signature: bytes(test2Signature), message: [0x72], publicKey: bytes(test2Key)) == .valid
        else { SelfTest.fail("RFC 8032 TEST 1 and 2 verify") }
        guard Ed25519.verify(signature: bytes(test2Signature), message: [0x73], publicKey: bytes(test2Key)) == .mismatch
        else { SelfTest.fail("an altered message is refused") }
        var highS = bytes(test1Signature)
        highS[63] |= 0x80
        guard Ed25519.verify(signature: highS, message: [], publicKey: bytes(test1Key)) == .scalarNotCanonical
        else { SelfTest.fail("S >= L is refused") }
        Console.write("signature: SHA-512 and RFC 8032 vectors pass, an altered message and S >= L are refused\n")
        timeBundleVerification()
        SelfTest.pass("signature")
    }

    /// Prints the SHA-512 time of 256 KiB and the time of one Ed25519 verification.
    private static func timeBundleVerification() {
        guard let buffer = Memory.allocate(byteCount: bundleSize, alignment: 4096) else { SelfTest.fail("no heap for 256 KiB") }
        defer { Memory.deallocate(buffer) }
        for index in 0..<bundleSize { buffer.storeBytes(of: UInt8(truncatingIfNeeded: index &* 31), toByteOffset: index, as: UInt8.self) }
        let start = Clock.now()
        _ = SHA512.hash(UnsafeRawBufferPointer(start: buffer, count: bundleSize))
        let hashed = Clock.now()
        let check = Ed25519.verify(signature: bytes(test2Signature), message: [0x72], publicKey: bytes(test2Key))
        let verified = Clock.now()
        guard check == .valid else { SelfTest.fail("verification under the clock") }
        Console.write("signature: a 256 KiB bundle verifies in ")
        Console.writeMilliseconds(nanoseconds: verified - start)
        Console.write(" (SHA-512 of 256 KiB ")
        Console.writeMilliseconds(nanoseconds: hashed - start)
        Console.write(", one Ed25519 verification ")
        Console.writeMilliseconds(nanoseconds: verified - hashed)
        Console.write(")\n")
    }

    /// The bytes of a hex string.
    private static func bytes(_ hex: StaticString) -> [UInt8] {
        let digits = UnsafeBufferPointer(start: hex.utf8Start, count: hex.utf8CodeUnitCount)
        return stride(from: 0, to: digits.count - 1, by: 2).map { index in value(digits[index]) << 4 | value(digits[index + 1]) }
    }

    private static func value(_ digit: UInt8) -> UInt8 { digit <= 57 ? digit - 48 : digit - 87 }
}
