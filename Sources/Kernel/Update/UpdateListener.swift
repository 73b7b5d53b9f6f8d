import LiveUpdate
import Net

/// The update channel: on TCP port `liu.update-port=` (default 666) a client sends an 8-byte
/// little-endian length and then a signed bundle (docs/update-bundle.md). The bundle is
/// buffered in the heap, admitted or refused (`BundleAdmission`) and answered with one line,
/// `accepted <bundle bytes>` or `refused: <reason>`. An upload slower than `UploadPace` allows
/// is refused and its memory freed, so a stalled client cannot hold the only slot.
/// After a refusal the service goes on untouched; after an acceptance `startPendingUpdate`
/// (called from the service loop) saves the service's state and hotswaps to the image. If
/// that fails (the state does not fit, say) the connection gets `abandoned: <reason>` and the
/// service goes on. The connection itself lives on in the next kernel, which says nothing on it
/// until its trial ends: then `confirmed <label> downtime-ns total=…` from the new image, or
/// `rolled back to <label>: <reason>` from the known-good one; after a hard reset the
/// connection is gone. A client that sends `status\n` instead gets one status line
/// (`StatusLine`). docs/update-sequence.md, "The update channel".
final class UpdateListener {
    /// What a received image is for: the next kernel, or the known-good image kept for a
    /// rollback (`liu.rollback-port=`, default 667), registered at once and answered `accepted`.
    enum Role {
        case update, rollbackImage
    }

    static let defaultPort: UInt16 = 666
    static let defaultRollbackPort: UInt16 = 667
    static let maximumImageSize = 8 * 1024 * 1024
    /// How long the acceptance line may wait for its acknowledgement before the swap.
    static let answerWait: UInt64 = 500_000_000

    private let save: Hotswap.SaveHandler
    private let role: Role
    private var upload: ImageUpload?
    private var accepted: (upload: ImageUpload, image: UnsafeRawBufferPointer, updateStart: UInt64, acceptedAt: UInt64)?
    private let port: UInt16
    /// Whether the keys taken have been printed: after the downtime, since naming them hashes them.
    private var toldTrust = false

    /// Listens on the role's port; `save` writes the service's state at update time.
    /// Connections to it that came through an update (the client that pushed this very image)
    /// are told the verdict once the trial ends.
    init(network: NetworkService, role: Role, save: @escaping Hotswap.SaveHandler) throws(NetError) {
        self.save = save
        self.role = role
        let port = role == .update
            ? BootArguments.integer(for: "liu.update-port").flatMap { UInt16(exactly: $0) } ?? Self.defaultPort
            : BootArguments.integer(for: "liu.rollback-port").flatMap { UInt16(exactly: $0) } ?? Self.defaultRollbackPort
        self.port = port
        let listener = try network.listen(port: port, backlog: 4)
        listener.onAccept = { connection in self.begin(connection) }
        for connection in network.restoredConnections(port: port) { Self.tellVerdict(connection) }
        Console.write(role == .update ? "update: listening on TCP port " : "rollback: known-good image on TCP port ")
        Console.writeDecimal(UInt64(port))
        Console.newline()
    }

    /// Sends the client that pushed the image this kernel's verdict when the trial is confirmed.
    private static func tellVerdict(_ connection: TCPConnection) {
        guard let purpose = Trial.purpose else {
            _ = connection.write(Array("swapped\n".utf8))
            connection.close()
            return
        }
        Trial.whenConfirmed.append {
            var verdict = TextBuilder()
            if purpose == .rollback {
                verdict.add("rolled back to "); verdict.add(string: ImageVersion.label); verdict.add(": the image ")
                verdict.add(string: UpdateHistory.label); verdict.add(" failed its trial: "); verdict.add(string: UpdateHistory.reason)
            } else {
                verdict.add("confirmed "); verdict.add(string: ImageVersion.label); verdict.add(" ")
                UpdateDowntime.addSummary(to: &verdict)
            }
            verdict.add("\n")
            _ = connection.write(verdict.bytes)
            connection.close()
        }
    }

    private func begin(_ connection: TCPConnection) {
        guard upload == nil, accepted == nil else {
            _ = connection.write(Array("refused: another update is in progress\n".utf8))
            connection.close()
            return
        }
        let current = ImageUpload(connection, now: Clock.now())
        upload = current
        connection.onReadable = { self.receive(current) }
        connection.onClosed = { _ in
            if self.upload === current {
                var reason = TextBuilder("connection lost after ")
                reason.add(current.received)
                reason.add(" bytes")
                self.refuse(current, reason)
            }
            connection.onReadable = nil
            connection.onClosed = nil
        }
    }

