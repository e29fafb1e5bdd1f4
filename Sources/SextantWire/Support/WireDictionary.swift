/// Dictionaries travel as sequences of alternating keys and values, whatever their key type.
///
/// Swift's own `Dictionary` coding uses string coding keys for `String` keys, which have no field
/// number; the wire format instead writes `k0, v0, k1, v1, ...` for every key type. String and
/// integer keys are written in ascending order so equal dictionaries encode to equal bytes.
protocol WireEncodableDictionary {
    func wireEncodeEntries(into container: inout WireUnkeyedEncodingContainer) throws
}

/// The decoding side of ``WireEncodableDictionary``.
protocol WireDecodableDictionary {
    static func wireDecode(from container: inout WireUnkeyedDecodingContainer) throws -> Self
}

extension Dictionary: WireEncodableDictionary where Key: Encodable, Value: Encodable {
    func wireEncodeEntries(into container: inout WireUnkeyedEncodingContainer) throws {
        if Key.self == String.self {
            let byString = same(self, as: [String: Value].self)
            for (key, value) in byString.sorted(by: { $0.key < $1.key }) {
                try container.encode(key)
                try container.encode(value)
            }
        } else if Key.self == Int.self {
            let byInt = same(self, as: [Int: Value].self)
            for (key, value) in byInt.sorted(by: { $0.key < $1.key }) {
                try container.encode(key)
                try container.encode(value)
            }
        } else {
            for (key, value) in self {
                try container.encode(key)
                try container.encode(value)
            }
        }
    }
}

extension Dictionary: WireDecodableDictionary where Key: Decodable, Value: Decodable {
    static func wireDecode(from container: inout WireUnkeyedDecodingContainer) throws -> Self {
        var result: Self = [:]
        result.reserveCapacity(container.elementCount / 2)
        while !container.isAtEnd {
            let key = try container.decode(Key.self)
            guard !container.isAtEnd else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: container.codingPath,
                        debugDescription: "dictionary has a key without a value (odd number of elements)"
                    )
                )
            }
            result[key] = try container.decode(Value.self)
        }
        return result
    }
}
