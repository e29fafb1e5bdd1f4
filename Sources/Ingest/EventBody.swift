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
        var fields = WireFieldWriter(capacity: 64 + self.metric.utf8.count)
        fields.text(4, self.metric)
        fields.fixed64(5, self.time.timeIntervalSinceReferenceDate.bitPattern)
        fields.fixed64(6, self.receivedAt.timeIntervalSinceReferenceDate.bitPattern)
        if let value = self.value {
            guard let decimal = WireRawValues.decimalText(value) else {
                throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: [], debugDescription: "a NaN Decimal cannot be encoded"))
            }
            fields.text(7, decimal)
        }
        if let uniqueID = self.uniqueID { fields.text(8, uniqueID) }
        fields.lengthDelimited(9, try WireEncoder().encode(self.properties))
        return fields.bytes
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
