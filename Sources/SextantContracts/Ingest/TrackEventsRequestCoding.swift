public import Foundation
public import SextantWire

/// ingest-service decodes up to 1,000 events per request on its event loops; through `Codable`
/// containers that was the largest CPU cost of ingest after SQLite. With the wire coder the
/// `events` field is read here directly, accepting what the generic decoder accepts (unknown
/// fields skipped, absent optionals nil, absent properties empty). Encoding stays generic, and
/// other coders take the generic path both ways.
extension TrackEventsRequest {
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
            var reader = PackedReader(bytes: bytes, end: bytes.count, what: "events")
            while !reader.isAtEnd {
                let message = try reader.element(index: events.count)
                events.append(try Self.event(bytes, message, index: events.count))
                guard events.count <= WireLimits.defaults.maxElementCount else { throw PackedReader.Problem("too many events") }
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
        var reader = PackedReader(bytes: bytes, start: range.lowerBound, end: range.upperBound, what: what)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.key()
            switch (field, wireType) {
            case (1, Self.lengthDelimited): metric = try Self.string(bytes, try reader.lengthDelimited(), what: "\(what) metric")
            case (2, Self.lengthDelimited): profile = try Self.profile(bytes, try reader.lengthDelimited(), what: "\(what) profile")
            case (3, Self.fixed64): time = Date(timeIntervalSinceReferenceDate: Double(bitPattern: try reader.fixed64()))
            case (4, Self.lengthDelimited):
                let body = UnsafeRawBufferPointer(rebasing: bytes[try reader.lengthDelimited()])
                guard let decimal = WireRawValues.decimal(body) else { throw PackedReader.Problem("\(what) value is not plain decimal text") }
                value = decimal
            case (5, Self.lengthDelimited): uniqueID = try Self.string(bytes, try reader.lengthDelimited(), what: "\(what) uniqueID")
            case (6, Self.lengthDelimited):
                properties = try WireRawValues.jsonProperties(UnsafeRawBufferPointer(rebasing: bytes[try reader.lengthDelimited()]))
            case (1...6, _):
                throw PackedReader.Problem("\(what) field \(field) has wire type \(wireType)")
            default:
                try reader.skip(wireType)
            }
        }
        guard let metric, let profile else { throw PackedReader.Problem("\(what) lacks metric or profile") }
        return EventInput(metric: metric, profile: profile, time: time, value: value, uniqueID: uniqueID, properties: properties)
    }

    private static func profile(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, what: String) throws -> ProfileIdentifiers {
        var identifiers = ProfileIdentifiers()
        var reader = PackedReader(bytes: bytes, start: range.lowerBound, end: range.upperBound, what: what)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.key()
            switch (field, wireType) {
            case (1, Self.lengthDelimited): identifiers.email = try Self.string(bytes, try reader.lengthDelimited(), what: "\(what) email")
            case (2, Self.lengthDelimited): identifiers.phone = try Self.string(bytes, try reader.lengthDelimited(), what: "\(what) phone")
            case (3, Self.lengthDelimited):
                identifiers.externalID = try Self.string(bytes, try reader.lengthDelimited(), what: "\(what) externalID")
            case (1...3, _):
                throw PackedReader.Problem("\(what) field \(field) has wire type \(wireType)")
            default:
                try reader.skip(wireType)
            }
        }
        return identifiers
    }

    private static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, what: String) throws -> String {
        guard let text = WireRawValues.string(UnsafeRawBufferPointer(rebasing: bytes[range])) else {
            throw PackedReader.Problem("\(what) is not valid UTF-8")
        }
        return text
    }
}
