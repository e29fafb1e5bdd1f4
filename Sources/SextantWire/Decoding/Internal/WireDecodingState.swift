#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The input and bookkeeping of one `WireDecoder.decode` call.
///
/// Every read is bounds-checked against the value being read, never just against the whole
/// input, so a length inside a nested message cannot reach into its parent's next field.
final class WireDecodingState {
    let bytes: UnsafeRawBufferPointer
    let limits: WireLimits
    let userInfo: [CodingUserInfoKey: Any]
    /// Keys from the root to the value being decoded, for coding paths in errors.
    private var pathKeys: [any CodingKey] = []

    init(bytes: UnsafeRawBufferPointer, limits: WireLimits, userInfo: [CodingUserInfoKey: any Sendable]) {
        self.bytes = bytes
        self.limits = limits
        self.userInfo = userInfo
    }

    func decodeTopLevel<T: Decodable>(_ type: T.Type) throws -> T {
        let value = WireValue(wireType: .lengthDelimited, start: 0, end: self.bytes.count, bare: true)
        return try self.decodeValue(type, from: value, depth: 0)
    }

    // MARK: Coding path

    func codingPath(depth: Int) -> [any CodingKey] {
        Array(self.pathKeys.prefix(depth))
    }

    func push(_ key: any CodingKey, depth: Int) {
        while self.pathKeys.count > depth { self.pathKeys.removeLast() }
        self.pathKeys.append(key)
    }

    func pop(depth: Int) {
        while self.pathKeys.count > depth { self.pathKeys.removeLast() }
    }

    // MARK: Errors

    func corrupted(_ message: String, depth: Int) -> DecodingError {
        DecodingError.dataCorrupted(DecodingError.Context(codingPath: self.codingPath(depth: depth), debugDescription: message))
    }

    func mismatch(_ type: Any.Type, expected: WireType, found value: WireValue, depth: Int) -> DecodingError {
        if value.wireType == .null {
            return DecodingError.valueNotFound(
                type,
                DecodingError.Context(
                    codingPath: self.codingPath(depth: depth),
                    debugDescription: "expected \(type) but the element is null"
                )
            )
        }
        return DecodingError.typeMismatch(
            type,
            DecodingError.Context(
                codingPath: self.codingPath(depth: depth),
                debugDescription: "expected \(type) (\(expected)) but found a \(value.wireType) value"
            )
        )
    }

    // MARK: Reading value extents

    /// Reads a varint inside `offset..<end`.
    @inline(__always)
    func readVarint(at offset: inout Int, end: Int, depth: Int) throws -> UInt64 {
        do {
            return try Varint.read(from: self.bytes, at: &offset, end: end)
        } catch .truncated {
            throw self.corrupted("truncated varint at byte \(offset)", depth: depth)
        } catch {
            throw self.corrupted("varint longer than 64 bits at byte \(offset)", depth: depth)
        }
    }

    /// Reads the extent of a value of `wireType` starting at `offset`, advancing past it.
    @inline(__always)
    func readValue(_ wireType: WireType, at offset: inout Int, end: Int, depth: Int) throws -> WireValue {
        let start = offset
        switch wireType.rawValue {
        case 0:
            _ = try self.readVarint(at: &offset, end: end, depth: depth)
            return WireValue(wireType: wireType, start: start, end: offset, bare: false)
        case 1:
            guard end - offset >= 8 else { throw self.corrupted("truncated fixed64 at byte \(offset)", depth: depth) }
            offset += 8
            return WireValue(wireType: wireType, start: start, end: offset, bare: false)
        case 5:
            guard end - offset >= 4 else { throw self.corrupted("truncated fixed32 at byte \(offset)", depth: depth) }
            offset += 4
            return WireValue(wireType: wireType, start: start, end: offset, bare: false)
        case 2:
            let length = try self.readVarint(at: &offset, end: end, depth: depth)
            guard length <= UInt64(self.limits.maxLength) else {
                throw self.corrupted(
                    "length-delimited value exceeds the limit (max: \(self.limits.maxLength), actual: \(length))",
                    depth: depth
                )
            }
            guard length <= UInt64(end - offset) else {
                throw self.corrupted(
                    "length-delimited value runs past its enclosing value (length: \(length), available: \(end - offset))",
                    depth: depth
                )
            }
            let bodyStart = offset
            offset += Int(length)
            return WireValue(wireType: wireType, start: bodyStart, end: offset, bare: false)
        default:  // null: nothing follows
            return WireValue(wireType: wireType, start: start, end: start, bare: false)
        }
    }

