import Foundation
import SextantContracts
import SextantWire

/// The two fields of a logged event that billing needs, read straight from its encoded body.
///
/// A `LoggedEvent` body carries the event's properties (often most of its bytes); decoding them
/// for every entry would cost more than everything else billing does with an event. The reader
/// walks the top-level fields, keeps `profileID` (field 3, varint) and `time` (field 5, fixed64
/// binary64 seconds since 2001-01-01), and skips the rest. When a repeated field occurs twice the
/// last one wins, as in the generic decoder. Anything unexpected returns nil and the caller
/// decodes the whole event with `WireDecoder`, which then reports the problem precisely.
struct EventFields {
    var profileID: UInt64
    /// Seconds since 2001-01-01T00:00:00Z.
    var time: Double

    /// Instants billing can place in a calendar month: the years 1 to 9999, in seconds since
    /// 2001-01-01 (ingest accepts only 2000-01-01 to a year ahead, so this only stops corrupt data).
    static let plausibleTimes: ClosedRange<Double> = -63_000_000_000...252_000_000_000

    static func read(_ body: [UInt8]) -> EventFields? {
        body.withUnsafeBytes { bytes -> EventFields? in
            var reader = WireFieldReader(bytes: bytes, end: bytes.count, what: "event")
            var profileID: UInt64?
            var time: Double?
            do {
                while !reader.isAtEnd {
                    let (field, wireType) = try reader.key()
                    switch (field, wireType) {
                    case (3, 0): profileID = try reader.varint()
                    case (5, 1): time = Double(bitPattern: try reader.fixed64())
                    case (3, _), (5, _): return nil
                    default: try reader.skip(wireType)
                    }
                }
            } catch {
                return nil
            }
            guard let profileID, let time, time.isFinite else { return nil }
            return EventFields(profileID: profileID, time: time)
        }
    }

    /// The fields of `entry`'s event: the fast reader, or a full decode that throws on bad input.
    static func of(_ entry: LogEntry, decoder: WireDecoder) throws -> EventFields {
        if let fields = Self.read(entry.body) { return fields }
        let event = try decoder.decode(LoggedEvent.self, from: entry.body)
        return EventFields(profileID: event.profileID, time: event.time.timeIntervalSinceReferenceDate)
    }
}
