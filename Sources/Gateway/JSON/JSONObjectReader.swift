import Logging
import HTTPTypes
import Foundation
import SextantContracts
import SextantWire

/// Reads the fields of one JSON object of a request, naming the offending field on failure.
///
/// Request bodies are parsed into ``JSONValue`` first (numbers stay exact `Decimal`s), then
/// read field by field with this type, so every error carries a path such as
/// `events[3].profile.email` and never echoes the value (it may be customer data).
struct JSONObjectReader {
    let fields: [String: JSONValue]
    /// The path of this object inside the request, "" at the top.
    let path: String

    init(_ value: JSONValue, path: String = "") throws(APIError) {
        guard case .object(let fields) = value else {
            throw APIError.invalidArgument(field: path.isEmpty ? "(body)" : path, reason: "must be a JSON object")
        }
        self.fields = fields
        self.path = path
    }

    func fieldPath(_ name: String) -> String { self.path.isEmpty ? name : "\(self.path).\(name)" }

    private func invalid(_ name: String, _ reason: String) -> APIError {
        APIError.invalidArgument(field: self.fieldPath(name), reason: reason)
    }

    /// The value, or nil when absent or `null`.
    func value(_ name: String) -> JSONValue? {
        guard let value = self.fields[name], value != .null else { return nil }
        return value
    }

    func string(_ name: String) throws(APIError) -> String {
        guard let value = try self.optionalString(name) else { throw self.invalid(name, "is required") }
        return value
    }

    func optionalString(_ name: String) throws(APIError) -> String? {
        guard let value = self.value(name) else { return nil }
        guard case .string(let text) = value else { throw self.invalid(name, "must be a string") }
        return text
    }

    func optionalBool(_ name: String) throws(APIError) -> Bool? {
        guard let value = self.value(name) else { return nil }
        guard case .bool(let flag) = value else { throw self.invalid(name, "must be true or false") }
        return flag
    }

    /// A whole number within `range`, written as a JSON number.
    func optionalInteger(_ name: String, in range: ClosedRange<Int64> = 0...Int64.max) throws(APIError) -> Int64? {
        guard let value = self.value(name) else { return nil }
        guard case .number(let number) = value, let integer = JSONValue.exactInt64(number), range.contains(integer) else {
            throw self.invalid(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return integer
    }

    /// A decimal number, as a JSON number or a string of plain decimal text ("19.99"), exact.
    func optionalDecimal(_ name: String) throws(APIError) -> Decimal? {
        guard let value = self.value(name) else { return nil }
        switch value {
        case .number(let number): return number
        case .string(let text):
            guard let number = JSONValue.parseDecimalText(text) else {
                throw self.invalid(name, "must be a number or a string of decimal digits such as \"19.99\"")
            }
            return number
        default: throw self.invalid(name, "must be a number or a string of decimal digits such as \"19.99\"")
        }
    }

    /// An instant: an RFC 3339 string ("2026-11-01T12:00:00Z", offsets and fractions allowed) or
    /// Unix seconds as a number.
    func optionalDate(_ name: String) throws(APIError) -> Date? {
        guard let value = self.value(name) else { return nil }
        switch value {
        case .string(let text):
            guard let date = RFC3339.parse(text) else { throw self.invalid(name, "must be an RFC 3339 time such as \"2026-11-01T12:00:00Z\"") }
            return date
        case .number(let seconds):
            let double = NSDecimalNumber(decimal: seconds).doubleValue
            guard double.isFinite, abs(double) < 1e11 else { throw self.invalid(name, "Unix seconds out of range") }
            return Date(timeIntervalSince1970: double)
        default: throw self.invalid(name, "must be an RFC 3339 time or Unix seconds")
        }
    }

    func optionalObject(_ name: String) throws(APIError) -> JSONObjectReader? {
        guard let value = self.value(name) else { return nil }
        return try JSONObjectReader(value, path: self.fieldPath(name))
    }

    func object(_ name: String) throws(APIError) -> JSONObjectReader {
        guard let reader = try self.optionalObject(name) else { throw self.invalid(name, "is required") }
        return reader
    }

    /// A free-form object (properties), or empty when absent.
    func properties(_ name: String) throws(APIError) -> [String: JSONValue] {
        guard let value = self.value(name) else { return [:] }
        guard case .object(let fields) = value else { throw self.invalid(name, "must be a JSON object") }
        return fields
    }

    /// The elements of an array with each one's path (`name[i]`), or [] when absent.
    func array(_ name: String) throws(APIError) -> [(value: JSONValue, path: String)] {
        guard let value = self.value(name) else { return [] }
        guard case .array(let elements) = value else { throw self.invalid(name, "must be a JSON array") }
        let base = self.fieldPath(name)
        return elements.enumerated().map { ($0.element, "\(base)[\($0.offset)]") }
    }
}

extension JSONValue {
    /// The number as an Int64 when it is a whole number in range.
    static func exactInt64(_ number: Decimal) -> Int64? {
        guard number.isFinite else { return nil }
        var rounded = Decimal()
        var copy = number
        NSDecimalRound(&rounded, &copy, 0, .plain)
        guard rounded == number, number >= Decimal(Int64.min), number <= Decimal(Int64.max) else { return nil }
        return Int64(NSDecimalNumber(decimal: number).int64Value)
    }

    /// Plain decimal text ("-12.50", "3"), exact; nil for anything else (exponents, spaces, "NaN").
    static func parseDecimalText(_ text: String) -> Decimal? {
        let scalars = Array(text.utf8)
        guard !scalars.isEmpty, scalars.count <= 40 else { return nil }
        var index = 0
        if scalars[0] == UInt8(ascii: "-") { index = 1 }
        var digitsBefore = 0, digitsAfter = 0, seenPoint = false
        while index < scalars.count {
            let byte = scalars[index]
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                if seenPoint { digitsAfter += 1 } else { digitsBefore += 1 }
            } else {
                return nil
            }
            index += 1
        }
        guard digitsBefore > 0, !seenPoint || digitsAfter > 0 else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}
