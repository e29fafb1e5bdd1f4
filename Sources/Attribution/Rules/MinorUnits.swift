public import Foundation

/// Exact money in integer minor units of a currency (never binary floating point).
public enum MinorUnits {
    /// Digits after the decimal point of an ISO 4217 currency: 0 for the zero-decimal
    /// currencies, 3 for the three-decimal ones, else 2.
    public static func exponent(of currency: String) -> Int {
        switch currency.uppercased() {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
            0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
            3
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
}
