public import Foundation
public import SextantWire

/// ingest-service decodes up to 1,000 events per request on its event loops; through `Codable`
/// containers that was the largest CPU cost of ingest after SQLite. With the wire coder the
/// `events` field is read here directly, accepting what the generic decoder accepts (unknown
/// fields skipped, absent optionals nil, absent properties empty). Clients (the gateway, the
/// CLI) encode as many; their `events` field is written here as the generic encoding's bytes.
/// Other coders take the generic path both ways.
extension TrackEventsRequest {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.accountID, forKey: .accountID)
        if WireCodingCheck.isWire(encoder) {
            try container.encode(try EventInputPacking.pack(self.events), forKey: .events)
        } else {
            try container.encode(self.events, forKey: .events)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.accountID = try container.decode(UInt64.self, forKey: .accountID)
        if WireCodingCheck.isWire(decoder) {
            let packed = try container.decode([UInt8].self, forKey: .events)
            do {
                self.events = try EventInputUnpacking.unpack(packed)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .events, in: container, debugDescription: "\(error)")
            }
        } else {
            self.events = try container.decode([EventInput].self, forKey: .events)
        }
    }
}

/// Reads the body of an `[EventInput]` sequence field.
enum EventInputUnpacking {
    private static let varint = UInt64(WireType.varint.rawValue)
    private static let fixed64 = UInt64(WireType.fixed64.rawValue)
    private static let lengthDelimited = UInt64(WireType.lengthDelimited.rawValue)

    static func unpack(_ packed: [UInt8]) throws -> [EventInput] {
        try packed.withUnsafeBytes { bytes in
            var events: [EventInput] = []
            var reader = WireFieldReader(bytes: bytes, end: bytes.count, what: "events")
            while !reader.isAtEnd {
                let message = try reader.element(index: events.count)
                events.append(try Self.event(bytes, message, index: events.count))
                guard events.count <= WireLimits.defaults.maxElementCount else { throw WireFieldReader.Problem("too many events") }
            }
            return events
        }
    }

    private static func event(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, index: Int) throws -> EventInput {
        var metric: String?
        var profile: ProfileIdentifiers?
        var time: Date?
        var value: Decimal?
        var uniqueID: String?
        var properties: [String: JSONValue] = [:]
        let what = "event \(index)"
        var reader = WireFieldReader(bytes: bytes, start: range.lowerBound, end: range.upperBound, what: what)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.key()
            switch (field, wireType) {
            case (1, Self.lengthDelimited): metric = try Self.string(bytes, try reader.lengthDelimited(), what: "\(what) metric")
            case (2, Self.lengthDelimited): profile = try Self.profile(bytes, try reader.lengthDelimited(), what: "\(what) profile")
            case (3, Self.fixed64): time = Date(timeIntervalSinceReferenceDate: Double(bitPattern: try reader.fixed64()))
            case (4, Self.lengthDelimited):
                let body = UnsafeRawBufferPointer(rebasing: bytes[try reader.lengthDelimited()])
                guard let decimal = WireRawValues.decimal(body) else { throw WireFieldReader.Problem("\(what) value is not plain decimal text") }
                value = decimal
            case (5, Self.lengthDelimited): uniqueID = try Self.string(bytes, try reader.lengthDelimited(), what: "\(what) uniqueID")
            case (6, Self.lengthDelimited):
                properties = try WireRawValues.jsonProperties(UnsafeRawBufferPointer(rebasing: bytes[try reader.lengthDelimited()]))
            case (1...6, _):
                throw WireFieldReader.Problem("\(what) field \(field) has wire type \(wireType)")
            default:
                try reader.skip(wireType)
            }
        }
        guard let metric, let profile else { throw WireFieldReader.Problem("\(what) lacks metric or profile") }
        return EventInput(metric: metric, profile: profile, time: time, value: value, uniqueID: uniqueID, properties: properties)
    }

    private static func profile(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, what: String) throws -> ProfileIdentifiers {
        var identifiers = ProfileIdentifiers()
        var reader = WireFieldReader(bytes: bytes, start: range.lowerBound, end: range.upperBound, what: what)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.key()
            switch (field, wireType) {
            case (1, Self.lengthDelimited): identifiers.email = try Self.string(bytes, try reader.lengthDelimited(), what: "\(what) email")
            case (2, Self.lengthDelimited): identifiers.phone = try Self.string(bytes, try reader.lengthDelimited(), what: "\(what) phone")
            case (3, Self.lengthDelimited):
                identifiers.externalID = try Self.string(bytes, try reader.lengthDelimited(), what: "\(what) externalID")
            case (1...3, _):
                throw WireFieldReader.Problem("\(what) field \(field) has wire type \(wireType)")
            default:
                try reader.skip(wireType)
            }
        }
        return identifiers
    }

    private static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, what: String) throws -> String {
        guard let text = WireRawValues.string(UnsafeRawBufferPointer(rebasing: bytes[range])) else {
            throw WireFieldReader.Problem("\(what) is not valid UTF-8")
        }
        return text
    }
}

/// Writes the body of an `[EventInput]` sequence field: for each event, wire type 2, a varint
/// length and the message (1 metric, 2 profile {1 email, 2 phone, 3 external id}, 3 time as
/// fixed64 seconds since 2001, 4 value as decimal text, 5 unique id, 6 properties), absent
/// optionals left out — the bytes of the synthesized encoding.
enum EventInputPacking {
    static func pack(_ events: [EventInput]) throws -> [UInt8] {
        var sequence = WireFieldWriter(capacity: events.count * 160)
        var message = WireFieldWriter(capacity: 256)
        var profile = WireFieldWriter(capacity: 64)
        for event in events {
            profile.removeAll()
            if let email = event.profile.email { profile.text(1, email) }
            if let phone = event.profile.phone { profile.text(2, phone) }
            if let external = event.profile.externalID { profile.text(3, external) }
            message.removeAll()
            message.text(1, event.metric)
            message.lengthDelimited(2, profile.bytes)
            if let time = event.time { message.fixed64(3, time.timeIntervalSinceReferenceDate.bitPattern) }
            if let value = event.value {
                guard let text = WireRawValues.decimalText(value) else {
                    throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: [], debugDescription: "a NaN Decimal cannot be encoded"))
                }
                message.text(4, text)
            }
            if let uniqueID = event.uniqueID { message.text(5, uniqueID) }
            message.lengthDelimited(6, try WireEncoder().encode(event.properties))
            sequence.element(message.bytes)
        }
        return sequence.bytes
    }
}
