public import SextantWire

/// A ``TrackEventsResponse`` answers every event of a batch — up to 1,000 outcomes, nearly all
/// "stored" with a position and a profile — and coding them through `Codable` containers cost
/// the service and its clients more than the rest of the response path. With the wire coder the
/// `outcomes` field is written and read here directly, as exactly the bytes of the generic
/// encoding (`LogBatch` does the same, see LogBatchCoding.swift); other coders take the generic path.
extension TrackEventsResponse {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if WireCodingCheck.isWire(encoder) {
            try container.encode(try EventOutcomePacking.pack(self.outcomes), forKey: .outcomes)
        } else {
            try container.encode(self.outcomes, forKey: .outcomes)
        }
        try container.encode(self.derivedEvents, forKey: .derivedEvents)
        try container.encode(self.head, forKey: .head)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if WireCodingCheck.isWire(decoder) {
            let packed = try container.decode([UInt8].self, forKey: .outcomes)
            do {
                self.outcomes = try EventOutcomePacking.unpack(packed)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .outcomes, in: container, debugDescription: "\(error)")
            }
        } else {
            self.outcomes = try container.decode([EventOutcome].self, forKey: .outcomes)
        }
        self.derivedEvents = try container.decode(UInt32.self, forKey: .derivedEvents)
        self.head = try container.decode(UInt64.self, forKey: .head)
    }
}

/// The body of an `[EventOutcome]` sequence field, by hand: each element is wire type 2, a
/// varint length and the message (fields 1 status, 2 position, 3 profile as varints; 4 errors as
/// a sequence of `FieldError` messages, coded generically since errors are rare).
enum EventOutcomePacking {
    private static let varint = UInt64(WireType.varint.rawValue)
    private static let lengthDelimited = UInt64(WireType.lengthDelimited.rawValue)

    static func pack(_ outcomes: [EventOutcome]) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(outcomes.count * 14)
        let encoder = WireEncoder()
        for outcome in outcomes {
            var errors: [UInt8] = []
            for error in outcome.errors {
                let body = try encoder.encode(error)
                errors.append(WireType.lengthDelimited.rawValue)
                Varint.append(UInt64(body.count), to: &errors)
                errors.append(contentsOf: body)
            }
            let length = 1 + Varint.encodedSize(of: UInt64(outcome.status.rawValue))
                + 1 + Varint.encodedSize(of: outcome.position)
                + 1 + Varint.encodedSize(of: outcome.profileID)
                + 1 + Varint.encodedSize(of: UInt64(errors.count)) + errors.count
            bytes.append(WireType.lengthDelimited.rawValue)
            Varint.append(UInt64(length), to: &bytes)
            bytes.append(UInt8(1 << 3 | Self.varint))
            Varint.append(UInt64(outcome.status.rawValue), to: &bytes)
            bytes.append(UInt8(2 << 3 | Self.varint))
            Varint.append(outcome.position, to: &bytes)
            bytes.append(UInt8(3 << 3 | Self.varint))
            Varint.append(outcome.profileID, to: &bytes)
            bytes.append(UInt8(4 << 3 | Self.lengthDelimited))
            Varint.append(UInt64(errors.count), to: &bytes)
            bytes.append(contentsOf: errors)
        }
        return bytes
    }

    static func unpack(_ packed: [UInt8]) throws -> [EventOutcome] {
        try packed.withUnsafeBytes { bytes in
            var outcomes: [EventOutcome] = []
            var reader = PackedReader(bytes: bytes, end: bytes.count, what: "outcomes")
            while !reader.isAtEnd {
                let message = try reader.element(index: outcomes.count)
                outcomes.append(try Self.outcome(bytes, message, index: outcomes.count))
                guard outcomes.count <= WireLimits.defaults.maxElementCount else { throw PackedReader.Problem("too many outcomes") }
            }
            return outcomes
        }
    }

    private static func outcome(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, index: Int) throws -> EventOutcome {
        var status: EventOutcome.Status?
        var position: UInt64?
        var profileID: UInt64?
        var errors: [FieldError]?
        var reader = PackedReader(bytes: bytes, start: range.lowerBound, end: range.upperBound, what: "outcome \(index)")
        while !reader.isAtEnd {
            let (field, wireType) = try reader.key()
            switch (field, wireType) {
            case (1, Self.varint):
                let raw = try reader.varint()
                guard raw <= UInt64(UInt8.max), let value = EventOutcome.Status(rawValue: UInt8(raw)) else {
                    throw PackedReader.Problem("outcome \(index) has an unknown status \(raw)")
                }
                status = value
            case (2, Self.varint): position = try reader.varint()
            case (3, Self.varint): profileID = try reader.varint()
            case (4, Self.lengthDelimited):
                let list = try reader.lengthDelimited()
                var inner = PackedReader(bytes: bytes, start: list.lowerBound, end: list.upperBound, what: "outcome \(index) errors")
                var decoded: [FieldError] = []
                while !inner.isAtEnd {
                    let element = try inner.element(index: decoded.count)
                    decoded.append(try WireDecoder().decode(FieldError.self, from: Array(UnsafeRawBufferPointer(rebasing: bytes[element]))))
                }
                errors = decoded
            default:
                try reader.skip(wireType)
            }
        }
        guard let status, let position, let profileID, let errors else {
            throw PackedReader.Problem("outcome \(index) lacks status, position, profileID or errors")
        }
        return EventOutcome(status: status, position: position, profileID: profileID, errors: errors)
    }
}

