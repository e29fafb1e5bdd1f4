public import Foundation

/// Field values read from raw wire bytes, for hand-written decoders of hot messages (see
/// `TrackEventsRequest` in SextantContracts). Each function accepts exactly what the generic
/// `WireDecoder` accepts for the same Swift type and returns nil (or throws) otherwise.
public enum WireRawValues {
    /// A string field's body: valid UTF-8, or nil.
    public static func string(_ body: UnsafeRawBufferPointer) -> String? {
        guard body.count <= WireLimits.defaults.maxLength else { return nil }
        return WireUTF8.string(body)
    }

    /// A `Decimal`'s field body as the encoder writes it (plain decimal text), or nil for NaN.
    public static func decimalText(_ value: Decimal) -> String? {
        WireDecimal.text(of: value)
    }

    /// A `Decimal` field's body (plain decimal text), or nil.
    public static func decimal(_ body: UnsafeRawBufferPointer) -> Decimal? {
        WireDecimal.parse(body)
    }

    /// A `[String: JSONValue]` field's body (alternating key and value elements), as the generic
    /// decoder reads it.
    public static func jsonProperties(_ body: UnsafeRawBufferPointer) throws -> [String: JSONValue] {
        try self.jsonProperties(body, keeping: nil)
    }

    /// The same, keeping only the members whose key's UTF-8 is one of `keys` (nil: all). The
    /// values of other members are skipped unread (their length is in their element header), but
    /// every key is still checked as the generic decoder checks it.
    public static func jsonProperties(_ body: UnsafeRawBufferPointer, keeping keys: [[UInt8]]?) throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        var offset = 0
        func fail(_ message: String) -> DecodingError {
            DecodingError.dataCorrupted(DecodingError.Context(codingPath: [], debugDescription: "properties: \(message)"))
        }
        func element() throws -> UnsafeRawBufferPointer {
            guard offset < body.count, body[offset] == WireType.lengthDelimited.rawValue else {
                throw fail("expected a length-delimited element at byte \(offset)")
            }
            offset += 1
            let length: UInt64
            do { length = try Varint.read(from: body, at: &offset, end: body.count) } catch { throw fail("bad length at byte \(offset)") }
            guard length <= UInt64(body.count - offset) else { throw fail("element runs past the end") }
            defer { offset += Int(length) }
            return UnsafeRawBufferPointer(rebasing: body[offset..<offset + Int(length)])
        }
        var count = 0
        while offset < body.count {
            let keyBytes = try element()
            guard offset < body.count else { throw fail("dictionary has a key without a value (odd number of elements)") }
            let valueBytes = try element()
            count += 2
            guard count <= WireLimits.defaults.maxElementCount else { throw fail("more than \(WireLimits.defaults.maxElementCount) elements") }
            if let keys, !keys.contains(where: { $0.elementsEqual(keyBytes) }) {
                guard WireUTF8.string(keyBytes) != nil else { throw fail("key is not valid UTF-8") }
                continue
            }
            guard let key = WireUTF8.string(keyBytes) else { throw fail("key is not valid UTF-8") }
            var reader = JSONValueCoding.Reader(bytes: valueBytes, path: { [] })
            let value = try reader.read(depth: 0)
            guard reader.offset == valueBytes.count else { throw reader.error("trailing bytes after the JSON value") }
            result[key] = value
        }
        return result
    }
}
