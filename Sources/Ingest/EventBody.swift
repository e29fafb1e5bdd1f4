public import Foundation
public import SextantContracts
public import SextantWire

/// The fields of a ``LoggedEvent`` known before the writer assigns its position and profile,
/// encoded by the caller's task so the single writer thread does not encode properties.
///
/// The wire encoding of a message is its fields in any order, so appending fields 1–3
/// (position, account, profile) to these bytes gives a complete ``LoggedEvent``; the field
/// numbers here must therefore stay equal to ``LoggedEvent``'s.
struct EventBody: Encodable {
    var metric: String
    var time: Date
    var receivedAt: Date
    var value: Decimal?
    var uniqueID: String?
    var properties: [String: JSONValue]

    enum CodingKeys: Int, CodingKey {
        case metric = 4, time, receivedAt, value, uniqueID, properties
    }

    /// The fields above in the wire encoding — the bytes the synthesized `Encodable` conformance
    /// gives (a test compares them), written directly: this runs for every stored event.
    func encodedFields() throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + self.metric.utf8.count)
        func key(_ field: UInt64, _ type: WireType) { Varint.append(field << 3 | UInt64(type.rawValue), to: &bytes) }
        func text(_ field: UInt64, _ value: String) {
            key(field, .lengthDelimited)
            var value = value
            value.withUTF8 { utf8 in
                Varint.append(UInt64(utf8.count), to: &bytes)
                bytes.append(contentsOf: utf8)
            }
        }
        func date(_ field: UInt64, _ value: Date) {
            key(field, .fixed64)
            withUnsafeBytes(of: value.timeIntervalSinceReferenceDate.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        text(4, self.metric)
        date(5, self.time)
        date(6, self.receivedAt)
        if let value = self.value {
            guard let decimal = WireRawValues.decimalText(value) else {
                throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: [], debugDescription: "a NaN Decimal cannot be encoded"))
            }
            text(7, decimal)
        }
        if let uniqueID = self.uniqueID { text(8, uniqueID) }
        let properties = try WireEncoder().encode(self.properties)
        key(9, .lengthDelimited)
        Varint.append(UInt64(properties.count), to: &bytes)
        bytes.append(contentsOf: properties)
        return bytes
    }

    /// `prefix` followed by fields 1 (position), 2 (account), 3 (profile) and 10 (derived from):
    /// a ``LoggedEvent``.
    static func complete(_ prefix: [UInt8], position: UInt64, accountID: UInt64, profileID: UInt64, derivedFrom: UInt64) -> [UInt8] {
        var bytes = prefix
        bytes.reserveCapacity(prefix.count + 32)
        for (field, value) in [(UInt64(1), position), (2, accountID), (3, profileID), (10, derivedFrom)] {
            Varint.append(field << 3 | UInt64(WireType.varint.rawValue), to: &bytes)
            Varint.append(value, to: &bytes)
        }
        return bytes
    }
}
