public import Foundation

/// The limits ingest enforces (PRODUCT.md 1, Klaviyo's): each is checked before anything is
/// stored. Breaking a per-event limit rejects only that event; breaking the per-batch limit
/// refuses the whole request.
public enum IngestLimits {
    /// Events per ``SextantContracts/TrackEventsRequest``.
    public static let eventsPerBatch = 1_000
    /// Top-level properties of one event or profile.
    public static let properties = 400
    /// UTF-8 bytes of one string value (100 KB).
    public static let stringBytes = 100 * 1_024
    /// Elements of one array.
    public static let arrayElements = 4_000
    /// Nesting: the properties object is depth 1, an object or array inside it depth 2, …
    public static let depth = 10
    /// UTF-8 bytes of a property key.
    public static let keyBytes = 255
    /// Characters of a metric name.
    public static let metricNameLength = 128
    /// Characters of a unique id or an external id.
    public static let identifierLength = 255
    /// Characters of an email address (RFC 5321).
    public static let emailLength = 254
    /// The earliest event time: 2000-01-01T00:00:00Z.
    public static let earliestTime = Date(timeIntervalSince1970: 946_684_800)
    /// How far ahead of now an event time may be: one year (365 days).
    public static let futureAllowance: TimeInterval = 365 * 86_400
    /// The largest event value, in major units: 10^13.
    public static let maximumValue = Decimal(string: "10000000000000")!
    /// Decimal places of an event value.
    public static let valueScale = 6
}