/// Reads hand-packed wire bytes: keys, varints, length-delimited ranges and sequence elements,
/// every length checked against the bytes that are there.
struct PackedReader {
    struct Problem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    let bytes: UnsafeRawBufferPointer
    let end: Int
    let what: String
    private(set) var offset: Int

    init(bytes: UnsafeRawBufferPointer, start: Int = 0, end: Int, what: String) {
        self.bytes = bytes
        self.offset = start
        self.end = end
        self.what = what
    }

    var isAtEnd: Bool { self.offset >= self.end }

    mutating func varint() throws -> UInt64 {
        do {
            return try Varint.read(from: self.bytes, at: &self.offset, end: self.end)
        } catch {
            throw Problem("\(self.what): bad varint at byte \(self.offset)")
        }
    }

    mutating func key() throws -> (field: UInt64, wireType: UInt64) {
        let key = try self.varint()
        return (key >> 3, key & 7)
    }

    mutating func lengthDelimited() throws -> Range<Int> {
        let length = try self.varint()
        guard length <= UInt64(self.end - self.offset) else { throw Problem("\(self.what) is truncated") }
        defer { self.offset += Int(length) }
        return self.offset..<self.offset + Int(length)
    }

    /// One sequence element holding a message: wire type 2, then a length-delimited body.
    mutating func element(index: Int) throws -> Range<Int> {
        guard self.bytes[self.offset] == WireType.lengthDelimited.rawValue else {
            throw Problem("\(self.what): element \(index) is not a message (wire type \(self.bytes[self.offset]))")
        }
        self.offset += 1
        return try self.lengthDelimited()
    }

    mutating func fixed64() throws -> UInt64 {
        guard self.end - self.offset >= 8 else { throw Problem("\(self.what) is truncated") }
        defer { self.offset += 8 }
        return UnsafeRawBufferPointer(rebasing: self.bytes[self.offset..<self.offset + 8]).loadUnaligned(as: UInt64.self).littleEndian
    }

    mutating func skip(_ wireType: UInt64) throws {
        switch wireType {
        case 0: _ = try self.varint()
        case 1, 5:
            let size = wireType == 1 ? 8 : 4
            guard self.end - self.offset >= size else { throw Problem("\(self.what) is truncated") }
            self.offset += size
        case 2: _ = try self.lengthDelimited()
        default: throw Problem("\(self.what): unknown wire type \(wireType)")
        }
    }
}
