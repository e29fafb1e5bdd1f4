import Foundation

/// An exact amount of money in minor units of the billing currency (cents for USD).
///
/// Billing never uses binary floating point: prices come from configuration as decimal text
/// (`"100.00"`), are held as whole minor units, and proration divides integers with an explicit
/// rounding rule (`prorated(days:of:)`). Billing prices have two decimal places, like USD.
public struct Money: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The amount in minor units (cents); negative for credits.
    public var minorUnits: Int64

    public init(minorUnits: Int64) {
        self.minorUnits = minorUnits
    }

    /// A whole number of major units: `Money(units: 100)` is 100.00.
    public init(units: Int64) {
        self.minorUnits = units * 100
    }

    public static let zero = Money(minorUnits: 0)

    /// Reads decimal text such as `"100"`, `"100.5"` or `"1250.00"` (an optional leading `$` and
    /// `_` or `,` digit grouping are allowed). More than two decimal places is refused rather than
    /// rounded, so a configured price is always exactly what was written.
    public init?(parsing text: String) {
        var text = Substring(text.trimmingCharacters(in: .whitespaces))
        let negative = text.hasPrefix("-")
        if negative { text = text.dropFirst() }
        if text.hasPrefix("$") { text = text.dropFirst() }
        let cleaned = text.filter { $0 != "_" && $0 != "," }
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
            let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit),
            let units = Int64(whole)
        else { return nil }
        var cents: Int64 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy(\.isASCIIDigit),
                let value = Int64(fraction)
            else { return nil }
            cents = fraction.count == 1 ? value * 10 : value
        }
        let (scaled, overflow) = units.multipliedReportingOverflow(by: 100)
        guard !overflow else { return nil }
        self.minorUnits = (scaled + cents) * (negative ? -1 : 1)
    }

    /// This monthly amount for `days` out of `daysInMonth`, rounded to the nearest minor unit,
    /// halves rounded up (away from zero): 100.00 for 10 of 31 days is 32.26 (32.258…).
    public func prorated(days: Int, of daysInMonth: Int) -> Money {
        precondition(daysInMonth > 0 && (0...daysInMonth).contains(days), "days out of range")
        let numerator = self.minorUnits.magnitude * UInt64(days) * 2 + UInt64(daysInMonth)
        let rounded = Int64(numerator / (UInt64(daysInMonth) * 2))
        return Money(minorUnits: self.minorUnits < 0 ? -rounded : rounded)
    }

    /// `"100.00"`, `"-3.05"`: two decimals, no currency symbol, no grouping.
    public var description: String {
        let magnitude = self.minorUnits.magnitude
        let cents = magnitude % 100
        return (self.minorUnits < 0 ? "-" : "") + "\(magnitude / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.minorUnits < rhs.minorUnits }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(minorUnits: lhs.minorUnits + rhs.minorUnits) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(minorUnits: lhs.minorUnits - rhs.minorUnits) }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension Int {
    /// `13500` as `"13,500"`: fixed grouping, independent of the machine's locale, so messages and
    /// invoice text are the same everywhere.
    var grouped: String {
        let digits = String(self.magnitude)
        var result = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (self < 0 ? "-" : "") + result
    }
}
