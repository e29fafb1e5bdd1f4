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
        if TextLimit.isBlank(metric) {
            errors.append(FieldError(field: "metric", reason: "must not be empty"))
        } else if !TextLimit.fits(metric, characters: IngestLimits.metricNameLength) {
            errors.append(FieldError(field: "metric", reason: "longer than \(IngestLimits.metricNameLength) characters"))
        } else if TextLimit.hasNUL(metric) {
            errors.append(FieldError(field: "metric", reason: TextLimit.nulReason))
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
            } else if !TextLimit.fits(uniqueID, characters: IngestLimits.identifierLength) {
                errors.append(FieldError(field: "uniqueID", reason: "longer than \(IngestLimits.identifierLength) characters"))
            } else if TextLimit.hasNUL(uniqueID) {
                errors.append(FieldError(field: "uniqueID", reason: TextLimit.nulReason))
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
        if let email = identifiers.email, IdentityNormalizer.email(email) == nil || TextLimit.hasNUL(email) {
            errors.append(FieldError(field: "\(field).email", reason: "is not an email address"))
        }
        if let phone = identifiers.phone, IdentityNormalizer.phone(phone) == nil {
            errors.append(FieldError(field: "\(field).phone", reason: "is not an E.164 phone number (+ and 7 to 15 digits)"))
        }
        if let external = identifiers.externalID {
            if IdentityNormalizer.externalID(external) == nil {
                errors.append(FieldError(field: "\(field).externalID", reason: "must be 1 to \(IngestLimits.identifierLength) characters"))
            } else if TextLimit.hasNUL(external) {
                errors.append(FieldError(field: "\(field).externalID", reason: TextLimit.nulReason))
            }
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
            Self.check(key: key, value: value, parent: { field }, depth: 2, into: &errors)
            if errors.count >= 20 { break }
        }
        return errors.count > 1 ? errors.sorted { $0.field < $1.field } : errors
    }

    // Paths are built only when a problem is found: these walks run for every property of every event.
    private static func check(key: String, value: JSONValue, parent: () -> String, depth: Int, into errors: inout [FieldError]) {
        if key.isEmpty {
            errors.append(FieldError(field: parent(), reason: "a property key is empty"))
        } else if key.utf8.count > IngestLimits.keyBytes {
            errors.append(FieldError(field: "\(parent()).\(key)", reason: "key longer than \(IngestLimits.keyBytes) bytes"))
        }
        self.check(value: value, path: { "\(parent()).\(key)" }, depth: depth, into: &errors)
    }

    private static func check(value: JSONValue, path: () -> String, depth: Int, into errors: inout [FieldError]) {
        switch value {
        case .null, .bool:
            return
        case .number(let number):
            if number.isNaN { errors.append(FieldError(field: path(), reason: "is not a number")) }
        case .string(let string):
            if string.utf8.count > IngestLimits.stringBytes {
                errors.append(FieldError(field: path(), reason: "string longer than \(IngestLimits.stringBytes) bytes"))
            }
        case .array(let elements):
            if depth > IngestLimits.depth {
                errors.append(FieldError(field: path(), reason: "nested deeper than \(IngestLimits.depth) levels"))
                return
            }
            if elements.count > IngestLimits.arrayElements {
                errors.append(FieldError(field: path(), reason: "\(elements.count) elements; at most \(IngestLimits.arrayElements)"))
                return
            }
            for (index, element) in elements.enumerated() {
                self.check(value: element, path: { "\(path())[\(index)]" }, depth: depth + 1, into: &errors)
                if errors.count >= 20 { return }
            }
        case .object(let members):
            if depth > IngestLimits.depth {
                errors.append(FieldError(field: path(), reason: "nested deeper than \(IngestLimits.depth) levels"))
                return
            }
            if members.count > IngestLimits.arrayElements {
                errors.append(FieldError(field: path(), reason: "\(members.count) members; at most \(IngestLimits.arrayElements)"))
                return
            }
            for (key, member) in members {
                self.check(key: key, value: member, parent: path, depth: depth + 1, into: &errors)
                if errors.count >= 20 { return }
            }
        }
    }
}

/// The canonical form of each identifier kind, under which profiles are found.
///
/// These run twice per event on the ingest hot path, so they work on UTF-8 bytes and leave
/// Foundation's (bridging, locale-aware) string functions out: trimming removes ASCII spaces and
/// tabs, and lower-casing of an ASCII address is a byte map.
public enum IdentityNormalizer {
    /// Lower-cased and trimmed; nil unless it looks like `local@domain.tld` (at most 254 bytes, no whitespace).
    public static func email(_ raw: String) -> String? {
        var raw = raw
        return raw.withUTF8 { bytes -> String? in
            let trimmed = Self.trimmed(bytes)
            guard !trimmed.isEmpty, trimmed.count <= IngestLimits.emailLength else { return nil }
            var at = -1
            var isASCII = true
            for (index, byte) in trimmed.enumerated() {
                switch byte {
                case UInt8(ascii: "@"):
                    if at >= 0 { return nil }
                    at = index
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    return nil
                case 0x80...:
                    isASCII = false
                default:
                    break
                }
            }
            guard at > 0 else { return nil }
            let domain = trimmed[(trimmed.startIndex + at + 1)...]
            guard let first = domain.first, let last = domain.last, first != UInt8(ascii: "."), last != UInt8(ascii: "."),
                  domain.contains(UInt8(ascii: "."))
            else { return nil }
            if isASCII {
                return String(unsafeUninitializedCapacity: trimmed.count) { output in
                    for (index, byte) in trimmed.enumerated() {
                        output[index] = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
                    }
                    return trimmed.count
                }
            }
            let text = String(decoding: trimmed, as: UTF8.self).lowercased()
            return text.contains(where: \.isWhitespace) ? nil : text
        }
    }

    /// E.164: "+", then 7 to 15 digits, the first not 0. Spaces, dashes, dots and brackets are removed first.
    public static func phone(_ raw: String) -> String? {
        var kept: [UInt8] = []
        kept.reserveCapacity(16)
        for byte in raw.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"):
                continue
            default:
                kept.append(byte)
                if kept.count > 16 { return nil }
            }
        }
        guard kept.first == UInt8(ascii: "+"), (8...16).contains(kept.count), kept[1] != UInt8(ascii: "0"),
              kept.dropFirst().allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return String(decoding: kept, as: UTF8.self)
    }

    /// Trimmed of spaces and tabs, 1 to 255 characters.
    public static func externalID(_ raw: String) -> String? {
        var bytesOf = raw
        return bytesOf.withUTF8 { bytes -> String? in
            let trimmed = Self.trimmed(bytes)
            guard !trimmed.isEmpty else { return nil }
            let text = trimmed.count == bytes.count ? raw : String(decoding: trimmed, as: UTF8.self)
            return TextLimit.fits(text, characters: IngestLimits.identifierLength) ? text : nil
        }
    }

    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>> {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return bytes[start..<end]
    }
}

/// Length checks in characters without counting characters when the UTF-8 size already decides.
enum TextLimit {
    /// True when `text` has at most `characters` characters.
    static func fits(_ text: String, characters: Int) -> Bool {
        // A character is at least one byte: few enough bytes settles it.
        text.utf8.count <= characters || text.count <= characters
    }

    /// True when `text` contains U+0000, which PostgreSQL's `text` cannot store: refused on
    /// both backends, so what one accepts the other does too.
    static func hasNUL(_ text: String) -> Bool {
        text.utf8.contains(0)
    }

    static let nulReason = "must not contain the NUL character (U+0000)"

    /// True when `text` is empty or only spaces and tabs.
    static func isBlank(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }
}