    /// Splits a message into its fields; a repeated field number keeps its last value.
    func scanMessage(_ value: WireValue, depth: Int) throws -> [WireField] {
        var fields: [WireField] = []
        var offset = value.start
        var largest = -1
        // Built only once a field arrives out of order, so the common in-order message never
        // pays for it; with it, repeated and shuffled fields stay linear (the fuzzer found the
        // quadratic search this replaces).
        var indexByNumber: [Int: Int]?
        while offset < value.end {
            let key = try self.readVarint(at: &offset, end: value.end, depth: depth)
            let number = key >> 3
            guard number <= UInt64(FieldNumber.maximum) else {
                throw self.corrupted("field number \(number) exceeds the maximum \(FieldNumber.maximum)", depth: depth)
            }
            guard let wireType = WireType(rawValue: UInt8(key & 7), allowNull: false) else {
                throw self.corrupted("field \(number) has invalid wire type \(key & 7)", depth: depth)
            }
            let field = WireField(
                number: Int(number),
                value: try self.readValue(wireType, at: &offset, end: value.end, depth: depth)
            )
            if field.number > largest {
                largest = field.number
                indexByNumber?[field.number] = fields.count
                fields.append(field)
                continue
            }
            if indexByNumber == nil {
                var index: [Int: Int] = [:]
                index.reserveCapacity(fields.count + 1)
                for (position, existing) in fields.enumerated() { index[existing.number] = position }
                indexByNumber = index
            }
            if let existing = indexByNumber?[field.number] {
                fields[existing] = field
            } else {
                indexByNumber?[field.number] = fields.count
                fields.append(field)
            }
        }
        return fields
    }

    // MARK: Scalars

    @inline(__always)
    func varint(_ value: WireValue, as type: Any.Type, depth: Int) throws -> UInt64 {
        guard value.wireType == .varint || (value.bare && value.count > 0) else {
            throw self.mismatch(type, expected: .varint, found: value, depth: depth)
        }
        var offset = value.start
        let result = try self.readVarint(at: &offset, end: value.end, depth: depth)
        if value.bare && offset != value.end {
            throw self.corrupted("trailing bytes after a top-level varint", depth: depth)
        }
        return result
    }

    func bool(_ value: WireValue, depth: Int) throws -> Bool {
        switch try self.varint(value, as: Bool.self, depth: depth) {
        case 0: return false
        case 1: return true
        case let other: throw self.corrupted("Bool must be 0 or 1, found \(other)", depth: depth)
        }
    }

    @inline(__always)
    func signed<T: FixedWidthInteger & SignedInteger>(_ value: WireValue, as type: T.Type, depth: Int) throws -> T {
        let decoded = Varint.unzigzag(try self.varint(value, as: type, depth: depth))
        guard let result = T(exactly: decoded) else {
            throw self.corrupted("value \(decoded) does not fit \(type)", depth: depth)
        }
        return result
    }

