public import Foundation
public import SextantContracts
public import SextantWire

/// Checks events, identifiers and properties against ``IngestLimits``, naming every problem by
/// its field path. Pure: no storage, so it is tested with plain values.
public struct EventValidator: Sendable {
    /// The current time, for the one-year-ahead limit.
    public var now: Date

    public init(now: Date) { self.now = now }

    /// Every problem of `event`; empty when it may be stored.
    public func problems(in event: EventInput) -> [FieldError] {
        var errors: [FieldError] = []
        let metric = event.metric
        if metric.trimmingCharacters(in: .whitespaces).isEmpty {
            errors.append(FieldError(field: "metric", reason: "must not be empty"))
        } else if metric.count > IngestLimits.metricNameLength {
            errors.append(FieldError(field: "metric", reason: "longer than \(IngestLimits.metricNameLength) characters"))
        }
        errors += Self.problems(in: event.profile, field: "profile")
        if let time = event.time {
            if !time.timeIntervalSinceReferenceDate.isFinite || time < IngestLimits.earliestTime {
                errors.append(FieldError(field: "time", reason: "before 2000-01-01T00:00:00Z"))
            } else if time > self.now.addingTimeInterval(IngestLimits.futureAllowance) {
                errors.append(FieldError(field: "time", reason: "more than one year in the future"))
            }
        }
        if let value = event.value, let reason = Self.moneyProblem(value) {
            errors.append(FieldError(field: "value", reason: reason))
        }
        if let uniqueID = event.uniqueID {
            if uniqueID.isEmpty {
                errors.append(FieldError(field: "uniqueID", reason: "must not be empty (leave it out instead)"))
            } else if uniqueID.count > IngestLimits.identifierLength {
                errors.append(FieldError(field: "uniqueID", reason: "longer than \(IngestLimits.identifierLength) characters"))
            }
        }
        errors += Self.problems(in: event.properties, field: "properties")
        return errors
    }

    /// Problems of a value meant as money: finite, not negative, at most 10^13, at most 6 decimals.
    public static func moneyProblem(_ value: Decimal) -> String? {
        if value.isNaN { return "is not a number" }
        if value < 0 { return "must not be negative (send refunds as a Refunded Order with a positive value)" }
        if value > IngestLimits.maximumValue { return "larger than 10^13" }
        if -value.exponent > IngestLimits.valueScale {
            var rounded = Decimal()
            var copy = value
            NSDecimalRound(&rounded, &copy, IngestLimits.valueScale, .plain)
            if rounded != value { return "more than \(IngestLimits.valueScale) decimal places" }
        }
        return nil
    }

    /// Problems of profile identifiers: at least one, each well formed.
    public static func problems(in identifiers: ProfileIdentifiers, field: String) -> [FieldError] {
        var errors: [FieldError] = []
        if identifiers.isEmpty {
            errors.append(FieldError(field: field, reason: "needs at least one of email, phone, externalID"))
        }
        if let email = identifiers.email, IdentityNormalizer.email(email) == nil {
            errors.append(FieldError(field: "\(field).email", reason: "is not an email address"))
        }
        if let phone = identifiers.phone, IdentityNormalizer.phone(phone) == nil {
            errors.append(FieldError(field: "\(field).phone", reason: "is not an E.164 phone number (+ and 7 to 15 digits)"))
        }
        if let external = identifiers.externalID, IdentityNormalizer.externalID(external) == nil {
            errors.append(FieldError(field: "\(field).externalID", reason: "must be 1 to \(IngestLimits.identifierLength) characters"))
        }
        return errors
    }

    /// Problems of a properties object: count, keys, strings, arrays, depth, numbers.
    public static func problems(in properties: [String: JSONValue], field: String) -> [FieldError] {
        var errors: [FieldError] = []
        if properties.count > IngestLimits.properties {
            errors.append(FieldError(field: field, reason: "\(properties.count) properties; at most \(IngestLimits.properties)"))
        }
        for (key, value) in properties {
            Self.check(key: key, value: value, path: field, depth: 2, into: &errors)
            if errors.count >= 20 { break }
        }
        return errors.sorted { $0.field < $1.field }
    }

    private static func check(key: String, value: JSONValue, path: String, depth: Int, into errors: inout [FieldError]) {
        let keyPath = "\(path).\(key)"
        if key.isEmpty {
            errors.append(FieldError(field: path, reason: "a property key is empty"))
        } else if key.utf8.count > IngestLimits.keyBytes {
            errors.append(FieldError(field: keyPath, reason: "key longer than \(IngestLimits.keyBytes) bytes"))
        }
        self.check(value: value, path: keyPath, depth: depth, into: &errors)
    }

    private static func check(value: JSONValue, path: String, depth: Int, into errors: inout [FieldError]) {
        switch value {
        case .null, .bool:
            return
        case .number(let number):
            if number.isNaN { errors.append(FieldError(field: path, reason: "is not a number")) }
        case .string(let string):
            if string.utf8.count > IngestLimits.stringBytes {
                errors.append(FieldError(field: path, reason: "string longer than \(IngestLimits.stringBytes) bytes"))
            }
        case .array(let elements):
            if depth > IngestLimits.depth {
                errors.append(FieldError(field: path, reason: "nested deeper than \(IngestLimits.depth) levels"))
                return
            }
            if elements.count > IngestLimits.arrayElements {
                errors.append(FieldError(field: path, reason: "\(elements.count) elements; at most \(IngestLimits.arrayElements)"))
                return
            }
            for (index, element) in elements.enumerated() {
                self.check(value: element, path: "\(path)[\(index)]", depth: depth + 1, into: &errors)
                if errors.count >= 20 { return }
            }
        case .object(let members):
            if depth > IngestLimits.depth {
                errors.append(FieldError(field: path, reason: "nested deeper than \(IngestLimits.depth) levels"))
                return
            }
            if members.count > IngestLimits.arrayElements {
                errors.append(FieldError(field: path, reason: "\(members.count) members; at most \(IngestLimits.arrayElements)"))
                return
            }
            for (key, member) in members {
                self.check(key: key, value: member, path: path, depth: depth + 1, into: &errors)
                if errors.count >= 20 { return }
            }
        }
    }
}

/// The canonical form of each identifier kind, under which profiles are found.
public enum IdentityNormalizer {
    /// Lower-cased and trimmed; nil unless it looks like `local@domain.tld`.
    public static func email(_ raw: String) -> String? {
        let email = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard email.count <= IngestLimits.emailLength, !email.contains(where: { $0.isWhitespace }) else { return nil }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return nil }
        return email
    }

    /// E.164: "+", then 7 to 15 digits, the first not 0. Spaces, dashes, dots and brackets are removed first.
    public static func phone(_ raw: String) -> String? {
        let kept = raw.filter { !" -.()".contains($0) }
        guard kept.first == "+" else { return nil }
        let digits = kept.dropFirst()
        guard (7...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.first != "0"
        else { return nil }
        return kept
    }

    /// As given (trimmed), 1 to 255 characters.
    public static func externalID(_ raw: String) -> String? {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= IngestLimits.identifierLength else { return nil }
        return trimmed
    }
}
