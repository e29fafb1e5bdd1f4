/// Reads message fields by hand, for the hot messages whose coders bypass `Codable`: keys,
/// varints, fixed64s, length-delimited ranges and sequence elements, every length checked
/// against the bytes that are there, so hostile input only ever gets an error.
public struct WireFieldReader {
    /// Malformed input, described with the reader's `what`.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    public let bytes: UnsafeRawBufferPointer
    public let end: Int
    /// What is being read, for error messages ("outcome 3").
    public let what: String
    public private(set) var offset: Int

    public init(bytes: UnsafeRawBufferPointer, start: Int = 0, end: Int, what: String) {
        self.bytes = bytes
        self.offset = start
        self.end = end
        self.what = what
    }

    public var isAtEnd: Bool { self.offset >= self.end }

    public mutating func varint() throws -> UInt64 {
        do {
            return try Varint.read(from: self.bytes, at: &self.offset, end: self.end)
        } catch {
            throw Problem("\(self.what): bad varint at byte \(self.offset)")
        }
    }

    /// The next key. Field numbers above 2^29−1 are refused, as the generic decoder refuses them.
    public mutating func key() throws -> (field: UInt64, wireType: UInt64) {
        let key = try self.varint()
        guard key >> 3 <= UInt64(FieldNumber.maximum) else {
            throw Problem("\(self.what): field number \(key >> 3) exceeds the maximum \(FieldNumber.maximum)")
        }
        return (key >> 3, key & 7)
    }

    /// The next length-delimited body; longer than the default length limit (16 MiB) is refused,
    /// as the generic decoder refuses it.
    public mutating func lengthDelimited() throws -> Range<Int> {
        let length = try self.varint()
        guard length <= UInt64(WireLimits.defaults.maxLength) else {
            throw Problem("\(self.what): a length-delimited value of \(length) bytes exceeds the limit \(WireLimits.defaults.maxLength)")
        }
        guard length <= UInt64(self.end - self.offset) else { throw Problem("\(self.what) is truncated") }
        defer { self.offset += Int(length) }
        return self.offset..<self.offset + Int(length)
    }

    /// One sequence element holding a message: wire type 2, then a length-delimited body.
    public mutating func element(index: Int) throws -> Range<Int> {
        guard self.offset < self.end else { throw Problem("\(self.what): element \(index) is missing") }
        guard self.bytes[self.offset] == WireType.lengthDelimited.rawValue else {
            throw Problem("\(self.what): element \(index) is not a message (wire type \(self.bytes[self.offset]))")
        }
        self.offset += 1
        return try self.lengthDelimited()
    }

    public mutating func fixed64() throws -> UInt64 {
        guard self.end - self.offset >= 8 else { throw Problem("\(self.what) is truncated") }
        defer { self.offset += 8 }
        return UnsafeRawBufferPointer(rebasing: self.bytes[self.offset..<self.offset + 8]).loadUnaligned(as: UInt64.self).littleEndian
    }

    public mutating func skip(_ wireType: UInt64) throws {
        switch wireType {
        case 0: _ = try self.varint()
        case 1, 5:
            let size = wireType == 1 ? 8 : 4
            guard self.end - self.offset >= size else { throw Problem("\(self.what) is truncated") }
            self.offset += size
        case 2: _ = try self.lengthDelimited()
        default: throw Problem("\(self.what): unknown wire type \(wireType)")
        }
    }
}
