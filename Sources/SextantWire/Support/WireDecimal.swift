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

    /// The plain-notation text of `value`, or `nil` for NaN: the same text as `description`
    /// (trailing fraction zeros dropped), built directly for mantissas that fit 64 bits, which
    /// Foundation's general formatter is many times slower at.
    static func text(of value: Decimal) -> String? {
        if value.isNaN { return nil }
        guard let (mantissa, exponent) = Self.smallParts(of: value) else {
            // Decimal's description is plain notation with '.' whatever the locale.
            return value.description
        }
        return Self.format(mantissa: mantissa, exponent: exponent, negative: value.sign == .minus)
    }

    /// The value as `mantissa × 10^exponent` with trailing zeros removed, when the mantissa fits 64 bits.
    static func smallParts(of value: Decimal) -> (UInt64, Int)? {
        guard let raw = DecimalLayout.read(value), raw.length <= 4 else { return nil }
        var mantissa = raw.mantissa
        var exponent = raw.exponent
        if mantissa == 0 { return (0, 0) }
        while mantissa % 10 == 0 {
            mantissa /= 10
            exponent += 1
        }
        return (mantissa, exponent)
    }

    private static func format(mantissa: UInt64, exponent: Int, negative: Bool) -> String {
        var digits = Array(String(mantissa).utf8)
        var text: [UInt8] = []
        text.reserveCapacity(digits.count + abs(exponent) + 3)
        if negative && mantissa != 0 { text.append(UInt8(ascii: "-")) }
        if exponent >= 0 {
            text.append(contentsOf: digits)
            if mantissa != 0 { text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: exponent)) }
        } else {
            let fraction = -exponent
            if digits.count <= fraction {
                digits.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: fraction - digits.count + 1), at: 0)
            }
            text.append(contentsOf: digits[..<(digits.count - fraction)])
            text.append(UInt8(ascii: "."))
            text.append(contentsOf: digits[(digits.count - fraction)...])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The value as an `Int64` when it is a whole number that fits.
    static func exactInteger(_ value: Decimal) -> Int64? {
        guard !value.isNaN, let (mantissa, exponent) = Self.smallParts(of: value), exponent >= 0 else { return nil }
        var magnitude = mantissa
        for _ in 0..<exponent {
            let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            magnitude = product
        }
        if value.sign == .minus {
            return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return Int64(exactly: magnitude)
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
        // Up to 19 significant digits: build the value directly instead of through the (slow)
        // string parser. The grammar was checked above, so every byte is '-', '.' or a digit.
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var fractionDigits = 0
        var afterPoint = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "-"):
                continue
            case UInt8(ascii: "."):
                afterPoint = true
            default:
                if afterPoint { fractionDigits += 1 }
                if significantDigits == 0 && byte == UInt8(ascii: "0") { continue }
                significantDigits += 1
                guard significantDigits <= 19 else { return Decimal(string: String(decoding: bytes, as: UTF8.self)) }
                mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
            }
        }
        let magnitude = Decimal(sign: .plus, exponent: -fractionDigits, significand: Decimal(mantissa))
        return bytes[0] == UInt8(ascii: "-") ? -magnitude : magnitude
    }
}

/// Reads a `Decimal`'s exponent and mantissa words straight from memory.
///
/// FoundationEssentials keeps them internal, and going through `description` costs microseconds
/// per value. The layout (NSDecimal's: exponent byte, length and flags byte, two reserved bytes,
/// eight little-endian 16-bit mantissa words) is verified once against known values; if a future
/// Foundation changes it, ``read(_:)`` returns `nil` and callers fall back to `description`.
enum DecimalLayout {
    struct Parts {
        var exponent: Int
        var length: Int
        var negative: Bool
        var mantissa: UInt64
    }

    static let isUnderstood: Bool = {
        guard MemoryLayout<Decimal>.size == 20 else { return false }
        let checks: [(String, UInt64, Int, Bool)] = [("-12.5", 125, -1, true), ("65536", 65536, 0, false), ("0.001", 1, -3, false)]
        for (text, mantissa, exponent, negative) in checks {
            guard let value = Decimal(string: text), let parts = Self.unchecked(value) else { return false }
            // Foundation may keep trailing zeros; compare the value, not the representation.
            var m = parts.mantissa
            var e = parts.exponent
            while m != 0 && m % 10 == 0 { m /= 10; e += 1 }
            guard m == mantissa, e == exponent, parts.negative == negative else { return false }
        }
        return true
    }()

    static func read(_ value: Decimal) -> Parts? {
        guard Self.isUnderstood else { return nil }
        return Self.unchecked(value)
    }

    private static func unchecked(_ value: Decimal) -> Parts? {
        withUnsafeBytes(of: value) { raw -> Parts? in
            guard raw.count == 20 else { return nil }
            let exponent = Int(Int8(bitPattern: raw[0]))
            let flags = raw[1]
            // The flags byte: length in the high nibble, then isNegative (0x08), isCompact (0x04).
            let length = Int(flags >> 4)
            var mantissa: UInt64 = 0
            for word in 0..<min(length, 4) {
                let low = UInt64(raw[4 + 2 * word])
                let high = UInt64(raw[5 + 2 * word])
                mantissa |= (high << 8 | low) << (16 * UInt64(word))
            }
            return Parts(exponent: exponent, length: length, negative: flags & 0x08 != 0, mantissa: mantissa)
        }
    }
}
