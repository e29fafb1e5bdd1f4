public import SextantWire

/// The hot path of replay: a ``LogBatch`` carries up to thousands of entries, and coding each
/// one through `Codable` containers cost more than reading it from SQLite and sending it over
/// TLS together. With the wire coder, the `entries` field is written and read here directly —
/// the bytes are exactly those the generic path produces for `[LogEntry]` (a sequence of
/// length-delimited messages with fields 1–4), so peers see no difference. Other coders (JSON)
/// take the generic path.
extension LogBatch {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if WireCodingCheck.isWire(encoder) {
            try container.encode(LogEntryPacking.pack(self.entries), forKey: .entries)
        } else {
            try container.encode(self.entries, forKey: .entries)
        }
        try container.encode(self.head, forKey: .head)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if WireCodingCheck.isWire(decoder) {
            let packed = try container.decodeIfPresent([UInt8].self, forKey: .entries) ?? []
            do {
                self.entries = try LogEntryPacking.unpack(packed)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .entries, in: container, debugDescription: "\(error)")
            }
        } else {
            self.entries = try container.decode([LogEntry].self, forKey: .entries)
        }
        self.head = try container.decode(UInt64.self, forKey: .head)
    }
}

/// The body of a `[LogEntry]` sequence field, written and read by hand (see `proto-spec/encoding.md`:
/// each element is a one-byte wire type 2, a varint length and the message; the message's fields
/// are key varints `number << 3 | type` followed by their values).
enum LogEntryPacking {
    enum Problem: Error, CustomStringConvertible {
        case malformed(String)
        var description: String {
            switch self { case .malformed(let what): "log entries: \(what)" }
        }
    }

    private static let lengthDelimited = UInt64(WireType.lengthDelimited.rawValue)
    private static let varint = UInt64(WireType.varint.rawValue)

    static func pack(_ entries: [LogEntry]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.reduce(0) { $0 + $1.body.count + 32 })
        for entry in entries {
            let bodyLength = UInt64(entry.body.count)
            let messageLength = 1 + Varint.encodedSize(of: entry.position)
                + 1 + Varint.encodedSize(of: entry.accountID)
                + 1 + Varint.encodedSize(of: UInt64(entry.kind.rawValue))
                + 1 + Varint.encodedSize(of: bodyLength) + entry.body.count
            bytes.append(WireType.lengthDelimited.rawValue)
            Varint.append(UInt64(messageLength), to: &bytes)
            bytes.append(UInt8(1 << 3 | Self.varint))
            Varint.append(entry.position, to: &bytes)
            bytes.append(UInt8(2 << 3 | Self.varint))
            Varint.append(entry.accountID, to: &bytes)
            bytes.append(UInt8(3 << 3 | Self.varint))
            Varint.append(UInt64(entry.kind.rawValue), to: &bytes)
            bytes.append(UInt8(4 << 3 | Self.lengthDelimited))
            Varint.append(bodyLength, to: &bytes)
            bytes.append(contentsOf: entry.body)
        }
        return bytes
    }

    static func unpack(_ packed: [UInt8]) throws -> [LogEntry] {
        try packed.withUnsafeBytes { bytes in
            var entries: [LogEntry] = []
            var offset = 0
            while offset < bytes.count {
                guard bytes[offset] == WireType.lengthDelimited.rawValue else {
                    throw Problem.malformed("element \(entries.count) is not a message (wire type \(bytes[offset]))")
                }
                offset += 1
                let length = try Self.varint(bytes, &offset, end: bytes.count)
                guard length <= UInt64(bytes.count - offset) else { throw Problem.malformed("element \(entries.count) is truncated") }
                let end = offset + Int(length)
                entries.append(try Self.entry(bytes, from: offset, to: end, index: entries.count))
                offset = end
                guard entries.count <= WireLimits.defaults.maxElementCount else { throw Problem.malformed("too many entries") }
            }
            return entries
        }
    }

    private static func entry(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, index: Int) throws -> LogEntry {
        var position: UInt64?
        var accountID: UInt64?
        var kind: LogEntry.Kind?
        var body: [UInt8]?
        var offset = start
        while offset < end {
            let key = try Self.varint(bytes, &offset, end: end)
            let field = key >> 3
            switch (field, key & 7) {
            case (1, Self.varint): position = try Self.varint(bytes, &offset, end: end)
            case (2, Self.varint): accountID = try Self.varint(bytes, &offset, end: end)
            case (3, Self.varint):
                let raw = try Self.varint(bytes, &offset, end: end)
                guard raw <= UInt64(UInt8.max), let value = LogEntry.Kind(rawValue: UInt8(raw)) else {
                    throw Problem.malformed("entry \(index) has an unknown kind \(raw)")
                }
                kind = value
            case (4, Self.lengthDelimited):
                let length = try Self.varint(bytes, &offset, end: end)
                guard length <= UInt64(end - offset) else { throw Problem.malformed("entry \(index) body is truncated") }
                body = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)]))
                offset += Int(length)
            case (_, Self.varint):
                _ = try Self.varint(bytes, &offset, end: end)
            case (_, Self.lengthDelimited):
                let length = try Self.varint(bytes, &offset, end: end)
                guard length <= UInt64(end - offset) else { throw Problem.malformed("entry \(index) is truncated") }
                offset += Int(length)
            case (_, 1):
                guard end - offset >= 8 else { throw Problem.malformed("entry \(index) is truncated") }
                offset += 8
            case (_, 5):
                guard end - offset >= 4 else { throw Problem.malformed("entry \(index) is truncated") }
                offset += 4
            default:
                throw Problem.malformed("entry \(index) field \(field) has wire type \(key & 7), expected another")
            }
        }
        guard let position, let accountID, let kind, let body else {
            throw Problem.malformed("entry \(index) lacks position, accountID, kind or body")
        }
        return LogEntry(position: position, accountID: accountID, kind: kind, body: body)
    }

    private static func varint(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int, end: Int) throws -> UInt64 {
        do {
            return try Varint.read(from: bytes, at: &offset, end: end)
        } catch {
            throw Problem.malformed("bad varint at byte \(offset)")
        }
    }
}
