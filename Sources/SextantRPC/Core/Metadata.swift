/// Key-value pairs sent with a call: request headers, response headers and trailers.
///
/// Keys are lowercase ASCII (`a-z 0-9 - _ .`); a key may repeat. Keys ending in `-bin` carry
/// bytes, others text. Reserved keys used by Sextant: `sextant-account`, `sextant-caller`,
/// `traceparent`.
public struct Metadata: Sendable, Hashable, ExpressibleByDictionaryLiteral, Sequence {
    public typealias Key = String
    public typealias Value = String

    /// One key and value.
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: MetadataValue
    }

    private var entries: [Entry]

    /// Creates empty metadata.
    public init() {
        self.entries = []
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.entries = elements.map { Entry(key: $0.0.lowercased(), value: .string($0.1)) }
    }

    /// The number of entries.
    public var count: Int { self.entries.count }
    /// Whether there are no entries.
    public var isEmpty: Bool { self.entries.isEmpty }

    /// Appends a text value.
    public mutating func addString(_ value: String, forKey key: String) {
        self.entries.append(Entry(key: key.lowercased(), value: .string(value)))
    }

    /// Appends a binary value; the key should end in `-bin`.
    public mutating func addBinary(_ value: [UInt8], forKey key: String) {
        self.entries.append(Entry(key: key.lowercased(), value: .binary(value)))
    }

    /// The first text value for `key`.
    public subscript(stringValue key: String) -> String? {
        let key = key.lowercased()
        for entry in self.entries where entry.key == key {
            if case .string(let value) = entry.value { return value }
        }
        return nil
    }

    /// Every value for `key`, in order.
    public subscript(key: String) -> [MetadataValue] {
        let key = key.lowercased()
        return self.entries.filter { $0.key == key }.map(\.value)
    }

    public func makeIterator() -> IndexingIterator<[Entry]> {
        self.entries.makeIterator()
    }
}

extension Metadata.Entry: Codable {
    enum CodingKeys: Int, CodingKey {
        case key = 1
        case text = 2
        case binary = 3
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.key = try container.decode(String.self, forKey: .key)
        if let bytes = try container.decodeIfPresent([UInt8].self, forKey: .binary) {
            self.value = .binary(bytes)
        } else {
            self.value = .string(try container.decodeIfPresent(String.self, forKey: .text) ?? "")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.key, forKey: .key)
        switch self.value {
        case .string(let text): try container.encode(text, forKey: .text)
        case .binary(let bytes): try container.encode(bytes, forKey: .binary)
        }
    }
}

extension Metadata: Codable {
    public init(from decoder: any Decoder) throws {
        self.entries = try [Entry](from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try self.entries.encode(to: encoder)
    }
}

/// A metadata value: text, or bytes for `-bin` keys.
public enum MetadataValue: Sendable, Hashable {
    case string(String)
    case binary([UInt8])
}
