public import Foundation

/// Exact money in integer minor units of a currency (never binary floating point): every
/// `…Minor`/`…MinorUnits` amount of the contracts is in these units.
public enum MinorUnits {
    /// Digits after the decimal point of an ISO 4217 currency: 0 for the zero-decimal
    /// currencies, 3 for the three-decimal ones, 4 for CLF and UYW, else 2.
    public static func exponent(of currency: String) -> Int {
        switch currency.uppercased() {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
            0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
            3
        case "CLF", "UYW":
            4
        default:
            2
        }
    }

    /// `amount` in minor units of `currency`, rounded half away from zero to a whole minor unit;
    /// nil when it does not fit in 64 bits.
    public static func of(_ amount: Decimal, currency: String) -> Int64? {
        var scaled = amount
        for _ in 0..<self.exponent(of: currency) { scaled *= 10 }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        guard rounded.isFinite, rounded.magnitude < Decimal(Int64.max) else { return nil }
        return NSDecimalNumber(decimal: rounded).int64Value
    }

    /// Like ``of(_:currency:)`` but saturating at the 64-bit limits instead of nil.
    public static func saturating(_ amount: Decimal, currency: String) -> Int64 {
        self.of(amount, currency: currency) ?? (amount < 0 ? .min : .max)
    }

    /// `minor` as plain decimal text with the currency's digits: "1234.50", "-3.05", "1200" (JPY).
    public static func text(_ minor: Int64, currency: String) -> String {
        let exponent = self.exponent(of: currency)
        let magnitude = minor.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<exponent { divisor *= 10 }
        let whole = magnitude / divisor
        var text = (minor < 0 ? "-" : "") + "\(whole)"
        if exponent > 0 {
            let fraction = String(magnitude % divisor)
            text += "." + String(repeating: "0", count: exponent - fraction.count) + fraction
        }
        return text
    }
}
