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

/// The body of a `[LogEntry]` sequence field, written and read by hand: each element is a
/// message with fields 1 position, 2 account, 3 kind (varints) and 4 body (bytes).
enum LogEntryPacking {
    static func pack(_ entries: [LogEntry]) -> [UInt8] {
        var sequence = WireFieldWriter(capacity: entries.reduce(0) { $0 + $1.body.count + 32 })
        for entry in entries {
            // Replay's hottest loop: the message's length is computed so its fields go straight
            // into the sequence (one key byte per field, fields 1-4).
            let length = 1 + Varint.encodedSize(of: entry.position) + 1 + Varint.encodedSize(of: entry.accountID)
                + 1 + Varint.encodedSize(of: UInt64(entry.kind.rawValue))
                + 1 + Varint.encodedSize(of: UInt64(entry.body.count)) + entry.body.count
            sequence.beginElement(length: length)
            sequence.varint(1, entry.position)
            sequence.varint(2, entry.accountID)
            sequence.varint(3, UInt64(entry.kind.rawValue))
            sequence.lengthDelimited(4, entry.body)
        }
        return sequence.bytes
    }

    static func unpack(_ packed: [UInt8]) throws -> [LogEntry] {
        try packed.withUnsafeBytes { bytes in
            var entries: [LogEntry] = []
            var reader = WireFieldReader(bytes: bytes, end: bytes.count, what: "log entries")
            while !reader.isAtEnd {
                let message = try reader.element(index: entries.count)
                entries.append(try Self.entry(bytes, message, index: entries.count))
                guard entries.count <= WireLimits.defaults.maxElementCount else { throw WireFieldReader.Problem("too many log entries") }
            }
            return entries
        }
    }

    private static func entry(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, index: Int) throws -> LogEntry {
        var position: UInt64?
        var accountID: UInt64?
        var kind: LogEntry.Kind?
        var body: [UInt8]?
        var reader = WireFieldReader(bytes: bytes, start: range.lowerBound, end: range.upperBound, what: "log entry \(index)")
        let varint = UInt64(WireType.varint.rawValue)
        let lengthDelimited = UInt64(WireType.lengthDelimited.rawValue)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.key()
            switch (field, wireType) {
            case (1, varint): position = try reader.varint()
            case (2, varint): accountID = try reader.varint()
            case (3, varint):
                let raw = try reader.varint()
                guard raw <= UInt64(UInt8.max), let value = LogEntry.Kind(rawValue: UInt8(raw)) else {
                    throw WireFieldReader.Problem("log entry \(index) has an unknown kind \(raw)")
                }
                kind = value
            case (4, lengthDelimited): body = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[try reader.lengthDelimited()]))
            case (1...4, _): throw WireFieldReader.Problem("log entry \(index) field \(field) has wire type \(wireType)")
            default: try reader.skip(wireType)
            }
        }
        guard let position, let accountID, let kind, let body else {
            throw WireFieldReader.Problem("log entry \(index) lacks position, accountID, kind or body")
        }
        return LogEntry(position: position, accountID: accountID, kind: kind, body: body)
    }
}
