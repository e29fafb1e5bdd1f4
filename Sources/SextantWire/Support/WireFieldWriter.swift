/// Writes message fields by hand, for the hot messages whose coders bypass `Codable` (see
/// `WireRawValues`). Each method writes exactly what `WireEncoder` writes for the same field.
public struct WireFieldWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 0) { self.bytes.reserveCapacity(capacity) }

    public mutating func removeAll() { self.bytes.removeAll(keepingCapacity: true) }

    private mutating func key(_ field: UInt64, _ type: WireType) {
        Varint.append(field << 3 | UInt64(type.rawValue), to: &self.bytes)
    }

    /// An unsigned integer field (or a raw-value enum's raw value).
    public mutating func varint(_ field: UInt64, _ value: UInt64) {
        self.key(field, .varint)
        Varint.append(value, to: &self.bytes)
    }

    /// A `Double` or `Date` field, given the `Double`'s bit pattern.
    public mutating func fixed64(_ field: UInt64, _ bits: UInt64) {
        self.key(field, .fixed64)
        withUnsafeBytes(of: bits.littleEndian) { self.bytes.append(contentsOf: $0) }
    }

    /// A string field.
    public mutating func text(_ field: UInt64, _ value: String) {
        var value = value
        value.withUTF8 { self.lengthDelimited(field, $0) }
    }

    /// A length-delimited field with the given body (bytes, a nested message, a sequence).
    public mutating func lengthDelimited(_ field: UInt64, _ body: some Collection<UInt8>) {
        self.key(field, .lengthDelimited)
        Varint.append(UInt64(body.count), to: &self.bytes)
        self.bytes.append(contentsOf: body)
    }

    /// The start of a sequence element holding a message of `length` bytes, whose fields the caller
    /// writes next: no intermediate buffer, for the hottest sequences.
    public mutating func beginElement(length: Int) {
        self.bytes.append(WireType.lengthDelimited.rawValue)
        Varint.append(UInt64(length), to: &self.bytes)
    }

    /// One element of a sequence field's body holding a message.
    public mutating func element(_ message: some Collection<UInt8>) {
        self.bytes.append(WireType.lengthDelimited.rawValue)
        Varint.append(UInt64(message.count), to: &self.bytes)
        self.bytes.append(contentsOf: message)
    }
}
