/// Writes a sequence: elements one after another, each behind a one-byte wire-type header.
struct WireUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    private let state: WireEncodingState
    private let region: Int
    private let depth: Int
    private(set) var count = 0

    init(state: WireEncodingState, region: Int, depth: Int) {
        self.state = state
        self.region = region
        self.depth = depth
    }

    var codingPath: [any CodingKey] { self.state.codingPath(depth: self.depth) }

    @inline(__always)
    private mutating func element() throws -> PendingHeader {
        try self.state.activate(self.region, depth: self.depth)
        self.count += 1
        return .element
    }

    mutating func encodeNil() throws {
        _ = try self.element()
        self.state.bytes.append(WireType.null.rawValue)
    }

    mutating func encode(_ value: Bool) throws { self.state.writeBool(try self.element(), value) }
    mutating func encode(_ value: String) throws { self.state.writeString(try self.element(), value) }
    mutating func encode(_ value: Double) throws { self.state.writeDouble(try self.element(), value) }
    mutating func encode(_ value: Float) throws { self.state.writeFloat(try self.element(), value) }
    mutating func encode(_ value: Int) throws { self.state.writeSigned(try self.element(), Int64(value)) }
    mutating func encode(_ value: Int8) throws { self.state.writeSigned(try self.element(), Int64(value)) }
    mutating func encode(_ value: Int16) throws { self.state.writeSigned(try self.element(), Int64(value)) }
    mutating func encode(_ value: Int32) throws { self.state.writeSigned(try self.element(), Int64(value)) }
    mutating func encode(_ value: Int64) throws { self.state.writeSigned(try self.element(), value) }
    mutating func encode(_ value: UInt) throws { self.state.writeUnsigned(try self.element(), UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { self.state.writeUnsigned(try self.element(), UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { self.state.writeUnsigned(try self.element(), UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { self.state.writeUnsigned(try self.element(), UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { self.state.writeUnsigned(try self.element(), value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = self.count
        self.count += 1
        self.state.push(WireIndexKey(index: index), depth: self.depth)
        defer { self.state.pop(depth: self.depth) }
        try self.state.encodeValue(value, header: .element, region: self.region, depth: self.depth + 1)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(
            WireKeyedEncodingContainer<NestedKey>(state: self.state, region: self.openNested(), depth: self.depth + 1)
        )
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        WireUnkeyedEncodingContainer(state: self.state, region: self.openNested(), depth: self.depth + 1)
    }

    private mutating func openNested() -> Int {
        do {
            _ = try self.element()
        } catch {
            if self.state.deferredError == nil { self.state.deferredError = error as? EncodingError }
        }
        self.state.push(WireIndexKey(index: self.count - 1), depth: self.depth)
        self.state.bytes.append(WireType.lengthDelimited.rawValue)
        return self.state.openRegion()
    }

    mutating func superEncoder() -> any Encoder {
        let index = self.count
        self.count += 1
        self.state.push(WireIndexKey(index: index), depth: self.depth)
        return WireValueEncoder(state: self.state, header: .element, parentRegion: self.region, depth: self.depth + 1)
    }
}
