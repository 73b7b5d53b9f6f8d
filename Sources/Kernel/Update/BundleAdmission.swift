import LiveUpdate

/// The checks a received bundle passes before anything is staged, on both update ports
/// (docs/update-bundle.md): well-formed; signed by a key this image trusts; the image matches
/// its digest, is for this architecture and at or above this image's security version; it is
/// a valid kernel for this machine; and its own trust note is what the manifest states, so
/// the security version just checked is the one it will run at.
enum BundleAdmission {
    /// An admitted bundle: the kernel image inside it, and what the manifest says of it.
    struct Admitted {
        let image: UnsafeRawBufferPointer
        let label: String
        let trust: ImageTrust
        /// Signature and digest checks, in nanoseconds of `Clock`.
        let verificationTime: UInt64
    }

    /// Why a bundle is refused, for the client's `refused: ` line, and the label its manifest
    /// gives (empty when it did not parse), for the update history.
    struct Refusal: Error {
        let reason: String
        var label = ""
    }

    nonisolated(unsafe) private static var ownTrust: Result<ImageTrust, TrustNoteError>?

    /// This image's trust note, read once from its own memory (`__liu_trust_start`...).
    static var running: Result<ImageTrust, TrustNoteError> {
        if let ownTrust { return ownTrust }
        let start = symbolAddress(3)
        let notes = UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: start), count: Int(symbolAddress(4) - start))
        let trust: Result<ImageTrust, TrustNoteError>
        do throws(TrustNoteError) { trust = .success(try ImageTrust(notes: notes)) } catch { trust = .failure(error) }
        ownTrust = trust
        return trust
    }

    static func admit(_ bytes: UnsafeRawBufferPointer) throws(Refusal) -> Admitted {
        let trust: ImageTrust
        switch running {
        case .success(let own): trust = own
        case .failure(let error):
            var text = TextBuilder("this image takes no updates: ")
            text.add(string: error.reason)
            throw Refusal(reason: text.string)
        }
        let bundle: UpdateBundle
        do throws(BundleError) { bundle = try UpdateBundle(parsing: bytes) } catch { throw Refusal(reason: error.reason) }
        let refusal = { (reason: String) in Refusal(reason: reason, label: bundle.label) }
        let start = Clock.now()
        let verdict = bundle.verify(trustedKeys: trust.keys, architecture: ImageArchitecture.current.machine,
                                    runningSecurityVersion: trust.securityVersion)
        let verificationTime = Clock.now() - start
        if case .refused(let reason) = verdict { throw refusal(reason.reason) }
        do throws(Hotswap.Failure) { _ = try Hotswap.validate(bundle.image) } catch { throw refusal(error.reason) }
        if let reason = bundle.checkImageTrust(architecture: .current) { throw refusal(reason.reason) }
        return Admitted(image: bundle.image, label: bundle.label,
                        trust: ImageTrust(securityVersion: bundle.securityVersion, keys: bundle.trustedKeys),
                        verificationTime: verificationTime)
    }
}
