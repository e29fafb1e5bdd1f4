#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Decimal values travel as plain-notation text (`-12.50`), which is exact and readable in any
/// language, unlike a binary float.
enum WireDecimal {
    /// The longest decimal text the decoder accepts.
    static let maxTextLength = 200

    /// The plain-notation text of `value`, or `nil` for NaN.
    static func text(of value: Decimal) -> String? {
        if value.isNaN { return nil }
        // Decimal's description is plain notation with '.' whatever the locale.
        return value.description
    }

    /// Parses plain-notation text (`-?[0-9]+(\.[0-9]+)?`), or returns `nil` when it is not.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Decimal? {
        guard !bytes.isEmpty, bytes.count <= Self.maxTextLength else { return nil }
        var index = 0
        if bytes[0] == UInt8(ascii: "-") { index = 1 }
        var integerDigits = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            index += 1
            integerDigits += 1
        }
        guard integerDigits > 0 else { return nil }
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: ".") else { return nil }
            index += 1
            var fractionDigits = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                index += 1
                fractionDigits += 1
            }
            guard fractionDigits > 0, index == bytes.count else { return nil }
        }
        return Decimal(string: String(decoding: bytes, as: UTF8.self))
    }
}
