import Logging
import HTTPTypes
import Foundation

/// Times in JSON: RFC 3339 in UTC. Whole seconds are written without a fraction
/// ("2026-11-01T12:00:00Z"), others with milliseconds ("2026-11-01T12:00:00.250Z").
enum RFC3339 {
    static func format(_ date: Date) -> String {
        let whole = date.timeIntervalSince1970.rounded(.down) == date.timeIntervalSince1970
        if whole {
            return date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        }
        return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    /// Parses "2026-11-01T12:00:00Z", "2026-11-01T13:00:00+01:00", with or without a fraction.
    static func parse(_ text: String) -> Date? {
        guard text.count >= 20, text.count <= 40 else { return nil }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return nil
    }
}