    private func receive(_ current: ImageUpload) {
        guard upload === current else { return }
        switch current.read(now: Clock.now()) {
        case .incomplete: return
        case .statusRequest:
            _ = current.connection.write(StatusLine.text(port: role))
            current.connection.close()
            upload = nil
        case .endedEarly:
            var reason = TextBuilder("connection closed after ")
            reason.add(current.received); reason.add(" of "); reason.add(current.expected); reason.add(" bundle bytes")
            refuse(current, reason)
        case .empty:
            refuse(current, TextBuilder("empty bundle"))
        case .tooLarge(let length):
            var reason = TextBuilder("a bundle of ")
            reason.add(byteSize: length); reason.add(" exceeds the maximum of "); reason.add(byteSize: UInt64(Self.maximumImageSize))
            refuse(current, reason)
        case .noRoom(let length):
            var reason = TextBuilder("no room for ")
            reason.add(byteSize: UInt64(length)); reason.add(" in the heap")
            refuse(current, reason)
        case .complete(let bundle):
            let admitted: BundleAdmission.Admitted
            do throws(BundleAdmission.Refusal) { admitted = try BundleAdmission.admit(bundle) } catch {
                refuse(current, error.reason, label: error.label)
                return
            }
            let image = admitted.image
            do throws(Hotswap.Failure) {
                if role == .update { try? RollbackSlot.stageCandidate(image) } else { try RollbackSlot.register(image) }
            } catch {
                refuse(current, error.reason, label: admitted.label)
                return
            }
            var answer = TextBuilder(role == .update ? "accepted " : "registered ")
            answer.add(bundle.count)
            answer.add("\n")
            _ = current.connection.write(answer.bytes)
            upload = nil
            Console.write(role == .update ? "update: accepted " : "rollback: registered as the known-good image ")
            if admitted.label.isEmpty { Console.write("an image") } else { Console.write(admitted.label) }
            Console.write(" (")
            Console.writeDecimal(UInt64(image.count))
            Console.write(" bytes, ")
            Console.write(admitted.trust.summary)
            Console.write("); ")
            Console.write("signature and digest verified in ")
            Console.writeMilliseconds(nanoseconds: admitted.verificationTime)
            Console.newline()
            if role == .update {
                accepted = (current, image, Arch.counter(), Clock.now())
            } else {
                current.connection.close()
                current.release()
            }
        }
    }

    private func refuse(_ current: ImageUpload, _ reason: TextBuilder) {
        refuse(current, reason.string)
    }

    /// Refuses the upload; `label` is the refused bundle's, when it is known.
    private func refuse(_ current: ImageUpload, _ reason: String, label: String = "") {
        if role == .update { UpdateHistory.note(.refused, label: label, reason: reason) }
        finish(current, verdict: "refused", reason)
        upload = nil
    }

    /// Logs and answers `<verdict>: <reason>`, closes the connection and frees the image.
    private func finish(_ current: ImageUpload, verdict: StaticString, _ reason: String) {
        Console.write("update: ")
        Console.write(verdict)
        Console.write(": ")
        Console.write(reason)
        Console.newline()
        var answer = TextBuilder(verdict)
        answer.add(": ")
        answer.add(string: reason)
        answer.add("\n")
        _ = current.connection.write(answer.bytes)
        current.connection.close()
        current.release()
    }

    /// Runs after each round of the service loop: drops an upload that is too slow, then
    /// starts an accepted update.
    func afterRound() {
        if !toldTrust { tellTrust() }
        if let current = upload, let reason = current.stall(now: Clock.now()) {
            var text = TextBuilder("the upload was too slow: ")
            text.add(string: reason)
            refuse(current, text)
        }
        if role == .update { startPendingUpdate() }
    }

    private func tellTrust() {
        toldTrust = true
        // Two literals chosen by a ternary printed "rollback8" on aarch64 (Swift 6.3.1, -Osize):
        // the whole prefix is written by one branch or the other instead.
        if role == .update { Console.write("update: port ") } else { Console.write("rollback: port ") }
        Console.writeDecimal(UInt64(port))
        Console.write(" ")
        switch BundleAdmission.running {
        case .success(let trust):
            Console.write("takes bundles signed by ")
            Console.write(trust.keyList)
            Console.write(" at security version ")
            Console.writeDecimal(trust.securityVersion)
            Console.write(" or later\n")
        case .failure(let error):
            Console.write("takes no bundle: ")
            Console.write(error.reason)
            Console.newline()
        }
    }

    /// Once the acceptance line has been acknowledged (or half a second passed), stops the
    /// service, saves its state and hotswaps. Returns only if that failed, and then the
    /// service goes on.
    private func startPendingUpdate() {
        guard let (current, image, updateStart, acceptedAt) = accepted,
              current.connection.unacknowledgedBytes == 0 || Clock.now() >= acceptedAt + Self.answerWait else { return }
        accepted = nil
        Console.write("update: answer delivered after ")
        Console.writeMilliseconds(nanoseconds: Clock.now() - acceptedAt)
        Console.newline()
        do throws(Hotswap.Failure) {
            try Hotswap.update(to: image, updateStart: updateStart, save: save)
        } catch {
            Arch.enableInterrupts()
            UpdateHistory.note(.abandoned, label: ImageVersion.label(in: image) ?? "", reason: error.reason)
            finish(current, verdict: "abandoned", error.reason)
        }
    }
}
