/// The `Encoder` handed to a value's `encode(to:)`; also its single-value container.
///
/// Nothing is written until the value asks for a container or encodes a scalar, because only
/// then is the wire type known (an enum with an `Int` raw value is a varint, a struct is a
/// length-delimited message).
final class WireValueEncoder: Encoder, SingleValueEncodingContainer {
    private let state: WireEncodingState
    private let header: PendingHeader
    private let parentRegion: Int
    private let depth: Int
    /// The region of the message or sequence this value opened, if it asked for a container.
    private var ownRegion: Int?
    private var wroteSomething = false

    init(state: WireEncodingState, header: PendingHeader, parentRegion: Int, depth: Int) {
        self.state = state
        self.header = header
        self.parentRegion = parentRegion
        self.depth = depth
    }

    var codingPath: [any CodingKey] { self.state.codingPath(depth: self.depth) }
    var userInfo: [CodingUserInfoKey: Any] { self.state.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(
            WireKeyedEncodingContainer<Key>(state: self.state, region: self.containerRegion(), depth: self.depth)
        )
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        WireUnkeyedEncodingContainer(state: self.state, region: self.containerRegion(), depth: self.depth)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        self
    }

    /// Opens the length-delimited region for this value's container, once. A second request (a
    /// subclass and its superclass sharing one encoder) continues the same message.
    private func containerRegion() -> Int {
        if let region = self.ownRegion {
            if self.state.isOpen(region) { return region }
            self.recordMisuse("a container was requested again after this value's message was closed")
        }
        self.prepare()
        self.state.writeHeader(self.header, .lengthDelimited)
        let region = self.state.isTopLevel(self.header) ? WireEncodingState.topLevelRegion : self.state.openRegion()
        self.ownRegion = region
        return region
    }

    /// Called after `encode(to:)` returns: an encoder that wrote nothing stands for an empty
    /// message, and the value's own region is closed.
    func finish() throws {
        if !self.wroteSomething {
            try self.state.activate(self.parentRegion, depth: self.depth)
            self.state.writeHeader(self.header, .lengthDelimited)
            if !self.state.isTopLevel(self.header) { self.state.writeVarint(0) }
        } else if let region = self.ownRegion {
            self.state.close(region)
        }
    }

    private func prepare() {
        self.wroteSomething = true
        do {
            try self.state.activate(self.parentRegion, depth: self.depth)
        } catch {
            self.recordMisuse("a value was encoded after a sibling value was started")
        }
    }

    private func recordMisuse(_ message: String) {
        if self.state.deferredError == nil {
            self.state.deferredError = EncodingError.invalidValue(
                message,
                EncodingError.Context(codingPath: self.codingPath, debugDescription: message)
            )
        }
    }

    @inline(__always)
    private func prepareScalar() throws {
        self.wroteSomething = true
        try self.state.activate(self.parentRegion, depth: self.depth)
    }

    /// Writes this value as one length-delimited value whose bytes `write` appends straight into
    /// the output (for types with their own compact form, like `JSONValue`).
    func encodeLengthDelimited(_ write: (inout [UInt8]) throws -> Void) throws {
        try self.prepareScalar()
        self.state.writeHeader(self.header, .lengthDelimited)
        if self.state.isTopLevel(self.header) {
            try write(&self.state.bytes)
        } else {
            let region = self.state.openRegion()
            try write(&self.state.bytes)
            self.state.close(region)
        }
    }

    // MARK: SingleValueEncodingContainer

    func encodeNil() throws {
        try self.prepareScalar()
        if case .element = self.header { self.state.bytes.append(WireType.null.rawValue) }
    }

    func encode(_ value: Bool) throws {
        try self.prepareScalar()
        self.state.writeBool(self.header, value)
    }

    func encode(_ value: String) throws {
        try self.prepareScalar()
        self.state.writeString(self.header, value)
    }

    func encode(_ value: Double) throws {
        try self.prepareScalar()
        self.state.writeDouble(self.header, value)
    }

    func encode(_ value: Float) throws {
        try self.prepareScalar()
        self.state.writeFloat(self.header, value)
    }

    func encode(_ value: Int) throws { try self.prepareScalar(); self.state.writeSigned(self.header, Int64(value)) }
    func encode(_ value: Int8) throws { try self.prepareScalar(); self.state.writeSigned(self.header, Int64(value)) }
    func encode(_ value: Int16) throws { try self.prepareScalar(); self.state.writeSigned(self.header, Int64(value)) }
    func encode(_ value: Int32) throws { try self.prepareScalar(); self.state.writeSigned(self.header, Int64(value)) }
    func encode(_ value: Int64) throws { try self.prepareScalar(); self.state.writeSigned(self.header, value) }
    func encode(_ value: UInt) throws { try self.prepareScalar(); self.state.writeUnsigned(self.header, UInt64(value)) }
    func encode(_ value: UInt8) throws { try self.prepareScalar(); self.state.writeUnsigned(self.header, UInt64(value)) }
    func encode(_ value: UInt16) throws { try self.prepareScalar(); self.state.writeUnsigned(self.header, UInt64(value)) }
    func encode(_ value: UInt32) throws { try self.prepareScalar(); self.state.writeUnsigned(self.header, UInt64(value)) }
    func encode(_ value: UInt64) throws { try self.prepareScalar(); self.state.writeUnsigned(self.header, value) }

    func encode<T: Encodable>(_ value: T) throws {
        // A wrapper forwarding to its wrapped value: the wrapped value takes this value's place.
        self.wroteSomething = true
        try self.state.encodeValue(value, header: self.header, region: self.parentRegion, depth: self.depth)
    }
}
