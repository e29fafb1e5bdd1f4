/// The `Decoder` handed to a value's `init(from:)`; also its single-value container.
final class WireValueDecoder: Decoder, SingleValueDecodingContainer {
    private let state: WireDecodingState
    private let value: WireValue
    private let depth: Int

    init(state: WireDecodingState, value: WireValue, depth: Int) {
        self.state = state
        self.value = value
        self.depth = depth
    }

    var codingPath: [any CodingKey] { self.state.codingPath(depth: self.depth) }
    var userInfo: [CodingUserInfoKey: Any] { self.state.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let table = try self.state.keyedFields(self.value, as: [String: Any].self, depth: self.depth)
        return KeyedDecodingContainer(WireKeyedDecodingContainer<Key>(state: self.state, table: table, depth: self.depth))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try self.state.unkeyedContainer(self.value, depth: self.depth)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        self
    }

    /// Runs `body` over this value's length-delimited bytes without copying them (for types with
    /// their own compact form, like `JSONValue`).
    func withLengthDelimitedBody<T>(as type: Any.Type, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        try body(try self.state.body(self.value, as: type, depth: self.depth))
    }

    // MARK: SingleValueDecodingContainer

    func decodeNil() -> Bool {
        self.value.wireType == .null || (self.value.bare && self.value.count == 0)
    }

    func decode(_ type: Bool.Type) throws -> Bool { try self.state.bool(self.value, depth: self.depth) }
    func decode(_ type: String.Type) throws -> String { try self.state.string(self.value, depth: self.depth) }
    func decode(_ type: Double.Type) throws -> Double {
        Double(bitPattern: try self.state.fixed64(self.value, as: type, depth: self.depth))
    }
    func decode(_ type: Float.Type) throws -> Float {
        Float(bitPattern: try self.state.fixed32(self.value, as: type, depth: self.depth))
    }
    func decode(_ type: Int.Type) throws -> Int { try self.state.signed(self.value, as: type, depth: self.depth) }
    func decode(_ type: Int8.Type) throws -> Int8 { try self.state.signed(self.value, as: type, depth: self.depth) }
    func decode(_ type: Int16.Type) throws -> Int16 { try self.state.signed(self.value, as: type, depth: self.depth) }
    func decode(_ type: Int32.Type) throws -> Int32 { try self.state.signed(self.value, as: type, depth: self.depth) }
    func decode(_ type: Int64.Type) throws -> Int64 { try self.state.signed(self.value, as: type, depth: self.depth) }
    func decode(_ type: UInt.Type) throws -> UInt { try self.state.unsigned(self.value, as: type, depth: self.depth) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try self.state.unsigned(self.value, as: type, depth: self.depth) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try self.state.unsigned(self.value, as: type, depth: self.depth) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try self.state.unsigned(self.value, as: type, depth: self.depth) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try self.state.unsigned(self.value, as: type, depth: self.depth) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try self.state.decodeValue(type, from: self.value, depth: self.depth)
    }
}
