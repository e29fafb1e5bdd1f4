/// Reads a sequence's elements in order; each starts with a one-byte wire-type header.
struct WireUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    private let state: WireDecodingState
    private let end: Int
    private let depth: Int
    private var offset: Int
    private(set) var currentIndex = 0

    init(state: WireDecodingState, start: Int, end: Int, depth: Int) {
        self.state = state
        self.offset = start
        self.end = end
        self.depth = depth
    }

    var codingPath: [any CodingKey] { self.state.codingPath(depth: self.depth) }

    var isAtEnd: Bool { self.offset >= self.end }

    /// The number of elements, found by skipping over them; `nil` when they do not parse.
    var count: Int? {
        var copy = self
        var total = self.currentIndex
        while !copy.isAtEnd {
            guard (try? copy.nextElement()) != nil else { return nil }
            total += 1
        }
        return total
    }

    /// The element count without the optional, 0 when they do not parse (used to size storage,
    /// which the limit on element counts keeps bounded).
    var elementCount: Int { min(self.count ?? 0, self.state.limits.maxElementCount) }

    private mutating func nextElement() throws -> WireValue {
        guard self.offset < self.end else {
            throw DecodingError.valueNotFound(
                Any.self,
                DecodingError.Context(codingPath: self.codingPath, debugDescription: "sequence has no more elements")
            )
        }
        guard self.currentIndex < self.state.limits.maxElementCount else {
            throw self.state.corrupted(
                "sequence exceeds the element limit (max: \(self.state.limits.maxElementCount))",
                depth: self.depth
            )
        }
        let header = self.state.bytes[self.offset]
        guard let wireType = WireType(rawValue: header, allowNull: true) else {
            throw self.state.corrupted("element \(self.currentIndex) has invalid header \(header)", depth: self.depth)
        }
        self.offset += 1
        let value = try self.state.readValue(wireType, at: &self.offset, end: self.end, depth: self.depth)
        self.currentIndex += 1
        return value
    }

    @inline(__always)
    private mutating func decodeElement<T>(_ body: (WireDecodingState, WireValue, Int) throws -> T) throws -> T {
        let index = self.currentIndex
        let value = try self.nextElement()
        let state = self.state
        let depth = self.depth
        state.push(WireIndexKey(index: index), depth: depth)
        defer { state.pop(depth: depth) }
        return try body(state, value, depth + 1)
    }

    /// The entries of a `[String: JSONValue]` (alternating keys and compact JSON values), read
    /// directly: the same result as the generic dictionary path, without a `Codable` call per entry.
    mutating func decodeJSONProperties() throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        result.reserveCapacity(self.elementCount / 2)
        while !self.isAtEnd {
            let key = try self.decode(String.self)
            guard !self.isAtEnd else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(codingPath: self.codingPath, debugDescription: "dictionary has a key without a value (odd number of elements)")
                )
            }
            result[key] = try self.decodeElement { state, value, depth in
                let body = try state.body(value, as: JSONValue.self, depth: depth)
                var reader = JSONValueCoding.Reader(bytes: body, path: { state.codingPath(depth: depth) })
                let parsed = try reader.read(depth: 0)
                guard reader.offset == body.count else { throw reader.error("trailing bytes after the JSON value") }
                return parsed
            }
        }
        return result
    }

    mutating func decodeNil() throws -> Bool {
        guard self.offset < self.end, self.state.bytes[self.offset] == WireType.null.rawValue else { return false }
        _ = try self.nextElement()
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try self.decodeElement { try $0.bool($1, depth: $2) } }
    mutating func decode(_ type: String.Type) throws -> String { try self.decodeElement { try $0.string($1, depth: $2) } }
    mutating func decode(_ type: Double.Type) throws -> Double {
        try self.decodeElement { Double(bitPattern: try $0.fixed64($1, as: type, depth: $2)) }
    }
    mutating func decode(_ type: Float.Type) throws -> Float {
        try self.decodeElement { Float(bitPattern: try $0.fixed32($1, as: type, depth: $2)) }
    }
    mutating func decode(_ type: Int.Type) throws -> Int { try self.decodeElement { try $0.signed($1, as: type, depth: $2) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try self.decodeElement { try $0.signed($1, as: type, depth: $2) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try self.decodeElement { try $0.signed($1, as: type, depth: $2) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try self.decodeElement { try $0.signed($1, as: type, depth: $2) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try self.decodeElement { try $0.signed($1, as: type, depth: $2) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try self.decodeElement { try $0.unsigned($1, as: type, depth: $2) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try self.decodeElement { try $0.unsigned($1, as: type, depth: $2) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try self.decodeElement { try $0.unsigned($1, as: type, depth: $2) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try self.decodeElement { try $0.unsigned($1, as: type, depth: $2) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try self.decodeElement { try $0.unsigned($1, as: type, depth: $2) } }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try self.decodeElement { try $0.decodeValue(type, from: $1, depth: $2) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let index = self.currentIndex
        let value = try self.nextElement()
        self.state.push(WireIndexKey(index: index), depth: self.depth)
        let table = try self.state.keyedFields(value, as: [String: Any].self, depth: self.depth + 1)
        return KeyedDecodingContainer(
            WireKeyedDecodingContainer<NestedKey>(state: self.state, table: table, depth: self.depth + 1)
        )
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let index = self.currentIndex
        let value = try self.nextElement()
        self.state.push(WireIndexKey(index: index), depth: self.depth)
        return try self.state.unkeyedContainer(value, depth: self.depth + 1)
    }

    mutating func superDecoder() throws -> any Decoder {
        let index = self.currentIndex
        let value = try self.nextElement()
        self.state.push(WireIndexKey(index: index), depth: self.depth)
        return WireValueDecoder(state: self.state, value: value, depth: self.depth + 1)
    }
}
