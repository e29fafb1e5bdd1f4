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
        var sequence = WireFieldWriter(capacity: outcomes.count * 14)
        var message = WireFieldWriter(capacity: 32)
        var errors = WireFieldWriter()
        let encoder = WireEncoder()
        for outcome in outcomes {
            errors.removeAll()
            for error in outcome.errors { errors.element(try encoder.encode(error)) }
            message.removeAll()
            message.varint(1, UInt64(outcome.status.rawValue))
            message.varint(2, outcome.position)
            message.varint(3, outcome.profileID)
            message.lengthDelimited(4, errors.bytes)
            sequence.element(message.bytes)
        }
        return sequence.bytes
    }

    static func unpack(_ packed: [UInt8]) throws -> [EventOutcome] {
        try packed.withUnsafeBytes { bytes in
            var outcomes: [EventOutcome] = []
            var reader = WireFieldReader(bytes: bytes, end: bytes.count, what: "outcomes")
            while !reader.isAtEnd {
                let message = try reader.element(index: outcomes.count)
                outcomes.append(try Self.outcome(bytes, message, index: outcomes.count))
                guard outcomes.count <= WireLimits.defaults.maxElementCount else { throw WireFieldReader.Problem("too many outcomes") }
            }
            return outcomes
        }
    }

    private static func outcome(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, index: Int) throws -> EventOutcome {
        var status: EventOutcome.Status?
        var position: UInt64?
        var profileID: UInt64?
        var errors: [FieldError]?
        var reader = WireFieldReader(bytes: bytes, start: range.lowerBound, end: range.upperBound, what: "outcome \(index)")
        while !reader.isAtEnd {
            let (field, wireType) = try reader.key()
            switch (field, wireType) {
            case (1, Self.varint):
                let raw = try reader.varint()
                guard raw <= UInt64(UInt8.max), let value = EventOutcome.Status(rawValue: UInt8(raw)) else {
                    throw WireFieldReader.Problem("outcome \(index) has an unknown status \(raw)")
                }
                status = value
            case (2, Self.varint): position = try reader.varint()
            case (3, Self.varint): profileID = try reader.varint()
            case (4, Self.lengthDelimited):
                let list = try reader.lengthDelimited()
                var inner = WireFieldReader(bytes: bytes, start: list.lowerBound, end: list.upperBound, what: "outcome \(index) errors")
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
            throw WireFieldReader.Problem("outcome \(index) lacks status, position, profileID or errors")
        }
        return EventOutcome(status: status, position: position, profileID: profileID, errors: errors)
    }
}

