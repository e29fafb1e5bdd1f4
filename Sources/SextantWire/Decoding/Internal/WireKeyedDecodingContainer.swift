/// Reads a message's fields by their coding keys' integer values.
struct WireKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    private let state: WireDecodingState
    private let table: WireFieldTable
    private let depth: Int

    init(state: WireDecodingState, table: WireFieldTable, depth: Int) {
        self.state = state
        self.table = table
        self.depth = depth
    }

    var codingPath: [any CodingKey] { self.state.codingPath(depth: self.depth) }

    var allKeys: [Key] {
        self.table.fields.compactMap { Key(intValue: $0.number) }
    }

    func contains(_ key: Key) -> Bool {
        guard let number = key.intValue else { return false }
        return self.table.find(number) != nil
    }

    @inline(__always)
    private func lookup(_ key: Key) -> WireValue? {
        guard let number = key.intValue else { return nil }
        return self.table.find(number)
    }

    @inline(__always)
    private func require(_ key: Key) throws -> WireValue {
        if let value = self.lookup(key) { return value }
        let detail = key.intValue.map { "no field \($0) ('\(key.stringValue)') in the message" }
            ?? "coding key '\(key.stringValue)' has no integer value"
        throw DecodingError.keyNotFound(key, DecodingError.Context(codingPath: self.codingPath, debugDescription: detail))
    }

    /// Runs `body` with `key` on the coding path, for errors raised while decoding the field.
    @inline(__always)
    private func decodeField<T>(_ key: Key, _ body: (WireValue, Int) throws -> T) throws -> T {
        let value = try self.require(key)
        self.state.push(key, depth: self.depth)
        defer { self.state.pop(depth: self.depth) }
        return try body(value, self.depth + 1)
    }

    @inline(__always)
    private func decodeFieldIfPresent<T>(_ key: Key, _ body: (WireValue, Int) throws -> T) throws -> T? {
        guard let value = self.lookup(key) else { return nil }
        self.state.push(key, depth: self.depth)
        defer { self.state.pop(depth: self.depth) }
        return try body(value, self.depth + 1)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        self.lookup(key) == nil
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try self.decodeField(key) { try self.state.bool($0, depth: $1) }
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try self.decodeField(key) { try self.state.string($0, depth: $1) }
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try self.decodeField(key) { Double(bitPattern: try self.state.fixed64($0, as: type, depth: $1)) }
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try self.decodeField(key) { Float(bitPattern: try self.state.fixed32($0, as: type, depth: $1)) }
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try self.decodeField(key) { try self.state.signed($0, as: type, depth: $1) } }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try self.decodeField(key) { try self.state.signed($0, as: type, depth: $1) } }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try self.decodeField(key) { try self.state.signed($0, as: type, depth: $1) } }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try self.decodeField(key) { try self.state.signed($0, as: type, depth: $1) } }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try self.decodeField(key) { try self.state.signed($0, as: type, depth: $1) } }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try self.decodeField(key) { try self.state.unsigned($0, as: type, depth: $1) } }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try self.decodeField(key) { try self.state.unsigned($0, as: type, depth: $1) } }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try self.decodeField(key) { try self.state.unsigned($0, as: type, depth: $1) } }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try self.decodeField(key) { try self.state.unsigned($0, as: type, depth: $1) } }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try self.decodeField(key) { try self.state.unsigned($0, as: type, depth: $1) } }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try self.decodeField(key) { try self.state.decodeValue(type, from: $0, depth: $1) }
    }

    // One lookup per optional field instead of the default contains + decodeNil + decode.
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try self.decodeFieldIfPresent(key) { try self.state.bool($0, depth: $1) }
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try self.decodeFieldIfPresent(key) { try self.state.string($0, depth: $1) }
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try self.decodeFieldIfPresent(key) { Double(bitPattern: try self.state.fixed64($0, as: type, depth: $1)) }
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try self.decodeFieldIfPresent(key) { try self.state.signed($0, as: type, depth: $1) }
    }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        try self.decodeFieldIfPresent(key) { try self.state.signed($0, as: type, depth: $1) }
    }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? {
        try self.decodeFieldIfPresent(key) { try self.state.unsigned($0, as: type, depth: $1) }
    }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
        try self.decodeFieldIfPresent(key) { try self.state.unsigned($0, as: type, depth: $1) }
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try self.decodeFieldIfPresent(key) { try self.state.decodeValue(type, from: $0, depth: $1) }
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let value = try self.require(key)
        self.state.push(key, depth: self.depth)
        let table = try self.state.keyedFields(value, as: [String: Any].self, depth: self.depth + 1)
        return KeyedDecodingContainer(
            WireKeyedDecodingContainer<NestedKey>(state: self.state, table: table, depth: self.depth + 1)
        )
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let value = try self.require(key)
        self.state.push(key, depth: self.depth)
        return try self.state.unkeyedContainer(value, depth: self.depth + 1)
    }

    /// The superclass value lives in field 0; absent means an empty message.
    func superDecoder() throws -> any Decoder {
        let value = self.table.find(FieldNumber.superclass) ?? WireValue(wireType: .lengthDelimited, start: 0, end: 0, bare: false)
        self.state.push(WireSuperKey(), depth: self.depth)
        return WireValueDecoder(state: self.state, value: value, depth: self.depth + 1)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        let value = self.lookup(key) ?? WireValue(wireType: .lengthDelimited, start: 0, end: 0, bare: false)
        self.state.push(key, depth: self.depth)
        return WireValueDecoder(state: self.state, value: value, depth: self.depth + 1)
    }
}
