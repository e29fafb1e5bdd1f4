public import Foundation
public import SextantWire

/// Property names a log reader needs, as UTF-8: what ``LoggedEvent/init(body:keeping:)`` keeps.
public struct PropertyNames: Sendable {
    let utf8: [[UInt8]]

    public init(_ names: [String]) {
        self.utf8 = names.map { Array($0.utf8) }
    }
}

extension LoggedEvent {
    /// Decodes a log entry's body keeping only the properties named in `keeping`.
    ///
    /// A log follower that uses a few properties of an event would otherwise build the whole
    /// property dictionary (the largest part of an event, and most of the cost of decoding it).
    /// Here the top-level fields are read directly and the properties' values are decoded only
    /// for the names kept; the others are skipped by their length. The result equals the generic
    /// decoding with the other properties removed; input the generic decoder refuses is refused
    /// here too (`WireFieldReader.Problem` or `DecodingError`), except that the values of
    /// properties not kept are not checked.
    public init(body: [UInt8], keeping names: PropertyNames) throws {
        let varint = UInt64(WireType.varint.rawValue)
        let fixed64 = UInt64(WireType.fixed64.rawValue)
        let lengthDelimited = UInt64(WireType.lengthDelimited.rawValue)
        self = try body.withUnsafeBytes { bytes throws -> LoggedEvent in
            var position: UInt64?
            var accountID: UInt64?
            var profileID: UInt64?
            var metric: String?
            var time: Date?
            var receivedAt: Date?
            var value: Decimal?
            var uniqueID: String?
            var properties: [String: JSONValue]?
            var derivedFrom: UInt64?
            func text(_ range: Range<Int>, _ what: String) throws -> String {
                guard let text = WireRawValues.string(UnsafeRawBufferPointer(rebasing: bytes[range])) else {
                    throw WireFieldReader.Problem("event \(what) is not valid UTF-8")
                }
                return text
            }
            var reader = WireFieldReader(bytes: bytes, end: bytes.count, what: "event")
            while !reader.isAtEnd {
                let (field, wireType) = try reader.key()
                switch (field, wireType) {
                case (1, varint): position = try reader.varint()
                case (2, varint): accountID = try reader.varint()
                case (3, varint): profileID = try reader.varint()
                case (4, lengthDelimited): metric = try text(try reader.lengthDelimited(), "metric")
                case (5, fixed64): time = Date(timeIntervalSinceReferenceDate: Double(bitPattern: try reader.fixed64()))
                case (6, fixed64): receivedAt = Date(timeIntervalSinceReferenceDate: Double(bitPattern: try reader.fixed64()))
                case (7, lengthDelimited):
                    guard let decimal = WireRawValues.decimal(UnsafeRawBufferPointer(rebasing: bytes[try reader.lengthDelimited()])) else {
                        throw WireFieldReader.Problem("event value is not plain decimal text")
                    }
                    value = decimal
                case (8, lengthDelimited): uniqueID = try text(try reader.lengthDelimited(), "uniqueID")
                case (9, lengthDelimited):
                    properties = try WireRawValues.jsonProperties(UnsafeRawBufferPointer(rebasing: bytes[try reader.lengthDelimited()]), keeping: names.utf8)
                case (10, varint): derivedFrom = try reader.varint()
                case (1...10, _): throw WireFieldReader.Problem("event field \(field) has wire type \(wireType)")
                default: try reader.skip(wireType)
                }
            }
            guard let position, let accountID, let profileID, let metric, let time, let receivedAt, let properties, let derivedFrom else {
                throw WireFieldReader.Problem("event lacks a required field")
            }
            return LoggedEvent(
                position: position, accountID: accountID, profileID: profileID, metric: metric, time: time, receivedAt: receivedAt,
                value: value, uniqueID: uniqueID, properties: properties, derivedFrom: derivedFrom)
        }
    }
}
