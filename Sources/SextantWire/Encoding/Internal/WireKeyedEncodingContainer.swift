/// Writes a message: each value becomes a field keyed by its coding key's integer value.
struct WireKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    private let state: WireEncodingState
    private let region: Int
    private let depth: Int

    init(state: WireEncodingState, region: Int, depth: Int) {
        self.state = state
        self.region = region
        self.depth = depth
    }

    var codingPath: [any CodingKey] { self.state.codingPath(depth: self.depth) }

    @inline(__always)
    private func field(_ key: Key) throws -> PendingHeader {
        try self.state.activate(self.region, depth: self.depth)
        return .field(try self.state.fieldNumber(key, depth: self.depth))
    }

    /// An absent field is how a message says nil.
    mutating func encodeNil(forKey key: Key) throws {
        _ = try self.field(key)
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws { self.state.writeBool(try self.field(key), value) }
    mutating func encode(_ value: String, forKey key: Key) throws { self.state.writeString(try self.field(key), value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { self.state.writeDouble(try self.field(key), value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { self.state.writeFloat(try self.field(key), value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { self.state.writeSigned(try self.field(key), Int64(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { self.state.writeSigned(try self.field(key), Int64(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { self.state.writeSigned(try self.field(key), Int64(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { self.state.writeSigned(try self.field(key), Int64(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { self.state.writeSigned(try self.field(key), value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { self.state.writeUnsigned(try self.field(key), UInt64(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { self.state.writeUnsigned(try self.field(key), UInt64(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { self.state.writeUnsigned(try self.field(key), UInt64(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { self.state.writeUnsigned(try self.field(key), UInt64(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { self.state.writeUnsigned(try self.field(key), value) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let number = try self.state.fieldNumber(key, depth: self.depth)
        self.state.push(key, depth: self.depth)
        defer { self.state.pop(depth: self.depth) }
        try self.state.encodeValue(value, header: .field(number), region: self.region, depth: self.depth + 1)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let region = self.openNested(key)
        return KeyedEncodingContainer(
            WireKeyedEncodingContainer<NestedKey>(state: self.state, region: region, depth: self.depth + 1)
        )
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        WireUnkeyedEncodingContainer(state: self.state, region: self.openNested(key), depth: self.depth + 1)
    }

    /// Writes the field key of a nested message or sequence and opens its region. The Codable API
    /// cannot throw here, so a bad key is reported when the top-level encode returns.
    private func openNested(_ key: Key) -> Int {
        do {
            let header = try self.field(key)
            self.state.writeHeader(header, .lengthDelimited)
        } catch {
            if self.state.deferredError == nil { self.state.deferredError = error as? EncodingError }
        }
        self.state.push(key, depth: self.depth)
        return self.state.openRegion()
    }

    mutating func superEncoder() -> any Encoder {
        self.state.push(WireSuperKey(), depth: self.depth)
        return WireValueEncoder(
            state: self.state,
            header: .field(UInt64(FieldNumber.superclass)),
            parentRegion: self.region,
            depth: self.depth + 1
        )
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let number: UInt64
        do {
            number = try self.state.fieldNumber(key, depth: self.depth)
        } catch {
            if self.state.deferredError == nil { self.state.deferredError = error as? EncodingError }
            number = UInt64(FieldNumber.maximum)
        }
        self.state.push(key, depth: self.depth)
        return WireValueEncoder(state: self.state, header: .field(number), parentRegion: self.region, depth: self.depth + 1)
    }
}
