import Logging
import HTTPTypes
import Foundation
import SextantContracts
import SextantWire

/// Small constructors for response bodies.
extension JSONValue {
    static func uint(_ value: UInt64) -> JSONValue { .number(Decimal(value)) }
    static func int(_ value: Int64) -> JSONValue { .number(Decimal(value)) }
    static func date(_ value: Date) -> JSONValue { .string(RFC3339.format(value)) }
    static func date(_ value: Date?) -> JSONValue { value.map { .date($0) } ?? .null }
    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
}

/// An amount of money: exact minor units, the currency, and the amount as decimal text.
///
/// `{"amount_minor": 10000, "currency": "USD", "amount": "100.00"}`. Minor units are the
/// currency's ISO 4217 minor units (cents; yen have none: `"amount": "1200"`), as the services
/// count them; there is never a binary floating-point number.
enum MoneyJSON {
    static func json(minor: Int64, currency: String) -> JSONValue {
        .object(["amount_minor": .int(minor), "currency": .string(currency), "amount": .string(MinorUnits.text(minor, currency: currency))])
    }

    /// "100.00", "-3.05".
    static func text(minor: Int64) -> String {
        let magnitude = minor.magnitude
        let cents = magnitude % 100
        return (minor < 0 ? "-" : "") + "\(magnitude / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
    }
}
