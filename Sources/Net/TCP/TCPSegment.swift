public struct TCPFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let fin = TCPFlags(rawValue: 0x01)
    public static let syn = TCPFlags(rawValue: 0x02)
    public static let rst = TCPFlags(rawValue: 0x04)
    public static let psh = TCPFlags(rawValue: 0x08)
    public static let ack = TCPFlags(rawValue: 0x10)
}

/// The options the stack understands (RFC 9293 MSS, RFC 7323 window scale); others are skipped.
struct TCPOptions: Equatable {
    var mss: UInt16?
    var windowScale: UInt8?

    static let maximumWindowScale: UInt8 = 14

    /// Parses the option area; throws `.badOptions` for lengths that overrun it or are illegal.
    init(parsing area: UnsafeRawBufferPointer) throws(DropReason) {
        var offset = 0
        while offset < area.count {
            let kind = area.u8(offset)
            if kind == 0 { break }                       // end of option list
            if kind == 1 { offset += 1; continue }       // no-operation
            guard offset + 1 < area.count else { throw .badOptions }
            let length = Int(area.u8(offset + 1))
            guard length >= 2, length <= area.count - offset else { throw .badOptions }
            switch kind {
            case 2:
                guard length == 4 else { throw .badOptions }
                mss = area.u16(offset + 2)
            case 3:
                guard length == 3 else { throw .badOptions }
                windowScale = min(area.u8(offset + 2), Self.maximumWindowScale)
            default:
                break
            }
            offset += length
        }
    }

    init(mss: UInt16? = nil, windowScale: UInt8? = nil) {
        self.mss = mss
        self.windowScale = windowScale
    }

    /// Encoded size, padded to a multiple of 4.
    var encodedSize: Int { (mss != nil ? 4 : 0) + (windowScale != nil ? 4 : 0) }

    func write(to area: UnsafeMutableRawBufferPointer) {
        var offset = 0
        if let mss {
            area.put8(2, at: offset); area.put8(4, at: offset + 1); area.put16(mss, at: offset + 2)
            offset += 4
        }
        if let windowScale {
            area.put8(1, at: offset); area.put8(3, at: offset + 1); area.put8(3, at: offset + 2)
            area.put8(windowScale, at: offset + 3)
        }
    }
}

/// A received TCP segment (RFC 9293 section 3.1). `payload` points into the received frame.
struct TCPSegment {
    static let headerSize = 20

    var sourcePort: UInt16
    var destinationPort: UInt16
    var seq: SeqNum
    var ack: SeqNum
    var flags: TCPFlags
    var window: UInt16
    var options: TCPOptions
    var payload: UnsafeRawBufferPointer

    /// SEG.LEN: payload plus one for each of SYN and FIN.
    var length: Int { payload.count + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0) }

    /// Validates lengths, data offset, options and the checksum over the pseudo-header.
    init(parsing segment: UnsafeRawBufferPointer, source: IPv4Address, destination: IPv4Address) throws(DropReason) {
        guard segment.count >= Self.headerSize else { throw .truncated }
        let headerLength = Int(segment.u8(12) >> 4) * 4
        guard headerLength >= Self.headerSize, headerLength <= segment.count else { throw .badHeaderLength }
        var checksum = pseudoHeaderChecksum(source: source, destination: destination,
                                            protocolNumber: IPProtocol.tcp, length: segment.count)
        checksum.add(segment)
        guard checksum.value == 0 else { throw .badChecksum }
        sourcePort = segment.u16(0)
        destinationPort = segment.u16(2)
        seq = SeqNum(segment.u32(4))
        ack = SeqNum(segment.u32(8))
        flags = TCPFlags(rawValue: segment.u8(13) & 0x1F)
        window = segment.u16(14)
        options = try TCPOptions(parsing: segment.slice(Self.headerSize, headerLength - Self.headerSize)!)
        payload = segment.slice(headerLength, segment.count - headerLength)!
    }
}

/// The header of a segment to send.
struct OutgoingSegment {
    var sourcePort: UInt16
    var destinationPort: UInt16
    var seq: SeqNum
    var ack: SeqNum
    var flags: TCPFlags
    var window: UInt16
    var options = TCPOptions()

    var headerSize: Int { TCPSegment.headerSize + options.encodedSize }

    /// Writes the header into `segment` (whose payload is already in place) and the checksum.
    func write(to segment: UnsafeMutableRawBufferPointer, source: IPv4Address, destination: IPv4Address) {
        segment.put16(sourcePort, at: 0)
        segment.put16(destinationPort, at: 2)
        segment.put32(seq.raw, at: 4)
        segment.put32(ack.raw, at: 8)
        segment.put8(UInt8(headerSize / 4) << 4, at: 12)
        segment.put8(flags.rawValue, at: 13)
        segment.put16(window, at: 14)
        segment.put32(0, at: 16)                   // checksum, urgent pointer
        options.write(to: segment.slice(TCPSegment.headerSize, options.encodedSize))
        var checksum = pseudoHeaderChecksum(source: source, destination: destination,
                                            protocolNumber: IPProtocol.tcp, length: segment.count)
        checksum.add(UnsafeRawBufferPointer(segment))
        segment.put16(checksum.value, at: 16)
    }
}
