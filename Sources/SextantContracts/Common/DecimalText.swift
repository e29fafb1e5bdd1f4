public import Foundation

/// Exact decimal text without locale surprises: how the services store a `Decimal` in SQLite
/// (order-value sums in insights-service, order values in predictive-service).
public enum DecimalText {
    static let posix = Locale(identifier: "en_US_POSIX")

    /// "12.5", "-0.01": plain digits, no grouping, no exponent.
    public static func format(_ value: Decimal) -> String { NSDecimalNumber(decimal: value).description(withLocale: posix) }

    /// The value of text written by ``format(_:)``; 0 for anything else.
    public static func parse(_ text: String) -> Decimal { Decimal(string: text, locale: posix) ?? 0 }
}
