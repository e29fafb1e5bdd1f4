/// The wire type of an encoded value: how many bytes follow a field key or an element header.
///
/// A decoder that does not know a field can still skip it, because the wire type alone says where
/// the value ends. See `proto-spec/encoding.md`.
public struct WireType: Hashable, Sendable, CustomStringConvertible {
    /// The raw 3-bit code written in keys and element headers.
    public let rawValue: UInt8

    @usableFromInline
    init(uncheckedRawValue: UInt8) {
        self.rawValue = uncheckedRawValue
    }

    /// An unsigned LEB128 varint (integers, Bool).
    public static let varint = WireType(uncheckedRawValue: 0)
    /// Eight little-endian bytes (Double, Date).
    public static let fixed64 = WireType(uncheckedRawValue: 1)
    /// A varint byte length, then that many bytes (strings, bytes, messages, sequences).
    public static let lengthDelimited = WireType(uncheckedRawValue: 2)
    /// Four little-endian bytes (Float).
    public static let fixed32 = WireType(uncheckedRawValue: 5)
    /// Only in element headers: an absent optional element, no bytes follow.
    public static let null = WireType(uncheckedRawValue: 6)

    /// Creates a wire type from its code, or `nil` for a code the format does not define.
    /// - Parameters:
    ///   - rawValue: The 3-bit code.
    ///   - allowNull: Whether `null` (6) is acceptable; it is in element headers, never in field keys.
    public init?(rawValue: UInt8, allowNull: Bool) {
        switch rawValue {
        case 0, 1, 2, 5: self.rawValue = rawValue
        case 6 where allowNull: self.rawValue = rawValue
        default: return nil
        }
    }

    public var description: String {
        switch self.rawValue {
        case 0: return "varint"
        case 1: return "fixed64"
        case 2: return "length-delimited"
        case 5: return "fixed32"
        case 6: return "null"
        default: return "invalid(\(self.rawValue))"
        }
    }
}

/// Field numbers a message may use: 1 through 2^29 - 1. Number 0 holds the superclass value.
public enum FieldNumber {
    /// The largest field number a key can carry.
    public static let maximum: Int = (1 << 29) - 1
    /// The field that `superEncoder()` writes to.
    public static let superclass: Int = 0
}