    @inline(__always)
    func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ value: WireValue, as type: T.Type, depth: Int) throws -> T {
        let decoded = try self.varint(value, as: type, depth: depth)
        guard let result = T(exactly: decoded) else {
            throw self.corrupted("value \(decoded) does not fit \(type)", depth: depth)
        }
        return result
    }

    @inline(__always)
    func fixed64(_ value: WireValue, as type: Any.Type, depth: Int) throws -> UInt64 {
        guard value.count == 8, value.wireType == .fixed64 || value.bare else {
            throw self.mismatch(type, expected: .fixed64, found: value, depth: depth)
        }
        return UInt64(littleEndian: self.bytes.loadUnaligned(fromByteOffset: value.start, as: UInt64.self))
    }

    @inline(__always)
    func fixed32(_ value: WireValue, as type: Any.Type, depth: Int) throws -> UInt32 {
        guard value.count == 4, value.wireType == .fixed32 || value.bare else {
            throw self.mismatch(type, expected: .fixed32, found: value, depth: depth)
        }
        return UInt32(littleEndian: self.bytes.loadUnaligned(fromByteOffset: value.start, as: UInt32.self))
    }

    @inline(__always)
    func body(_ value: WireValue, as type: Any.Type, depth: Int) throws -> UnsafeRawBufferPointer {
        guard value.wireType == .lengthDelimited else {
            throw self.mismatch(type, expected: .lengthDelimited, found: value, depth: depth)
        }
        return UnsafeRawBufferPointer(rebasing: self.bytes[value.start..<value.end])
    }

    func string(_ value: WireValue, depth: Int) throws -> String {
        let body = try self.body(value, as: String.self, depth: depth)
        guard let string = WireUTF8.string(body) else {
            throw self.corrupted("string is not valid UTF-8", depth: depth)
        }
        return string
    }

    // MARK: Any value

    /// Decodes a value of any type: types with a fixed wire form directly, anything else through
    /// a child decoder.
    func decodeValue<T: Decodable>(_ type: T.Type, from value: WireValue, depth: Int) throws -> T {
        if T.self == String.self {
            return same(try self.string(value, depth: depth), as: T.self)
        } else if T.self == [UInt8].self {
            return same(Array(try self.body(value, as: type, depth: depth)), as: T.self)
        } else if T.self == Data.self {
            return same(Data(try self.body(value, as: type, depth: depth)), as: T.self)
        } else if T.self == Date.self {
            let seconds = Double(bitPattern: try self.fixed64(value, as: type, depth: depth))
            return same(Date(timeIntervalSinceReferenceDate: seconds), as: T.self)
        } else if T.self == Decimal.self {
            let text = try self.body(value, as: type, depth: depth)
            guard let decimal = WireDecimal.parse(text) else {
                throw self.corrupted("Decimal text is not plain notation like -12.50 (at most \(WireDecimal.maxTextLength) characters)", depth: depth)
            }
            return same(decimal, as: T.self)
        } else if T.self == UUID.self {
            let raw = try self.body(value, as: type, depth: depth)
            guard raw.count == 16 else {
                throw self.corrupted("UUID must be 16 bytes, found \(raw.count)", depth: depth)
            }
            let uuid = raw.loadUnaligned(as: uuid_t.self)
            return same(UUID(uuid: uuid), as: T.self)
        } else if T.self == URL.self {
            let text = try self.string(value, depth: depth)
            guard let url = URL(string: text) else {
                throw self.corrupted("invalid URL", depth: depth)
            }
            return same(url, as: T.self)
        } else if T.self == [String: JSONValue].self {
            var container = try self.unkeyedContainer(value, depth: depth)
            return same(try container.decodeJSONProperties(), as: T.self)
        } else if let dictionaryType = T.self as? any WireDecodableDictionary.Type {
            var container = try self.unkeyedContainer(value, depth: depth)
            return try dictionaryType.wireDecode(from: &container) as! T
        } else {
            return try T(from: WireValueDecoder(state: self, value: value, depth: depth))
        }
    }

    // MARK: Containers

    func checkDepth(_ depth: Int) throws {
        guard depth < self.limits.maxDepth else {
            throw self.corrupted("nesting exceeds the maximum depth (max: \(self.limits.maxDepth))", depth: depth)
        }
    }

    func keyedFields(_ value: WireValue, as type: Any.Type, depth: Int) throws -> WireFieldTable {
        try self.checkDepth(depth)
        guard value.wireType == .lengthDelimited else {
            throw self.mismatch(type, expected: .lengthDelimited, found: value, depth: depth)
        }
        return WireFieldTable(fields: try self.scanMessage(value, depth: depth))
    }

    func unkeyedContainer(_ value: WireValue, depth: Int) throws -> WireUnkeyedDecodingContainer {
        try self.checkDepth(depth)
        guard value.wireType == .lengthDelimited else {
            throw self.mismatch([Any].self, expected: .lengthDelimited, found: value, depth: depth)
        }
        return WireUnkeyedDecodingContainer(state: self, start: value.start, end: value.end, depth: depth)
    }
}

/// The fields of one message, looked up by number. Fields usually arrive in the order they are
/// decoded, so the next lookup starts where the last one matched.
final class WireFieldTable {
    let fields: [WireField]
    private var hint = 0

    init(fields: [WireField]) {
        self.fields = fields
    }

    @inline(__always)
    func find(_ number: Int) -> WireValue? {
        let count = self.fields.count
        if self.hint < count, self.fields[self.hint].number == number {
            self.hint += 1
            return self.fields[self.hint - 1].value
        }
        for index in 0..<count where self.fields[index].number == number {
            self.hint = index + 1
            return self.fields[index].value
        }
        return nil
    }
}
