#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A JSON document carried exactly: event and profile properties are free-form JSON.
///
/// Numbers are `Decimal`, so money and identifiers written as numbers survive unchanged. With
/// JSON coders it reads and writes plain JSON; on the wire it is one length-delimited value in a
/// compact tagged form (see `proto-spec/encoding.md`, "JSON values").
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: Codable {
    public func encode(to encoder: any Encoder) throws {
        if let wire = encoder as? WireValueEncoder {
            // The coding path is built only if an error needs it.
            let path = { encoder.codingPath }
            try wire.encodeLengthDelimited { bytes in try JSONValueCoding.write(self, into: &bytes, path: path) }
            return
        }
        // Any other encoder (JSON): plain JSON.
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public init(from decoder: any Decoder) throws {
        if let wire = decoder as? WireValueDecoder {
            let path = { decoder.codingPath }
            self = try wire.withLengthDelimitedBody(as: JSONValue.self) { buffer in
                var reader = JSONValueCoding.Reader(bytes: buffer, path: path)
                let value = try reader.read(depth: 0)
                guard reader.offset == buffer.count else { throw reader.error("trailing bytes after the JSON value") }
                return value
            }
            return
        }
        // Any other decoder (JSON): whichever JSON kind the value is.
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Decimal.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}

/// The compact form of a JSON value on the wire: a tag byte, then the value (see
/// `proto-spec/encoding.md`). Smaller than a message per value, since JSON values nest deeply
/// and are mostly short.
enum JSONValueCoding {
    static let null: UInt8 = 0, falseTag: UInt8 = 1, trueTag: UInt8 = 2, integer: UInt8 = 3
    static let decimal: UInt8 = 4, string: UInt8 = 5, array: UInt8 = 6, object: UInt8 = 7
    /// Deepest nesting accepted when reading (PRODUCT.md allows 10 for event properties).
    static let maxDepth = 64

    static func write(_ value: JSONValue, into bytes: inout [UInt8], path: () -> [any CodingKey], depth: Int = 0) throws {
        guard depth < Self.maxDepth else {
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(codingPath: path(), debugDescription: "JSON value nests deeper than \(Self.maxDepth) levels")
            )
        }
        switch value {
        case .null:
            bytes.append(Self.null)
        case .bool(let flag):
            bytes.append(flag ? Self.trueTag : Self.falseTag)
        case .number(let number):
            if let integer = Self.exactInteger(number) {
                bytes.append(Self.integer)
                Varint.append(Varint.zigzag(integer), to: &bytes)
            } else {
                guard let text = WireDecimal.text(of: number) else {
                    throw EncodingError.invalidValue(number, EncodingError.Context(codingPath: path(), debugDescription: "a NaN number cannot be encoded"))
                }
                bytes.append(Self.decimal)
                Self.appendText(text, to: &bytes)
            }
        case .string(let text):
            bytes.append(Self.string)
            Self.appendText(text, to: &bytes)
        case .array(let elements):
            bytes.append(Self.array)
            Varint.append(UInt64(elements.count), to: &bytes)
            for element in elements { try Self.write(element, into: &bytes, path: path, depth: depth + 1) }
        case .object(let members):
            bytes.append(Self.object)
            Varint.append(UInt64(members.count), to: &bytes)
            for key in members.keys.sorted() {
                Self.appendText(key, to: &bytes)
                try Self.write(members[key]!, into: &bytes, path: path, depth: depth + 1)
            }
        }
    }

    private static func appendText(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            Varint.append(UInt64(utf8.count), to: &bytes)
            bytes.append(contentsOf: utf8)
        }
    }

    /// The value as an Int64 when it is a whole number that fits, so it travels as a varint.
    private static func exactInteger(_ number: Decimal) -> Int64? {
        WireDecimal.exactInteger(number)
    }

    struct Reader {
        let bytes: UnsafeRawBufferPointer
        let path: () -> [any CodingKey]
        var offset = 0

        init(bytes: UnsafeRawBufferPointer, path: @escaping () -> [any CodingKey]) {
            self.bytes = bytes
            self.path = path
        }

        func error(_ message: String) -> DecodingError {
            DecodingError.dataCorrupted(DecodingError.Context(codingPath: self.path(), debugDescription: "JSON value: \(message)"))
        }

        mutating func varint() throws -> UInt64 {
            do {
                return try Varint.read(from: self.bytes, at: &self.offset, end: self.bytes.count)
            } catch {
                throw self.error("bad varint at byte \(self.offset)")
            }
        }

        /// A count or length, checked against the bytes left so nothing is allocated for bytes that are not there.
        mutating func length() throws -> Int {
            let value = try self.varint()
            guard value <= UInt64(self.bytes.count - self.offset) else {
                throw self.error("length \(value) runs past the end (available: \(self.bytes.count - self.offset))")
            }
            return Int(value)
        }

        mutating func text() throws -> String {
            let length = try self.length()
            let slice = UnsafeRawBufferPointer(rebasing: self.bytes[self.offset..<(self.offset + length)])
            self.offset += length
            guard let text = WireUTF8.string(slice) else { throw self.error("text is not valid UTF-8") }
            return text
        }

        mutating func read(depth: Int) throws -> JSONValue {
            guard depth < JSONValueCoding.maxDepth else { throw self.error("nesting exceeds \(JSONValueCoding.maxDepth)") }
            guard self.offset < self.bytes.count else { throw self.error("truncated") }
            let tag = self.bytes[self.offset]
            self.offset += 1
            switch tag {
            case JSONValueCoding.null: return .null
            case JSONValueCoding.falseTag: return .bool(false)
            case JSONValueCoding.trueTag: return .bool(true)
            case JSONValueCoding.integer: return .number(Decimal(Varint.unzigzag(try self.varint())))
            case JSONValueCoding.decimal:
                let length = try self.length()
                let slice = UnsafeRawBufferPointer(rebasing: self.bytes[self.offset..<(self.offset + length)])
                self.offset += length
                guard let number = WireDecimal.parse(slice) else { throw self.error("number is not plain decimal text") }
                return .number(number)
            case JSONValueCoding.string: return .string(try self.text())
            case JSONValueCoding.array:
                // Every element takes at least one byte: the count cannot exceed what is left.
                let count = try self.length()
                var elements: [JSONValue] = []
                // Reserve at most 1,024 up front: nested values each claiming millions of
                // elements must not reserve memory before their bytes have been read.
                elements.reserveCapacity(min(count, 1_024))
                for _ in 0..<count { elements.append(try self.read(depth: depth + 1)) }
                return .array(elements)
            case JSONValueCoding.object:
                let count = try self.length()
                var members: [String: JSONValue] = [:]
                members.reserveCapacity(min(count, 1_024))
                for _ in 0..<count {
                    let key = try self.text()
                    members[key] = try self.read(depth: depth + 1)
                }
                return .object(members)
            default:
                throw self.error("unknown tag \(tag)")
            }
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Decimal(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
